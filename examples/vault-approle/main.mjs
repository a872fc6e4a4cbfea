// A service that logs in to Vault (or OpenBao) with AppRole and loads its KV
// secrets at start-up with one load().
//
//   VAULT_ADDR=https://vault.internal:8200 VAULT_ROLE_ID=... \
//   VAULT_SECRET_ID_FILE=/run/secrets/vault-secret-id SECRETS_PATH=secret/checkout \
//     node examples/vault-approle/main.mjs
//
// The role id is not secret; the secret id is read from a file (mounted by the
// orchestrator) at every login, so a rotated secret id is picked up without a
// restart. The login token is short-lived, renewed by the client, and revoked
// by close().
import { createSecrets, LoadError } from "secrets-loader";
import { vaultProvider } from "secrets-loader/providers/vault";

const path = process.env.SECRETS_PATH ?? "secret/checkout";

const secrets = createSecrets({
  providers: {
    vault: vaultProvider({
      // address defaults to VAULT_ADDR; VAULT_NAMESPACE is read too.
      auth: {
        method: "approle",
        roleId: process.env.VAULT_ROLE_ID ?? "",
        secretIdFile: process.env.VAULT_SECRET_ID_FILE ?? "/run/secrets/vault-secret-id",
      },
    }),
  },
  // Refuse long-lived tokens (a root token, VAULT_TOKEN pasted in by hand).
  policy: { requireShortLived: true },
  // The usage log: the login (token accessor, never the token) and each fetch, never a value.
  onEvent: (e) => {
    if (e.type === "credentials")
      console.error(`[secrets] ${e.reference} ${e.action}, token ${e.version}`);
    if (e.type === "fetch") console.error(`[secrets] fetched ${e.reference} in ${e.durationMs} ms`);
  },
});

try {
  const config = await secrets.load({
    DB_PASSWORD: `vault://${path}/db#password`,
    STRIPE_KEY: `vault://${path}/stripe#key`,
  });
  const mode = config.STRIPE_KEY.startsWith("sk_live_") ? "live" : "test";
  console.log(`Loaded ${Object.keys(config).join(", ")}; Stripe mode: ${mode}`);
  // startServer(config) would go here; the values are never printed.
} catch (err) {
  if (err instanceof LoadError) {
    // One error lists every reference that failed and why (never a value).
    console.error(err.message);
    process.exitCode = 1;
  } else {
    throw err;
  }
} finally {
  await secrets.close();
}
