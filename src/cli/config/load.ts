/**
 * Finds and validates the project config with lilconfig (search) and zod
 * (validation). Every problem becomes a {@link ConfigFileError} that names
 * the file, the path of the bad key and how to fix it.
 */

import { lilconfigSync } from "lilconfig";
import type { z } from "zod";
import { builtinSchemes, parseReference } from "../../reference/parse.js";
import { ConfigSchema, FIXES, KNOWN_KEYS, type SecretsConfig } from "./schema.js";

/**
 * A config file that cannot be used. The message is one line:
 * `<file>: <key path>: <problem>. Fix: <fix>`.
 *
 * @example
 * ```ts
 * try { loadConfig("."); } catch (e) { if (e instanceof ConfigFileError) console.error(e.message); }
 * ```
 */
export class ConfigFileError extends Error {
  constructor(
    /** The config file. */
    readonly file: string,
    /** Dot path of the bad key ("" for the whole file). */
    readonly keyPath: string,
    /** What is wrong. */
    readonly problem: string,
    /** How to fix it. */
    readonly fix: string,
  ) {
    super(`${file}: ${keyPath ? `${keyPath}: ` : ""}${problem}. Fix: ${fix}`);
    this.name = "ConfigFileError";
  }
}

/**
 * A loaded config and where it came from.
 *
 * @example
 * ```ts
 * const { config, file } = loadConfig(".");
 * ```
 */
export interface LoadedConfig {
  config: SecretsConfig;
  /** The file it was read from, or undefined when none was found (defaults apply). */
  file?: string;
}

function jsonLoader(filepath: string, content: string): unknown {
  try {
    return JSON.parse(content);
  } catch (err) {
    throw new ConfigFileError(
      filepath,
      "",
      `not valid JSON (${(err as Error).message})`,
      "correct the JSON syntax at that position",
    );
  }
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0] as number;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j] as number;
      d[j] = Math.min(
        (d[j] as number) + 1,
        (d[j - 1] as number) + 1,
        prev + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      prev = tmp;
    }
  }
  return d[b.length] as number;
}

function fixFor(path: string): string {
  for (const [re, fix] of FIXES) if (re.test(path)) return fix;
  return "see the Configuration part of docs/cli.md";
}

function describeIssue(file: string, issue: z.core.$ZodIssue): ConfigFileError {
  const base = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] as string;
    const known = KNOWN_KEYS[base] ?? [];
    const near = known
      .map((k) => [k, distance(key.toLowerCase(), k.toLowerCase())] as const)
      .sort((a, b) => a[1] - b[1])[0];
    const fix =
      near && near[1] <= 3
        ? `rename it to "${near[0]}"`
        : known.length
          ? `remove it; allowed keys here: ${known.join(", ")}`
          : "remove it";
    return new ConfigFileError(file, base ? `${base}.${key}` : key, "unknown key", fix);
  }
  return new ConfigFileError(file, base, issue.message, fixFor(base));
}

/**
 * Validates a raw config object. `file` is used in error messages only.
 *
 * @throws {ConfigFileError} on the first problem found
 * @example
 * ```ts
 * validateConfig({ policy: { rotationMaxDays: 30 } }, "secrets.config.json");
 * ```
 */
export function validateConfig(raw: unknown, file: string): SecretsConfig {
  const parsed = ConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) throw describeIssue(file, parsed.error.issues[0] as z.core.$ZodIssue);
  const config = parsed.data;
  const builtin = new Set(builtinSchemes());
  for (const [name, entry] of Object.entries(config.references)) {
    const ref = typeof entry === "string" ? entry : entry.ref;
    const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(ref)?.[1]?.toLowerCase();
    const at = typeof entry === "string" ? `references.${name}` : `references.${name}.ref`;
    if (!scheme) {
      throw new ConfigFileError(file, at, `"${ref}" is not a reference URI`, fixFor(at));
    }
    if (!builtin.has(scheme)) continue; // a custom provider's scheme: checked when it is registered
    try {
      parseReference(ref);
    } catch (err) {
      throw new ConfigFileError(file, at, (err as Error).message, fixFor(at));
    }
  }
  return config;
}

/**
 * Finds the config by searching from `dir` upwards (`secrets.config.json`,
 * then a `secrets` key in `package.json`), or loads `explicitFile`.
 *
 * @throws {ConfigFileError} when the file cannot be read, parsed or validated
 * @example
 * ```ts
 * const { config, file } = loadConfig(process.cwd());
 * ```
 */
export function loadConfig(dir: string, explicitFile?: string): LoadedConfig {
  const searcher = lilconfigSync("secrets", {
    searchPlaces: ["secrets.config.json", "package.json"],
    loaders: { ".json": jsonLoader },
    cache: false,
  });
  let found: ReturnType<typeof searcher.search>;
  try {
    found = explicitFile ? searcher.load(explicitFile) : searcher.search(dir);
  } catch (err) {
    if (err instanceof ConfigFileError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigFileError(
      explicitFile ?? dir,
      "",
      code === "ENOENT" ? "file not found" : `cannot be read (${code ?? (err as Error).message})`,
      explicitFile ? "pass an existing file to --config" : "check the file's permissions",
    );
  }
  if (!found) return { config: validateConfig({}, "(defaults)") };
  return { config: validateConfig(found.config, found.filepath), file: found.filepath };
}
