/**
 * `toRuntimeEnv`: loaded config values in the shape t3-env's
 * `createEnv({ runtimeEnv })` (and other typed-env libraries) take: strings,
 * numbers and booleans.
 */

import { ConfigError } from "../index.js";

/**
 * What `createEnv({ runtimeEnv })` accepts.
 *
 * @example
 * ```ts
 * const runtimeEnv: RuntimeEnv = { PORT: 8080, DEBUG: false, DB_URL: "postgres://db/app" };
 * ```
 */
export type RuntimeEnv = Record<string, string | number | boolean | undefined>;

/**
 * Converts loaded values for `createEnv({ runtimeEnv })`: strings, numbers, booleans and
 * `undefined` pass as they are; a JSON entry's object, array or `null` becomes its JSON text
 * (parse it again in the t3 schema); bytes (a `binary` entry) become base64 text; a `Date`
 * becomes its ISO text. A `live` entry (a function) is refused: read it with its accessor.
 *
 * @example
 * ```ts
 * import { createEnv } from "@t3-oss/env-core";
 * import { z } from "zod";
 * import { defineConfig, toRuntimeEnv } from "secrets-loader/config";
 *
 * const config = defineConfig({ DATABASE_URL: "aws-sm://prod/db#url", PORT: "PORT" });
 * export const env = createEnv({
 *   server: { DATABASE_URL: z.string().url(), PORT: z.coerce.number() },
 *   runtimeEnv: toRuntimeEnv(await config.load()),
 * });
 * ```
 */
export function toRuntimeEnv(values: Readonly<Record<string, unknown>>): RuntimeEnv {
  if (values === null || typeof values !== "object") {
    throw new ConfigError({ message: "toRuntimeEnv(values): values must be an object." });
  }
  const out: RuntimeEnv = {};
  for (const [name, v] of Object.entries(values)) {
    if (
      v === undefined ||
      typeof v === "string" ||
      typeof v === "number" ||
      typeof v === "boolean"
    ) {
      out[name] = v;
    } else if (v instanceof Uint8Array) {
      out[name] = Buffer.from(v).toString("base64");
    } else if (v instanceof Date) {
      out[name] = v.toISOString();
    } else if (typeof v === "function") {
      throw new ConfigError({
        message: `toRuntimeEnv(): ${name} is a live entry (an accessor); runtimeEnv takes values: read it with await ${name}() where it is used.`,
      });
    } else if (typeof v === "bigint") {
      out[name] = v.toString();
    } else {
      out[name] = JSON.stringify(v);
    }
  }
  return out;
}
