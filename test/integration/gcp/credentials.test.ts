/**
 * GCP short-lived credentials end to end: getCredentials("gcp") through Impersonated
 * (generateAccessToken) and generateIdToken against the request-checking token stand-in,
 * the memo (one request for any number of callers, replaced ahead of expiry), reads as
 * the impersonated identity (the forwarding proxy records the bearer), workload identity
 * federation through ExternalAccountClient, and policy.requireShortLived.
 */

import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { OAuth2Client } from "google-auth-library";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gcpAuthClient, gcpProvider } from "../../../providers/gcp/index.js";
import type { GcpOptions } from "../../../providers/gcp/types.js";
import {
  AccessDeniedError,
  createSecrets,
  PolicyViolationError,
  type SecretsEvent,
  UnavailableError,
} from "../../../src/index.js";
import {
  type GcpForwardingProxy,
  type GcpTokenServer,
  standIn,
  startGcpForwardingProxy,
  startGcpTokenServer,
} from "../../support/stand-ins.js";
import {
  externalAccountFile,
  fakeValue,
  fixedClient,
  SCOPE,
  seedSecret,
  serviceAccountFile,
} from "./support/identity.js";

const gcp = standIn("gcp");
const target = `reader-${randomUUID().slice(0, 6)}@acme-prod.iam.gserviceaccount.com`;
const delegate = `hop-${randomUUID().slice(0, 6)}@acme-prod.iam.gserviceaccount.com`;
const source = `src-${randomUUID()}`;
const subject = `subject-${randomUUID()}`;
let tokens: GcpTokenServer;
let proxy: GcpForwardingProxy;
let dir: string;
let secret: { id: string; name: string };
let value: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "gcp-credentials-"));
  tokens = await startGcpTokenServer({
    sourceTokens: [source],
    serviceAccounts: [target, delegate],
    audience:
      "//iam.googleapis.com/projects/424242/locations/global/workloadIdentityPools/pool/providers/prov",
    subjectTokens: [subject],
  });
  proxy = await startGcpForwardingProxy(gcp);
  value = fakeValue("db");
  secret = await seedSecret(proxy.url, gcp, value);
});
afterAll(async () => {
  await tokens.close();
  await proxy.close();
  rmSync(dir, { recursive: true, force: true });
});

function client(
  options: GcpOptions,
  extra: { requireShortLived?: boolean; onEvent?: (e: SecretsEvent) => void } = {},
) {
  return createSecrets({
    providers: {
      gcp: gcpProvider({
        endpoint: proxy.url,
        iamCredentialsEndpoint: tokens.url,
        projectId: gcp.projectId,
        ...options,
      }),
    },
    ...(extra.requireShortLived ? { policy: { requireShortLived: true } } : {}),
    ...(extra.onEvent ? { onEvent: extra.onEvent } : {}),
  });
}

