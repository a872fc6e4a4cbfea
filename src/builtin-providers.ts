/**
 * The composition root: the one module that imports the built-in provider
 * declarations. Everything else that knows about providers (the
 * zero-config client, the parser's scheme table, the CLI's scheme map,
 * option checks and doctor facets) receives them from here.
 * Declarations import no SDK; each provider's code loads on first use.
 */

import { awsProvider } from "../providers/aws/declaration.js";
import { azureProvider } from "../providers/azure/declaration.js";
import { envProvider } from "../providers/env/declaration.js";
import { gcpProvider } from "../providers/gcp/declaration.js";
import { vaultProvider } from "../providers/vault/declaration.js";
import type { SecretsOptions } from "./api.js";
import { compose } from "./compose.js";
import type { ParsedRef } from "./types.js";

/**
 * The built-in providers, in the order their schemes are listed.
 *
 * @example
 * ```ts
 * import { BUILTIN_PROVIDERS } from "secrets-loader";
 * BUILTIN_PROVIDERS.map((p) => p.declaration.name); // ["env", "aws", "vault", "gcp", "azure"]
 * ```
 */
// Typed by the declarations themselves, so that the emitted types import them and their
// CredentialsMap entries (declaration merging) reach every consumer of the root.
export const BUILTIN_PROVIDERS: readonly [
  typeof envProvider,
  typeof awsProvider,
  typeof vaultProvider,
  typeof gcpProvider,
  typeof azureProvider,
] = [envProvider, awsProvider, vaultProvider, gcpProvider, azureProvider];

/**
 * The built-ins, composed: what the package root's functions use.
 *
 * @example
 * ```ts
 * import { builtins } from "secrets-loader";
 * builtins.table.resolve("bao")?.scheme; // "vault"
 * ```
 */
export const builtins = compose(BUILTIN_PROVIDERS);

/**
 * Creates a secrets client. With no options it is the zero-config client:
 * every built-in provider is registered and created on first use (its module
 * and SDK imported then), configured from its ecosystem's standard
 * environment variables. Call `close()` at shutdown: it stops timers, drops
 * the cache and closes every provider (revoking leases and login tokens).
 *
 * @param options - Every field is optional ({@link SecretsOptions}):
 *   - `providers`: providers by name, each made by `defineProvider` (such as
 *     `awsProvider({ region })`), created on first use. A name of a built-in replaces it.
 *   - `builtins`: register the built-in providers for the schemes not given
 *     in `providers` (default `true`).
 *   - `timeout`: the deadline of every provider call, a number of ms or a
 *     duration such as `"10s"` (default `"10s"`; per call: `{ timeout }`).
 *   - `cache` ({@link CacheOptions}): `maxAge` (`"5m"`), `refreshAhead`
 *     (`0.1`), `maxStale` (`"1h"`, `0` disables), `maxEntries` (`10_000`),
 *     `credentialRefreshLead` (`"5m"`), `staleWait` (`250` ms), `maxBackoff`
 *     (`"60s"`), `leaseGrace` (`"30s"`).
 *   - `policy` ({@link SecretsPolicy}): `requireShortLived: true` refuses
 *     long-lived credentials with `POLICY_VIOLATION`.
 *   - `onEvent`: a listener for every event (`fetch`, `hit`, `miss`,
 *     `refresh`, `stale`, `error`, `credentials`, `lease`, `evict`); events
 *     never contain a value.
 * @returns A {@link Secrets} client: `getSecret`, `load`, `getCredentials`,
 *   `describe`, `invalidate`, `invalidateCredentials`, `clear`, `on`,
 *   `register`, `provider` and `close`.
 * @throws {@link ConfigError} (`code` `INVALID_CONFIG`) when an option has
 *   the wrong type or range (the message names the setting and what it
 *   takes). Nothing else: no provider is created and no I/O happens here.
 *
 * @example
 * ```ts
 * import { createSecrets } from "secrets-loader";
 * import { awsProvider } from "secrets-loader/providers/aws";
 *
 * const secrets = createSecrets({
 *   providers: { aws: awsProvider({ region: "eu-west-1" }) },
 *   timeout: "5s",
 *   cache: { maxAge: "10m", maxStale: "30m" },
 *   policy: { requireShortLived: true },
 *   onEvent: (e) => console.log(e.type, e.reference),
 * });
 * const config = await secrets.load({ DB_PASSWORD: "aws-sm://prod/db#password" });
 * process.on("SIGTERM", () => void secrets.close());
 * ```
 */
export function createSecrets(options: SecretsOptions = {}) {
  return builtins.createSecrets(options);
}

/**
 * Parses and validates a secret reference against the built-in schemes,
 * without any I/O. Throws `InvalidReferenceError` naming the reference, the
 * bad part and a corrected example.
 *
 * @example
 * ```ts
 * import { parseReference } from "secrets-loader";
 * parseReference("aws-ssm://prod/db/password");
 * // InvalidReferenceError: ... a hierarchical parameter name must start with '/' ...
 * // Example of a valid reference: aws-ssm:///prod/db/password
 * ```
 */
export function parseReference(raw: string): ParsedRef {
  return builtins.parseReference(raw);
}

/**
 * The schemes understood without registering anything (the built-in providers').
 *
 * @example
 * ```ts
 * import { builtinSchemes } from "secrets-loader";
 * builtinSchemes(); // ["env", "aws-sm", "aws-ssm", "vault", "gcp-sm", "azure-kv"]
 * ```
 */
export function builtinSchemes(): string[] {
  return builtins.schemes();
}
