// A short-lived token for a target service account, handed to another Google client: a
// job lists the project's secrets with the official SecretManagerServiceClient, signed in
// as the target through gcpAuthClient(). The token comes from IAM Credentials
// (generateAccessToken) over the ambient credentials, is requested once for every caller,
// and is replaced before it expires; each issue and replacement shows in the events.
//
//   TARGET_SERVICE_ACCOUNT=lister@acme-prod.iam.gserviceaccount.com \
//   GOOGLE_CLOUD_PROJECT=acme-prod node examples/gcp-impersonation/main.mjs
import { SecretManagerServiceClient } from "@google-cloud/secret-manager";
import { createSecrets } from "secrets-loader";
import { gcpAuthClient, gcpProvider } from "secrets-loader/providers/gcp";

const targetPrincipal =
  process.env.TARGET_SERVICE_ACCOUNT ?? "lister@acme-prod.iam.gserviceaccount.com";
const project = process.env.GOOGLE_CLOUD_PROJECT ?? "acme-prod";
const lifetime = Number(process.env.TOKEN_LIFETIME_S ?? 3600);
const calls = Number(process.env.CALLS ?? 3);
const intervalMs = Number(process.env.INTERVAL_MS ?? 1000);
// Only for local stand-ins: where IAM Credentials and Secret Manager answer.
const iamEndpoint = process.env.IAM_CREDENTIALS_ENDPOINT;
const smEndpoint =
  process.env.SECRET_MANAGER_ENDPOINT && new URL(process.env.SECRET_MANAGER_ENDPOINT);

const secrets = createSecrets({
  providers: { gcp: gcpProvider(iamEndpoint ? { iamCredentialsEndpoint: iamEndpoint } : {}) },
  onEvent: (e) => {
    if (e.type === "credentials") {
      console.log(
        `[credentials] ${e.action} ${e.reference} (${e.durationMs} ms), expires ${new Date(e.expiresAt).toISOString()}`,
      );
    }
  },
});

// The token itself, as { accessToken, expiresAt } (never printed).
const request = { targetPrincipal, lifetime };
let sm;
try {
  const { expiresAt } = await secrets.getCredentials("gcp", request);
  console.log(`token for ${targetPrincipal} valid until ${new Date(expiresAt).toISOString()}`);

  // Any Google client takes it as an AuthClient: same cache entry, same token.
  const authClient = await gcpAuthClient(secrets, request);
  sm = new SecretManagerServiceClient({
    authClient,
    ...(smEndpoint
      ? {
          fallback: true,
          apiEndpoint: smEndpoint.hostname,
          port: Number(smEndpoint.port),
          protocol: smEndpoint.protocol.replace(":", ""),
        }
      : {}),
  });
  for (let i = 1; i <= calls; i++) {
    const [list] = await sm.listSecrets({ parent: `projects/${project}` }, { autoPaginate: true });
    console.log(`call ${i}: ${list.length} secrets listed as ${targetPrincipal}`);
    if (i < calls) await new Promise((r) => setTimeout(r, intervalMs));
  }
} catch (err) {
  // One line that says what failed (the typed error names the endpoint and the fix), no stack.
  console.error(`lister stopped: ${err.message}`);
  process.exitCode = 1;
} finally {
  await sm?.close();
  await secrets.close();
}
