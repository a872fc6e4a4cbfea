/**
 * Lazy loaders for the Azure SDK packages (optional peers): `@azure/identity`
 * (~190 ms to import) only when the provider builds its own credential, and
 * `@azure/keyvault-secrets` on the first `azure-kv://` read.
 */

import { importPeer } from "../../src/provider/index.js";

type IdentityModule = typeof import("@azure/identity");
type SecretsModule = typeof import("@azure/keyvault-secrets");

let identity: Promise<IdentityModule> | undefined;
let secrets: Promise<SecretsModule> | undefined;

/** `@azure/identity`, imported on first use (a failed import is retried next time). */
export function loadIdentity(): Promise<IdentityModule> {
  if (!identity) {
    identity = importPeer<IdentityModule>("azure", "@azure/identity", [
      "ManagedIdentityCredential",
    ]);
    identity.catch(() => {
      identity = undefined;
    });
  }
  return identity;
}

/** `@azure/keyvault-secrets`, imported on first use. */
export function loadKeyVaultSecrets(): Promise<SecretsModule> {
  if (!secrets) {
    secrets = importPeer<SecretsModule>("azure", "@azure/keyvault-secrets", ["SecretClient"]);
    secrets.catch(() => {
      secrets = undefined;
    });
  }
  return secrets;
}
