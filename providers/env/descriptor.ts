/**
 * The `env` provider's descriptor: `env://NAME` references and their rule.
 * Loads nothing until an `env://` reference is used.
 */

import type { ProviderDescriptor } from "../../src/provider/index.js";
import type { EnvProviderOptions } from "./options.js";
import { envRule } from "./rules.js";

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
