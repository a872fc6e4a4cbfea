/**
 * The `env` provider: `env://NAME` from the process environment, optionally
 * backed by dotenv files. Zero-config default; loads no SDK.
 *
 * @example
 * ```ts
 * import { createSecrets } from "secrets-loader";
 * import { envProvider } from "secrets-loader/providers/env";
 *
 * const secrets = createSecrets({ providers: { env: envProvider({ dotenvPath: ".env" }) } });
 * ```
 * @packageDocumentation
 */

import { assertServerRuntime } from "../../src/provider/index.js";

assertServerRuntime();

export { envProvider } from "./declaration.js";
export type { EnvProviderOptions } from "./options.js";
