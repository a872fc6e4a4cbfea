/**
 * Real cloud stand-ins for integration tests: the one place tests get their addresses from.
 *
 * Contract
 * - `standIn("aws" | "vault" | "gcp" | "azure" | "toxiproxy" | "redis" | "postgres")` returns
 *   the running stand-in's connection info (typed: AwsStandIn, VaultStandIn, GcpStandIn,
 *   AzureStandIn, ToxiproxyStandIn, RedisStandIn, PostgresInfo). It throws a readable error if that stand-in was not started for this
 *   run, or cannot run on this machine.
 * - Which stand-ins start (test/support/stand-ins/global-setup.ts, the integration project's
 *   globalSetup, looks at the test files selected for the run):
 *     test/integration/<name>/**             starts <name>   (aws, vault, gcp, azure, toxiproxy, redis, postgres)
 *     test/integration/smoke/<name>.test.ts  starts <name>
 *     any integration file with a line `// @stand-ins: aws, vault` in its first 40 lines
 *   `SECRETS_LOADER_STAND_INS=all` (or `aws,vault`) forces a set. Files matching none start
 *   nothing; unit and e2e projects never start any.
 * - Every stand-in listens on a free port on 127.0.0.1; all state is in memory or in a temp dir,
 *   fresh per run, shared by the files of that run (use unique names, e.g. randomUUID()).
 * - Outside vitest (benchmarks, scripts) use scripts/emulators/start.mjs:
 *     const s = await startStandIn("aws"); ... s.info ...; await s.stop();
 *
 * What each one is: aws = moto server; vault = OpenBao dev server seeded with KV v2 at secret/,
 * KV v1 at kv1/, AppRole, JWT auth (ES256 key pair made per run) and the database engine on a
 * PostgreSQL the harness runs; gcp = drongo's Secret Manager REST server (use the client's REST
 * fallback: see gcpClientOptions); azure = the harness's own HTTPS stand-in for Entra ID and the
 * Key Vault secrets data plane (test/support/azure/server.ts; its per-run CA is trusted through
 * NODE_EXTRA_CA_CERTS, set before the workers start; helpers below: signAzureFederatedToken,
 * signAzureAccessToken, azureThrottle, azureStats, azureAppRegistration,
 * azureIdentityEnv); toxiproxy = Toxiproxy's server
 * (fault injection): put a proxy in front of another stand-in with `proxyTo(url)` from
 * test/support/toxiproxy.ts, e.g. `// @stand-ins: aws, toxiproxy`; redis = Debian's
 * redis-server, in memory only (`standIn("redis").url`), for the API-key limiter and watcher;
 * postgres = a PostgreSQL server of its own (fresh data dir, superuser `standIn("postgres").url`
 * for `pg`), for rows as a real driver returns them (the same code starts the Vault stand-in's).
 *
 * GCP extras, started by a test in beforeAll and closed in afterAll (in-process, free ports on
 * 127.0.0.1): `startGcpForwardingProxy(standIn("gcp"))` puts a proxy in front of drongo that adds
 * version aliases, `dataCrc32c`, regional routes and a corrupt-next-CRC hook, plus `rotation` and
 * `:testIamPermissions` (`grant()`, `lapseRotation()`) for the doctor;
 * `startGcpTokenServer({...})` is a request-checking IAM Credentials (generateAccessToken,
 * generateIdToken), STS (token exchange) and, with `metadata`, metadata-server stand-in with
 * counters.
 */
import { createPrivateKey, randomUUID, sign } from "node:crypto";
import { inject } from "vitest";
import type {
  AwsStandIn,
  AzureStandIn,
  GcpStandIn,
  PostgresInfo,
  RedisStandIn,
  StandInInfo,
  StandInName,
  ToxiproxyStandIn,
  VaultStandIn,
} from "../../scripts/emulators/start.mjs";
import { signJwt } from "./azure/jwt.ts";

export type {
  AwsStandIn,
  AzureStandIn,
  GcpStandIn,
  PostgresInfo,
  RedisStandIn,
  StandInName,
  ToxiproxyStandIn,
  VaultStandIn,
} from "../../scripts/emulators/start.mjs";
export { type GcpForwardingProxy, startGcpForwardingProxy } from "./gcp/forwarding-proxy.js";
export {
  type GcpTokenServer,
  type GcpTokenServerOptions,
  startGcpTokenServer,
} from "./gcp/token-server.js";

