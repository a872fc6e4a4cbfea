// A service that loads its database password and its Stripe key from Azure Key
// Vault at start-up, signed in through the provider's default chain: workload
// identity, managed identity, the Azure CLI, and a client secret last.
//
//   KEY_VAULT=acme-kv node examples/azure-startup/main.mjs
//
// No identity settings in the code: the platform's standard variables decide
// (AZURE_FEDERATED_TOKEN_FILE on AKS, IDENTITY_ENDPOINT on App Service ...).
import { createSecrets, LoadError } from "secrets-loader";
import { azureProvider } from "secrets-loader/providers/azure";

const vault = process.env.KEY_VAULT ?? "acme-kv"; // a vault name, or a host
const prefix = process.env.SECRETS_PREFIX ?? "checkout";
// Only for a local stand-in (or a vault behind a custom domain): these checks stay on otherwise.
const local = process.env.LOCAL_STAND_IN === "1";

const secrets = createSecrets({
  providers: {
    azure: azureProvider(
      local ? { disableChallengeResourceVerification: true, disableInstanceDiscovery: true } : {},
    ),
  },
  // The usage log: references, versions and timings, never values.
  onEvent: (e) => {
    if (e.type === "credentials") console.error(`[secrets] Entra token ${e.action}`);
    if (e.type === "fetch") console.error(`[secrets] fetched ${e.reference} in ${e.durationMs} ms`);
  },
});

try {
  const config = await secrets.load({
    DB_PASSWORD: `azure-kv://${vault}/${prefix}-db#password`,
    STRIPE_KEY: `azure-kv://${vault}/${prefix}-stripe`,
  });
  const mode = config.STRIPE_KEY.startsWith("sk_live_") ? "live" : "test";
  // Which link of the chain signed in (from the token already obtained: no new request).
  const { kind } = await (await secrets.provider("azure")).identity();
  console.log(
    `Loaded ${Object.keys(config).join(", ")}; Stripe mode: ${mode}; signed in with ${kind}`,
  );
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
