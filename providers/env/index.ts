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

// The guard comes through the root: the provider and the client then share one module
// graph, which the bundler keeps in one chunk (fewer files to load at start-up).
import { assertServerRuntime } from "../../src/index.js";

assertServerRuntime();

export { envDescriptor } from "./descriptor.js";
export type { EnvProviderOptions } from "./options.js";
export { envProvider } from "./runtime.js";