export function standIn(name: "aws"): AwsStandIn;
export function standIn(name: "vault"): VaultStandIn;
export function standIn(name: "gcp"): GcpStandIn;
export function standIn(name: "azure"): AzureStandIn;
export function standIn(name: "toxiproxy"): ToxiproxyStandIn;
export function standIn(name: "redis"): RedisStandIn;
export function standIn(name: "postgres"): PostgresInfo;
export function standIn(name: StandInName): StandInInfo[StandInName] {
  let provided: ReturnType<typeof inject<"secretsLoaderStandIns">> | undefined;
  try {
    provided = inject("secretsLoaderStandIns");
  } catch {
    provided = undefined;
  }
  if (!provided) {
    throw new Error(
      `standIn("${name}"): no stand-ins in this test project. Only the integration project ` +
        "starts them (vitest run --project integration); outside vitest use " +
        "startStandIn() from scripts/emulators/start.mjs.",
    );
  }
  const why = provided.unavailable[name];
  if (why) throw new Error(`standIn("${name}"): ${why.error}`);
  const info = provided.info[name];
  if (!info) {
    throw new Error(
      `standIn("${name}"): the ${name} stand-in was not started for this run ` +
        `(started: ${provided.requested.join(", ") || "none"}). Put the test under ` +
        `test/integration/${name}/, or add a line \`// @stand-ins: ${name}\` near the top of ` +
        "the file (see test/support/stand-ins.ts).",
    );
  }
  return info;
}

/**
 * Options for `new SecretManagerServiceClient(...)` against the GCP stand-in (REST fallback over
 * plain HTTP). Pass an authClient too: the stand-in accepts any bearer token.
 */
export function gcpClientOptions(gcp: GcpStandIn = standIn("gcp")) {
  return {
    apiEndpoint: gcp.host,
    port: gcp.port,
    protocol: gcp.protocol,
    fallback: true as const,
    projectId: gcp.projectId,
  };
}

/**
 * A JWT that the Vault stand-in's JWT auth method accepts (signed with the per-run key).
 * Override claims to test refusals (wrong aud, expired ...).
 */
export function signVaultJwt(
  claims: Record<string, unknown> = {},
  vault: VaultStandIn = standIn("vault"),
): string {
  const now = Math.floor(Date.now() / 1000);
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const body = {
    iss: vault.jwt.issuer,
    aud: vault.jwt.audience,
    sub: `test-${randomUUID()}`,
    iat: now,
    nbf: now - 5,
    exp: now + 300,
    ...claims,
  };
  const input = `${b64({ alg: vault.jwt.algorithm, typ: "JWT" })}.${b64(body)}`;
  const sig = sign("sha256", Buffer.from(input), {
    key: createPrivateKey(vault.jwt.privateKeyPem),
    dsaEncoding: "ieee-p1363",
  });
  return `${input}.${sig.toString("base64url")}`;
}

/**
 * A federated token (the file behind AZURE_FEDERATED_TOKEN_FILE) that the Azure stand-in's
 * token endpoint accepts as a client_assertion: ES256, signed with the per-run issuer key.
 * Override claims to test refusals (aud, exp ...), or pass another key to forge one.
 */
export function signAzureFederatedToken(
  claims: Record<string, unknown> = {},
  azure: AzureStandIn = standIn("azure"),
  privateKeyPem: string = azure.federated.privateKeyPem,
): string {
  const now = Math.floor(Date.now() / 1000);
  return signJwt(
    {
      iss: azure.federated.issuer,
      aud: azure.federated.audience,
      sub: `system:serviceaccount:test:${randomUUID()}`,
      iat: now,
      nbf: now - 5,
      exp: now + 600,
      ...claims,
    },
    privateKeyPem,
    "ES256",
  );
}

/**
 * An access token as the stand-in's Entra issues it (valid for the vault by default).
 * Override claims (aud, iss, exp) or the key to forge the ones the vault must refuse.
 */
