/**
 * The `env` provider: `env://NAME` from the process environment, optionally
 * backed by dotenv files. Zero-config default; loads no SDK.
 */

import { readFile } from "node:fs/promises";
import { ConfigError, InvalidReferenceError, NotFoundError } from "../../src/errors.js";
import { publicPrefixOf } from "../../src/reference/schemes.js";
import type { FetchedSecret, ParsedRef, SecretProvider } from "../../src/types.js";

/**
 * Options of {@link envProvider}.
 *
 * @example
 * ```ts
 * envProvider({ dotenvPath: [".env", ".env.local"], override: false });
 * ```
 */
export interface EnvProviderOptions {
  /** The environment to read. Default: `process.env`, read at each fetch. */
  env?: Record<string, string | undefined>;
  /**
   * dotenv file(s) to read, parsed with the `dotenv` package. Later files win
   * over earlier ones. Files are re-read on every fetch, so an edit is picked up
   * when the cache next refreshes.
   */
  dotenvPath?: string | readonly string[];
  /** When true, dotenv values win over the environment. Default `false` (as dotenv itself). */
  override?: boolean;
}

/**
 * Creates the `env` provider.
 *
 * - `env://NAME` reads `NAME`; an unset or empty variable is a {@link NotFoundError}.
 * - Public-prefixed names (`NEXT_PUBLIC_`, `VITE_`, ...) are refused: such
 *   values are inlined into client bundles.
 * - `#field` selects from a JSON value; `{ type: "binary" }` decodes base64.
 *
 * @example
 * ```ts
 * import { createSecrets } from "secrets-loader";
 * import { envProvider } from "secrets-loader/providers/env";
 *
 * const secrets = createSecrets({ providers: { env: envProvider({ dotenvPath: ".env" }) } });
 * const key = await secrets.getSecret("env://PAYMENT_API_KEY");
 * ```
 */
export function envProvider(options: EnvProviderOptions = {}): SecretProvider {
  const files =
    options.dotenvPath === undefined
      ? []
      : typeof options.dotenvPath === "string"
        ? [options.dotenvPath]
        : [...options.dotenvPath];

  async function readDotenv(): Promise<Record<string, string>> {
    if (files.length === 0) return {};
    const { parse } = await import("dotenv");
    const merged: Record<string, string> = {};
    for (const file of files) {
      let text: string;
      try {
        text = await readFile(file, "utf8");
      } catch (cause) {
        throw new ConfigError({
          provider: "env",
          message: `env provider: cannot read dotenv file ${file}; check envProvider({ dotenvPath }).`,
          cause,
        });
      }
      Object.assign(merged, parse(text));
    }
    return merged;
  }

  return {
    name: "env",
    scheme: "env",
    async getSecret(ref: ParsedRef): Promise<FetchedSecret> {
      const name = ref.path;
      const prefix = publicPrefixOf(name);
      if (prefix) {
        throw new InvalidReferenceError({
          reference: ref.raw,
          part: prefix,
          problem: `variables starting with ${prefix} are public (inlined into client bundles)`,
          example: `env://${name.slice(prefix.length)}`,
        });
      }
      const env = options.env ?? process.env;
      const dotenv = await readDotenv();
      const fromFile = Object.hasOwn(dotenv, name) ? dotenv[name] : undefined;
      const fromEnv = Object.hasOwn(env, name) ? env[name] : undefined;
      const value = options.override ? (fromFile ?? fromEnv) : (fromEnv ?? fromFile);
      if (value === undefined || value === "") {
        const where = files.length ? `the environment or ${files.join(", ")}` : "the environment";
        throw new NotFoundError({
          provider: "env",
          reference: ref.raw,
          message: `${name} is ${value === "" ? "set but empty" : "not set"} in ${where}. Set it before starting the process${files.length ? " or add it to the dotenv file" : ""}.`,
        });
      }
      return { value };
    },
  };
}