describe("getCredentials('gcp')", () => {
  it("impersonates the target: { accessToken, expiresAt } from generateAccessToken", async () => {
    const secrets = client({ authClient: fixedClient(source) });
    const before = tokens.counts.generateAccessToken;
    const creds = await secrets.getCredentials("gcp", {
      targetPrincipal: target,
      delegates: [delegate],
      lifetime: "15m",
    });
    expect(creds.accessToken && tokens.issued.has(creds.accessToken)).toBe(true);
    expect(creds.expiresAt).toBeGreaterThan(Date.now() + 14 * 60_000);
    expect(creds.expiresAt).toBeLessThanOrEqual(Date.now() + 15 * 60_000);
    expect(tokens.counts.generateAccessToken).toBe(before + 1);
    expect(tokens.lastGenerate).toEqual({
      email: target,
      scope: [SCOPE],
      delegates: [`projects/-/serviceAccounts/${delegate}`],
      lifetime: "900s",
    });
    await secrets.close();
  });

  it("1,000 concurrent cold callers cause exactly one generateAccessToken", async () => {
    const secrets = client({ authClient: fixedClient(source) });
    const before = tokens.counts.generateAccessToken;
    const all = await Promise.all(
      Array.from({ length: 1000 }, () =>
        secrets.getCredentials("gcp", { targetPrincipal: target, scopes: [SCOPE] }),
      ),
    );
    expect(new Set(all.map((c) => c.accessToken)).size).toBe(1);
    expect(tokens.counts.generateAccessToken).toBe(before + 1);
    await secrets.close();
  });

  it("replaces the token ahead of its expiry, with credentials events", async () => {
    const events: SecretsEvent[] = [];
    const secrets = client({ authClient: fixedClient(source) }, { onEvent: (e) => events.push(e) });
    const before = tokens.counts.generateAccessToken;
    const first = await secrets.getCredentials("gcp", { targetPrincipal: target, lifetime: 6 });
    // Past half its life a new one is issued behind the current one; it is never served expired.
    let second = first;
    while (second.accessToken === first.accessToken) {
      expect(Date.now()).toBeLessThan(first.expiresAt);
      await new Promise((r) => setTimeout(r, 200));
      second = await secrets.getCredentials("gcp", { targetPrincipal: target, lifetime: 6 });
    }
    expect(second.expiresAt).toBeGreaterThan(first.expiresAt);
    expect(tokens.counts.generateAccessToken).toBe(before + 2);
    const actions = events
      .filter((e) => e.type === "credentials")
      .map((e) => e.type === "credentials" && e.action);
    expect(actions.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(events)).not.toContain(String(first.accessToken));
    await secrets.close();
  });

  it("issues an ID token for an audience through generateIdToken", async () => {
    const secrets = client({ authClient: fixedClient(source) });
    const audience = "https://billing-abc123-uc.a.run.app";
    const before = tokens.counts.generateIdToken;
    const creds = await secrets.getCredentials("gcp", {
      targetPrincipal: target,
      audience,
      includeEmail: true,
    });
    expect(creds.accessToken).toBeUndefined();
    const claims = JSON.parse(
      Buffer.from(String(creds.idToken).split(".")[1] as string, "base64url").toString(),
    );
    expect(claims).toMatchObject({ aud: audience, email: target });
    expect(creds.expiresAt).toBe(claims.exp * 1000);
    expect(tokens.counts.generateIdToken).toBe(before + 1);
    expect(tokens.lastGenerateId).toEqual({
      email: target,
      audience,
      includeEmail: true,
      delegates: [],
    });
    // Cached like any credentials: a second caller gets the same token.
    await secrets.getCredentials("gcp", { targetPrincipal: target, audience, includeEmail: true });
    expect(tokens.counts.generateIdToken).toBe(before + 1);
    await secrets.close();
  });

  it("a target the source may not impersonate is AccessDenied naming the role, with its cause", async () => {
    const secrets = client({ authClient: fixedClient(source) });
    const other = `other-${randomUUID().slice(0, 6)}@acme-prod.iam.gserviceaccount.com`;
    const err = await secrets.getCredentials("gcp", { targetPrincipal: other }).catch((e) => e);
    expect(err).toBeInstanceOf(AccessDeniedError);
    expect(err.message).toContain(other);
    expect(err.message).toContain("roles/iam.serviceAccountTokenCreator");
    expect(err.message).toContain("iam.serviceAccounts.getAccessToken");
    expect(err.cause).toBeDefined();
    expect(err.message).not.toContain(source);
    await secrets.close();
  });

  it("honours the call's deadline when IAM Credentials never answers", async () => {
    const silent = createServer(() => {}); // accepts, never answers
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const { port } = silent.address() as AddressInfo;
    const secrets = client({
      authClient: fixedClient(source),
      iamCredentialsEndpoint: `http://127.0.0.1:${port}`,
    });
    const started = Date.now();
    const err = await secrets
      .getCredentials("gcp", { targetPrincipal: target }, { timeout: "300ms" })
      .catch((e) => e);
    expect(err).toBeInstanceOf(UnavailableError);
    expect(Date.now() - started).toBeLessThan(3_000);
    await secrets.close();
    silent.closeAllConnections();
    await new Promise((r) => silent.close(r));
  });

  it("gcpAuthClient hands the same memoised token to another Google client", async () => {
    const secrets = client({ authClient: fixedClient(source) });
    const before = tokens.counts.generateAccessToken;
    const auth = await gcpAuthClient<OAuth2Client>(secrets, {
      targetPrincipal: target,
      lifetime: 1200,
    });
    const res = await auth.request<{ payload: { data: string } }>({
      url: `${proxy.url}/v1/${secret.name}/versions/latest:access`,
    });
    expect(Buffer.from(res.data.payload.data, "base64").toString() === value).toBe(true);
    const used = proxy.bearerTokens.at(-1) as string;
    const { accessToken } = await secrets.getCredentials("gcp", {
      targetPrincipal: target,
      lifetime: 1200,
    });
    expect(used).toBe(accessToken);
    expect(tokens.counts.generateAccessToken).toBe(before + 1);
    await secrets.close();
  });
});

