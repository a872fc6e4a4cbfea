// A service that loads its database password and its Stripe key from GCP Secret
// Manager at start-up, signed in through Application Default Credentials, in the
// project named by GOOGLE_CLOUD_PROJECT.
//
//   GOOGLE_CLOUD_PROJECT=acme-prod node examples/gcp-startup/main.mjs
//
// No credentials or project in the code: on Cloud Run, GKE or GCE the metadata
// server signs in; elsewhere GOOGLE_APPLICATION_CREDENTIALS names a workload
// identity federation file (or gcloud's login, on a developer machine).
import { createSecrets, LoadError } from "secrets-loader";
import { gcpProvider } from "secrets-loader/providers/gcp";

const prefix = process.env.SECRETS_PREFIX ?? "checkout";
// Only for a local stand-in: production uses Secret Manager's own endpoint.
const endpoint = process.env.SECRET_MANAGER_ENDPOINT;

const secrets = createSecrets({
  providers: { gcp: gcpProvider(endpoint ? { endpoint } : {}) },
  // The usage log: references, versions and timings, never values.
  onEvent: (e) => {
    if (e.type === "fetch") {
      console.error(
        `[secrets] fetched ${e.reference} (version ${e.version}) in ${e.durationMs} ms`,
      );
    }
  },
});

try {
  const config = await secrets.load({
    // A JSON secret's field, latest version; and a key pinned by its version alias.
    DB_PASSWORD: `gcp-sm://${prefix}-db#password`,
    STRIPE_KEY: `gcp-sm://${prefix}-stripe@prod`,
  });
  const mode = config.STRIPE_KEY.startsWith("sk_live_") ? "live" : "test";
  const project = await (await secrets.provider("gcp")).projectId();
  console.log(
    `Loaded ${Object.keys(config).join(", ")} from project ${project}; Stripe mode: ${mode}`,
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
