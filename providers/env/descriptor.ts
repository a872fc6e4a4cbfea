/**
 * The `env` provider's descriptor: `env://NAME` references and their rule.
 * Loads nothing until an `env://` reference is used.
 */

import {
  type ProviderDescriptor,
  publicPrefixOf,
  type ReferenceRule,
} from "../../src/provider/index.js";
import type { EnvProviderOptions } from "./options.js";

const ok = (path: string, options: Record<string, string>) => ({ path, options });

const envRule: ReferenceRule = {
  example: "env://PAYMENT_API_KEY",
  options: {},
  path(path, options) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(path)) {
      return {
        problem:
          "an environment variable name has letters, digits and underscores only, and does not start with a digit",
        part: path,
      };
    }
    const prefix = publicPrefixOf(path);
    if (prefix) {
      return {
        problem: `variables starting with ${prefix} are inlined into client bundles and are public, so they must never hold a secret; rename it without the public prefix and read it only on the server`,
        part: prefix,
        example: `env://${path.slice(prefix.length) || "PAYMENT_API_KEY"}`,
      };
    }
    return ok(path, options);
  },
};

/**
 * The `env` provider: the process environment, optionally backed by dotenv files.
 *
 * @example
 * ```ts
 * import { envDescriptor } from "secrets-loader/providers/env";
 * envDescriptor.scheme; // "env"
 * ```
 */
export const envDescriptor: ProviderDescriptor<EnvProviderOptions> = {
  name: "env",
  scheme: "env",
  rules: { env: envRule },
  create: async (context, options) =>
    (await import("./runtime.js")).createEnvProvider(context, options),
  doctor: async () => (await import("./doctor.js")).envDoctor,
};