describe("impersonate: Secret Manager reads run as the target", () => {
  it("sends the impersonated token, never the source token, and shares it with getCredentials", async () => {
    const secrets = client({
      authClient: fixedClient(source),
      impersonate: { targetPrincipal: target },
    });
    const before = tokens.counts.generateAccessToken;
    const seen = proxy.bearerTokens.length;
    expect((await secrets.getSecret(`gcp-sm://${secret.name}`)) === value).toBe(true);
    const used = proxy.bearerTokens.slice(seen);
    expect(used.length).toBeGreaterThan(0);
    expect(used).not.toContain(source);
    for (const t of used) expect(tokens.issued.has(t)).toBe(true);
    expect(tokens.lastGenerate?.email).toBe(target);
    // The default target of getCredentials is the impersonated one.
    const { accessToken } = await secrets.getCredentials("gcp", {});
    expect(tokens.issued.has(String(accessToken))).toBe(true);
    expect(tokens.counts.generateAccessToken).toBeLessThanOrEqual(before + 2);
    await secrets.close();
  });
});

describe("workload identity federation (external_account)", () => {
  it("reads through ExternalAccountClient and the STS stand-in, and counts as short-lived", async () => {
    const file = externalAccountFile(dir, tokens.tokenUrl, subject);
    const secrets = client({ keyFilename: file }, { requireShortLived: true });
    const sts = tokens.counts.sts;
    const seen = proxy.bearerTokens.length;
    expect((await secrets.getSecret(`gcp-sm://${secret.name}`)) === value).toBe(true);
    expect(tokens.counts.sts).toBe(sts + 1);
    const used = proxy.bearerTokens.slice(seen);
    expect(used.every((t) => t.startsWith("ya29.sts-stand-in-"))).toBe(true);
    const provider = (await secrets.provider("gcp")) as unknown as {
      identity(): Promise<{ kind?: string; shortLived?: boolean }>;
    };
    expect(await provider.identity()).toMatchObject({
      kind: "workload-identity-federation",
      shortLived: true,
    });
    await secrets.close();
  });

  it("federation, then impersonation: the target's token for the reads", async () => {
    const file = externalAccountFile(dir, tokens.tokenUrl, subject);
    const secrets = client(
      { keyFilename: file, impersonate: { targetPrincipal: target } },
      { requireShortLived: true },
    );
    const seen = proxy.bearerTokens.length;
    expect((await secrets.getSecret(`gcp-sm://${secret.name}`)) === value).toBe(true);
    const used = proxy.bearerTokens.slice(seen);
    expect(used.every((t) => t.startsWith("ya29.stand-in-"))).toBe(true);
    await secrets.close();
  });
});

describe("policy.requireShortLived", () => {
  it("refuses a service-account key file, used directly, before any request", async () => {
    const key = serviceAccountFile(dir, gcp.projectId);
    const secrets = client({ keyFilename: key }, { requireShortLived: true });
    const requests = proxy.counts.requests;
    const err = await secrets.getSecret(`gcp-sm://${secret.name}`).catch((e) => e);
    expect(err).toBeInstanceOf(PolicyViolationError);
    expect(err.message).toMatch(/workload identity federation/);
    expect(err.message).toMatch(/metadata server/);
    expect(proxy.counts.requests).toBe(requests);
    await secrets.close();
  });

  it("refuses it as the source of an impersonation too (reads and getCredentials)", async () => {
    const key = serviceAccountFile(dir, gcp.projectId);
    const secrets = client(
      { keyFilename: key, impersonate: { targetPrincipal: target } },
      { requireShortLived: true },
    );
    const before = tokens.counts.generateAccessToken + tokens.counts.rejected;
    const read = await secrets.getSecret(`gcp-sm://${secret.name}`).catch((e) => e);
    expect(read).toBeInstanceOf(PolicyViolationError);
    expect(read.message).toContain(`even as the source for impersonating ${target}`);
    const creds = await secrets.getCredentials("gcp", {}).catch((e) => e);
    expect(creds).toBeInstanceOf(PolicyViolationError);
    expect(tokens.counts.generateAccessToken + tokens.counts.rejected).toBe(before);
    await secrets.close();
  });

  it("without the policy the key works (and is reported long-lived)", async () => {
    const key = serviceAccountFile(dir, gcp.projectId);
    const secrets = client({ keyFilename: key });
    expect((await secrets.getSecret(`gcp-sm://${secret.name}`)) === value).toBe(true);
    const provider = (await secrets.provider("gcp")) as unknown as {
      identity(): Promise<{ kind?: string; shortLived?: boolean; principal?: string }>;
    };
    expect(await provider.identity()).toMatchObject({
      kind: "service-account-key",
      shortLived: false,
      principal: `app-key@${gcp.projectId}.iam.gserviceaccount.com`,
    });
    await secrets.close();
  });
});
