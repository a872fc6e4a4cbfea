/**
 * Finds and validates the project config with lilconfig (search) and zod
 * (validation). Every problem becomes a {@link ConfigFileError} that names
 * the file, the path of the bad key and how to fix it.
 */

import { readFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { lilconfigSync } from "lilconfig";
import { ConfigFileError } from "../errors.js";
import { DEFAULT_CONFIG } from "./defaults.js";
import { jsonErrorOffset, lineColumn } from "./json-position.js";
import type { SecretsConfig } from "./schema.js";

export { ConfigFileError };

/**
 * A loaded config and where it came from.
 *
 * @example
 * ```ts
 * const { config, file } = await loadConfig(".");
 * ```
 */
export interface LoadedConfig {
  config: SecretsConfig;
  /** The file it was read from, or undefined when none was found (defaults apply). */
  file?: string;
}

/**
 * The parse error for `content`, as line and column only: V8's own message
 * quotes part of the file, which may be a pasted key.
 */
function invalidJson(filepath: string, content: string, explicit: boolean): ConfigFileError {
  const offset = jsonErrorOffset(content) ?? 0;
  const { line, column } = lineColumn(content, offset);
  const where = offset >= content.length ? "ends early" : `at line ${line}, column ${column}`;
  return new ConfigFileError(
    filepath,
    "",
    `not valid JSON (${where})`,
    explicit
      ? "pass a JSON config file (secrets.config.json format) or correct its syntax at that position"
      : "correct the JSON syntax at that position",
  );
}

function jsonLoader(explicit: boolean) {
  return (filepath: string, content: string): unknown => {
    try {
      return JSON.parse(content);
    } catch {
      throw invalidJson(filepath, content, explicit);
    }
  };
}

/**
 * Reads a file named with --config or run --from as JSON, whatever its
 * extension (never as code), taking the `secrets` key of a package.json.
 */
function loadExplicit(file: string): { config: unknown; filepath: string } {
  const filepath = resolve(file);
  const content = readFileSync(filepath, "utf8");
  const raw = jsonLoader(true)(filepath, content);
  const config =
    basename(filepath) === "package.json" ? (raw as { secrets?: unknown } | null)?.secrets : raw;
  return { config, filepath };
}

/**
 * Finds the config by searching from `dir` upwards (`secrets.config.json`,
 * then a `secrets` key in `package.json`), or loads `explicitFile`.
 *
 * @throws {ConfigFileError} when the file cannot be read, parsed or validated
 * @example
 * ```ts
 * const { config, file } = await loadConfig(process.cwd());
 * ```
 */
export async function loadConfig(dir: string, explicitFile?: string): Promise<LoadedConfig> {
  const searcher = lilconfigSync("secrets", {
    searchPlaces: ["secrets.config.json", "package.json"],
    loaders: { ".json": jsonLoader(false) },
    cache: false,
  });
  let found: ReturnType<typeof searcher.search>;
  try {
    found = explicitFile ? loadExplicit(explicitFile) : searcher.search(dir);
  } catch (err) {
    if (err instanceof ConfigFileError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigFileError(
      explicitFile ?? dir,
      "",
      // Only the error code: a loader's message may quote the file.
      code === "ENOENT" ? "file not found" : `cannot be read (${code ?? "unknown error"})`,
      explicitFile ? "pass an existing file to --config" : "check the file's permissions",
    );
  }
  // zod is loaded only when there is a file to validate: it is the costliest
  // import of the CLI, and a pre-commit hook without a config should not pay it.
  if (!found) return { config: structuredClone(DEFAULT_CONFIG) };
  const { validateConfig } = await import("./validate.js");
  return { config: validateConfig(found.config, found.filepath), file: found.filepath };
}
