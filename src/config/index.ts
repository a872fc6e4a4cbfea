/**
 * `secrets-loader/config`: typed configuration at start-up. `defineConfig`
 * declares the entries (references or env names, each with an optional
 * Standard Schema); `config.load()` reads them all with one `load()`,
 * validates them, and hands back a deeply frozen, typed object.
 *
 * An entry of its own, not the root: importing the root stays as cheap as it
 * was for services that never declare a config, and schema handling loads
 * only where it is used (the CLI recognises a config by a registry symbol,
 * without importing this entry).
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { defineConfig } from "secrets-loader/config";
 *
 * export const config = defineConfig({
 *   DB_URL: { ref: "aws-sm://prod/db#url", schema: z.string().url() },
 *   PORT: { ref: "env://PORT", schema: z.coerce.number().int(), default: 8080 },
 * });
 * await config.load();
 * ```
 * @packageDocumentation
 */

export {
  type Config,
  type ConfigEntry,
  type ConfigEntryInfo,
  type ConfigSpec,
  type ConfigValue,
  type ConfigValues,
  defineConfig,
  type EntryOutput,
  type StrictSpec,
} from "./define.js";
export { type ConfigFailure, type ConfigIssue, ConfigLoadError } from "./error.js";
export { type RuntimeEnv, toRuntimeEnv } from "./runtime-env.js";
export type { StandardSchemaV1 } from "./standard-schema.js";
