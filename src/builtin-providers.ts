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
 * every built-in provider is registered and created on first use.
 *
 * @example
 * ```ts
 * import { createSecrets } from "secrets-loader";
 *
 * const secrets = createSecrets({ timeout: "5s", cache: { maxAge: "10m" }, onEvent: (e) => log.info(e) });
 * const config = await secrets.load({ DB_PASSWORD: "env://DB_PASSWORD" });
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