export function signAzureAccessToken(
  claims: Record<string, unknown> = {},
  azure: AzureStandIn = standIn("azure"),
  privateKeyPem: string = azure.accessTokenSigning.privateKeyPem,
): string {
  const now = Math.floor(Date.now() / 1000);
  return signJwt(
    {
      aud: azure.vaultAudience,
      iss: azure.tokenIssuer,
      tid: azure.tenantId,
      oid: randomUUID(),
      appid: azure.clientId,
      iat: now,
      nbf: now,
      exp: now + 3600,
      ...claims,
    },
    privateKeyPem,
    "RS256",
    azure.accessTokenSigning.kid,
  );
}

async function azureControl(path: string, init: RequestInit, azure: AzureStandIn) {
  const r = await fetch(`${azure.control.url}/${path}`, {
    ...init,
    headers: { "content-type": "application/json", "x-stand-in-control": azure.control.token },
  });
  if (!r.ok) throw new Error(`azure stand-in ${path}: HTTP ${r.status}`);
  return r.json();
}

/**
 * Throttle switch: the next `count` Key Vault requests for `secret` (or for any secret when
 * omitted) are answered 429 with `Retry-After: retryAfterSeconds`.
 */
export async function azureThrottle(
  opts: { secret?: string; count: number; retryAfterSeconds?: number },
  azure: AzureStandIn = standIn("azure"),
): Promise<void> {
  await azureControl("throttle", { method: "POST", body: JSON.stringify(opts) }, azure);
}

/** Request counters since the stand-in started (shared by all files of a run: compare deltas). */
export async function azureStats(azure: AzureStandIn = standIn("azure")): Promise<{
  tokenRequests: number;
  clientSecretGrants: number;
  clientAssertionGrants: number;
  managedIdentityRequests: number;
  vaultRequests: number;
  throttled: number;
  /** Token requests per app registration (client id). */
  tokenRequestsByClient: Record<string, number>;
}> {
  return azureControl("stats", { method: "GET" }, azure);
}

/**
 * A new app registration of the stand-in's tenant, with its own client secret, token lifetime
 * (`expires_in`, default 3599 s), optional `refresh_in`, its own token counter in
 * `azureStats().tokenRequestsByClient`, and its role on the vault: "Key Vault Secrets Officer"
 * (default: everything) or "Key Vault Secrets User" (read secrets only; writes, deletes and
 * deleted secrets get 403 Forbidden / ForbiddenByRbac). The federated credential works for it.
 */
export async function azureAppRegistration(
  opts: {
    lifetimeSeconds?: number;
    refreshInSeconds?: number;
    role?: "Key Vault Secrets Officer" | "Key Vault Secrets User";
  } = {},
  azure: AzureStandIn = standIn("azure"),
): Promise<{ clientId: string; clientSecret: string }> {
  return azureControl("apps", { method: "POST", body: JSON.stringify(opts) }, azure);
}

/**
 * The standard variables for a child process (CLI, example) that signs in to the Azure
 * stand-in one way, with the stand-in's CA trusted. Managed identity: one process per case
 * (MSAL caches those tokens per process). Workload identity: pass the federated token file
 * (write `signAzureFederatedToken()` into it). `disableInstanceDiscovery` has no variable: the
 * code under test must set it from its own option.
 */
export function azureIdentityEnv(
  kind: "clientSecret" | "workloadIdentity" | "managedIdentity",
  opts: { federatedTokenFile?: string } = {},
  azure: AzureStandIn = standIn("azure"),
): Record<string, string> {
  const trust = { NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS ?? azure.caFile };
  const app = {
    AZURE_TENANT_ID: azure.tenantId,
    AZURE_CLIENT_ID: azure.clientId,
    AZURE_AUTHORITY_HOST: azure.authorityHost,
  };
  switch (kind) {
    case "clientSecret":
      return { ...trust, ...app, AZURE_CLIENT_SECRET: azure.clientSecret };
    case "workloadIdentity":
      if (!opts.federatedTokenFile) {
        throw new Error('azureIdentityEnv("workloadIdentity") needs opts.federatedTokenFile');
      }
      return { ...trust, ...app, AZURE_FEDERATED_TOKEN_FILE: opts.federatedTokenFile };
    case "managedIdentity":
      return {
        ...trust,
        IDENTITY_ENDPOINT: azure.managedIdentity.endpoint,
        IDENTITY_HEADER: azure.managedIdentity.header,
      };
  }
}
