/**
 * Finds and validates the project config with lilconfig (search) and zod
 * (validation). Every problem becomes a {@link ConfigFileError} that names
 * the file, the path of the bad key and how to fix it.
 */

import { lilconfigSync } from "lilconfig";
import { ConfigFileError } from "../errors.js";
import { DEFAULT_CONFIG } from "./defaults.js";
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
  // zod is loaded only when there is a file to validate: it is the costliest
  // import of the CLI, and a pre-commit hook without a config should not pay it.
  if (!found) return { config: structuredClone(DEFAULT_CONFIG) };
  const { validateConfig } = await import("./validate.js");
  return { config: validateConfig(found.config, found.filepath), file: found.filepath };
}
