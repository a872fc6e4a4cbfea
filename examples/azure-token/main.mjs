// Short-lived Entra ID tokens for another Azure client: a worker that writes a
// heartbeat to Key Vault with its own SecretClient, on the provider's
// tokenCredential(). The token is requested once, shared with
// getCredentials("azure", { scopes }), and replaced before it expires; every
// issue and replacement shows in the events.
//
//   KEY_VAULT_URL=https://acme-kv.vault.azure.net node examples/azure-token/main.mjs
import { SecretClient } from "@azure/keyvault-secrets";
import { createSecrets } from "secrets-loader";
import { azureProvider } from "secrets-loader/providers/azure";

const vaultUrl = process.env.KEY_VAULT_URL ?? "https://acme-kv.vault.azure.net";
const beats = Number(process.env.BEATS ?? 3);
const intervalMs = Number(process.env.INTERVAL_MS ?? 1000);
const name = process.env.HEARTBEAT_SECRET ?? "worker-heartbeat";
// Only for a local stand-in (or a vault behind a custom domain): these checks stay on otherwise.
const local = process.env.LOCAL_STAND_IN === "1";

const secrets = createSecrets({
  providers: { azure: azureProvider(local ? { disableInstanceDiscovery: true } : {}) },
  onEvent: (e) => {
    if (e.type === "credentials") {
      console.log(
        `[credentials] ${e.action} ${e.reference} (${e.durationMs} ms), expires ${new Date(e.expiresAt).toISOString()}`,
      );
    }
  },
});

// The token for a resource scope, as { token, expiresAt } (never printed).
const scopes = "https://vault.azure.net/.default";
try {
  const { expiresAt } = await secrets.getCredentials("azure", { scopes });
  console.log(`token for ${scopes} valid until ${new Date(expiresAt).toISOString()}`);

  // Any Azure SDK client takes the provider's TokenCredential: same memo, same token.
  const azure = await secrets.provider("azure");
  const client = new SecretClient(vaultUrl, azure.tokenCredential(), {
    ...(local ? { disableChallengeResourceVerification: true } : {}),
  });
  for (let i = 1; i <= beats; i++) {
    await client.setSecret(name, new Date().toISOString(), { contentType: "text/plain" });
    console.log(`heartbeat ${i} written`);
    if (i < beats) await new Promise((r) => setTimeout(r, intervalMs));
  }
} catch (err) {
  // One line that says what failed (the typed error names the endpoint and the fix), no stack.
  console.error(`heartbeat stopped: ${err.message}`);
  process.exitCode = 1;
} finally {
  await secrets.close();
}
