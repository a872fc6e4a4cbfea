/**
 * The `env` provider's declaration: `env://NAME` references and their rule.
 * Loads nothing until an `env://` reference is used.
 */

import { defineProvider, type Provider } from "../../src/provider/index.js";
import type { EnvProviderOptions } from "./options.js";
import { envRule } from "./rules.js";

/**
 * The `env` provider, for `createSecrets({ providers })`: the process
 * environment, optionally backed by dotenv files.
 *
 * - `env://NAME` reads `NAME`; an unset or empty variable is a `NotFoundError`.
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
export const envProvider: Provider<EnvProviderOptions> = defineProvider<EnvProviderOptions>({
  name: "env",
  schemes: { env: envRule },
  suggestions: { environment: "env", process: "env" },
  options: async () => (await import("./options-check.js")).checkEnvOptions,
  create: async (_context, options) => (await import("./runtime.js")).createEnvProvider(options),
  doctor: async () => (await import("./doctor.js")).envDoctor,
});
