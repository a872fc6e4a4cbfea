/**
 * The `env` provider's code: `env://NAME` from the process environment,
 * optionally backed by dotenv files. Loads no SDK.
 */

import { readFile, stat } from "node:fs/promises";
import {
  ConfigError,
  InvalidReferenceError,
  type Issued,
  NotFoundError,
  type ParsedRef,
  type ProviderOperations,
  publicPrefixOf,
  SecretsError,
} from "../../src/provider/index.js";
import type { EnvProviderOptions } from "./options.js";

/**
 * The `env` provider's operations (the declaration's `create`).
 *
 * @param options - {@link EnvProviderOptions}, all optional: `dotenvPath` (a
 *   dotenv file or a list of them, re-read on every fetch; later files win) and
 *   `override` (the files win over the environment; default `false`).
 * @returns A provider for `env://NAME`.
 * @throws `ConfigError` (`INVALID_CONFIG`) when `dotenvPath` is not a path
 *   or a list of paths, or names something other than a regular file. Reads fail
 *   with `NOT_FOUND` (unset or empty variable; says where it looked),
 *   `INVALID_REFERENCE` (a public-prefixed name such as `NEXT_PUBLIC_…`), or
 *   `INVALID_VALUE` (`#field` of a value that is not JSON, bad base64).
 *
 * @example
 * ```ts
 * const env = createEnvProvider({ dotenvPath: ".env" });
 * ```
 */
export function createEnvProvider(options: EnvProviderOptions = {}): ProviderOperations {
  const paths = options.dotenvPath;
  if (
    paths !== undefined &&
    typeof paths !== "string" &&
    !(Array.isArray(paths) && paths.every((p) => typeof p === "string"))
  ) {
    throw new ConfigError({
      provider: "env",
      message: `env provider: dotenvPath must be a file path or a list of file paths (got ${typeof paths}).`,
    });
  }
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
        // A FIFO or device would block the read (or never end): only regular files.
        const info = await stat(file);
        if (!info.isFile()) {
          throw new ConfigError({
            provider: "env",
            message: `env provider: dotenv file ${file} is not a regular file (a FIFO, device or directory); point envProvider({ dotenvPath }) at a file.`,
          });
        }
        text = await readFile(file, "utf8");
      } catch (cause) {
        if (SecretsError.is(cause)) throw cause;
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
    // Reads the process environment and files: no credentials, never refused by policy.
    authClass: () => ({ class: "none" }),

    async getSecret(ref: ParsedRef): Promise<Issued> {
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
