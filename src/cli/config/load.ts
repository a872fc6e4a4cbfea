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
import type { SecretsConfig } from "./schema.js";

export { ConfigFileError };

/**
 * A loaded config and where it came from.
 */
export interface LoadedConfig {
  config: SecretsConfig;
  /** The file it was read from, or undefined when none was found (defaults apply). */
  file?: string;
}

/** A JSON syntax error, turned into a {@link ConfigFileError} by {@link describeJsonError}. */
class JsonSyntaxError extends Error {
  constructor(
    readonly filepath: string,
    readonly content: string,
    readonly explicit: boolean,
  ) {
    super("not valid JSON");
  }
}

const BOM = "\uFEFF";

/**
 * The parse error for `content`, as line, column and the kind of problem
 * only: V8's own message quotes part of the file, which may be a pasted key.
 * jsonc-parser (loaded only on this path) finds the position; its errors
 * are codes, never text from the file.
 */
async function describeJsonError(e: JsonSyntaxError): Promise<ConfigFileError> {
  const { parse, printParseErrorCode } = await import("jsonc-parser");
  const errors: import("jsonc-parser").ParseError[] = [];
  parse(e.content, errors, { disallowComments: true, allowTrailingComma: false });
  const first = errors[0];
  let where = "at an unknown position";
  if (first) {
    const problem = printParseErrorCode(first.error)
      .replace(/([a-z])([A-Z])/g, "$1 $2")
      .toLowerCase();
    const { line, column } = lineColumn(e.content, first.offset);
    where =
      first.offset >= e.content.length
        ? `ends early: ${problem}`
        : `at line ${line}, column ${column}: ${problem}`;
  }
  return new ConfigFileError(
    e.filepath,
    "",
    `not valid JSON (${where})`,
    e.explicit
      ? "pass a JSON config file (secrets.config.json format) or correct its syntax at that position"
      : "correct the JSON syntax at that position",
  );
}

/** A 1-based line and column for an offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - (before.lastIndexOf("\n") + 1) + 1 };
}

function jsonLoader(explicit: boolean) {
  return (filepath: string, content: string): unknown => {
    // Editors on Windows may save UTF-8 with a byte order mark, which JSON.parse refuses.
    const text = content.startsWith(BOM) ? content.slice(1) : content;
    try {
      return JSON.parse(text);
    } catch {
      throw new JsonSyntaxError(filepath, text, explicit);
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
    if (err instanceof JsonSyntaxError) throw await describeJsonError(err);
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
  const config = validateConfig(found.config, found.filepath);
  const { checkProviderOptions } = await import("./provider-options.js");
  await checkProviderOptions(config.providers, found.filepath);
  return { config, file: found.filepath };
}
