/**
 * The providers the zero-config client knows. Each is loaded with a dynamic
 * import the first time one of its references is used, so importing the
 * package costs nothing for backends a service does not use.
 */

import type { ProviderInput } from "./types.js";

/** Built-in providers by name, with the schemes they serve. */
export const BUILTIN_PROVIDERS: Readonly<Record<string, ProviderInput>> = {
  env: {
    scheme: "env",
    create: async () => (await import("../providers/env/index.js")).envProvider(),
  },
};
