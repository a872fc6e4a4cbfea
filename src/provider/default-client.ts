/**
 * The zero-config client, for a provider's helpers that act on a client
 * (such as an SDK credentials provider backed by `getCredentials`), without
 * the provider importing the package root: the root registers it here when
 * it loads (an import would make a cycle, root → declarations → kit → root).
 */

import type { Secrets } from "../api.js";
import { ConfigError } from "../errors.js";

let factory: (() => Secrets) | undefined;

/**
 * Called by the package root once, with its `defaultSecrets`.
 *
 * @internal
 */
export function registerDefaultClient(make: () => Secrets): void {
  factory = make;
}

/**
 * The process's zero-config client (the root's `defaultSecrets()`).
 *
 * @example
 * ```ts
 * const creds = await defaultClient().getCredentials("aws", { roleArn });
 * ```
 */
export function defaultClient(): Secrets {
  if (!factory) {
    throw new ConfigError({
      message:
        'No default client: import "secrets-loader" (its zero-config client), or pass the client you created ({ secrets }).',
    });
  }
  return factory();
}
