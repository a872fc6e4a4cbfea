// The GCP test stand-ins: the forwarding proxy in front of drongo (aliases, dataCrc32c, regional
// routes, corrupted-CRC hook) and the IAM Credentials + STS token stand-in, driven by
// google-auth-library as the provider will use them.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32c } from "@aws-crypto/crc32c";
import { ExternalAccountClient, Impersonated, OAuth2Client } from "google-auth-library";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type GcpForwardingProxy,
  type GcpTokenServer,
  gcpClientOptions,
  standIn,
  startGcpForwardingProxy,
  startGcpTokenServer,
} from "../../support/stand-ins.js";

/** The fields of Secret Manager answers these tests read. */
type SmAnswer = {
  name: string;
  versionAliases?: Record<string, string>;
  payload: { data: string; dataCrc32c?: string };
  error: { status: string };
};

const SCOPE = "https://www.googleapis.com/auth/cloud-platform";

function fixedClient(token: string) {
  const c = new OAuth2Client();
  c.setCredentials({ access_token: token, expiry_date: Date.now() + 3_600_000 });
  return c;
}

describe("forwarding proxy in front of drongo", () => {
  const gcp = standIn("gcp");
  let proxy: GcpForwardingProxy;
  const base = () => `${proxy.url}/v1/projects/${gcp.projectId}`;
  const secretId = `proxy-${randomUUID()}`;
  const v1 = `v1-${randomUUID()}`;
  const v2 = `v2-${randomUUID()}`;

  async function call(path: string, init: RequestInit = {}) {
    const r = await fetch(`${base()}${path}`, {
      ...init,
      headers: { authorization: "Bearer proxy-test", "content-type": "application/json" },
    });
    return { status: r.status, json: (await r.json()) as SmAnswer };
  }

  beforeAll(async () => {
    proxy = await startGcpForwardingProxy(gcp);
    const created = await call(`/secrets?secretId=${secretId}`, {
      method: "POST",
      body: JSON.stringify({ replication: { automatic: {} } }),
    });
    expect(created.status).toBe(200);
    for (const v of [v1, v2]) {
      const added = await call(`/secrets/${secretId}:addVersion`, {
        method: "POST",
        body: JSON.stringify({ payload: { data: Buffer.from(v).toString("base64") } }),
      });
      expect(added.status).toBe(200);
    }
  });
  afterAll(async () => {
    await call(`/secrets/${secretId}`, { method: "DELETE" });
    await proxy.close();
  });

  it("keeps versionAliases (PATCH with updateMask) and resolves versions/<alias>", async () => {
    const patched = await call(`/secrets/${secretId}?updateMask=versionAliases`, {
      method: "PATCH",
      body: JSON.stringify({ versionAliases: { prod: "1" } }),
    });
    expect(patched.status).toBe(200);
    expect(patched.json.versionAliases).toEqual({ prod: "1" });
    expect((await call(`/secrets/${secretId}`)).json.versionAliases).toEqual({ prod: "1" });

    const access = await call(`/secrets/${secretId}/versions/prod:access`);
    expect(access.status).toBe(200);
    expect(access.json.name).toBe(`projects/${gcp.projectId}/secrets/${secretId}/versions/1`);
    expect(Buffer.from(access.json.payload.data, "base64").toString() === v1).toBe(true);
    expect(proxy.counts.aliasResolved).toBeGreaterThan(0);

    const unknown = await call(`/secrets/${secretId}/versions/staging:access`);
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.status).toBe("NOT_FOUND");
  });

  it("keeps versionAliases given at creation, and forgets them with the secret", async () => {
    const id = `proxy-created-${randomUUID()}`;
    const created = await call(`/secrets?secretId=${id}`, {
      method: "POST",
      body: JSON.stringify({ replication: { automatic: {} }, versionAliases: { canary: "1" } }),
    });
    expect(created.status).toBe(200);
    expect(created.json.versionAliases).toEqual({ canary: "1" });
    await call(`/secrets/${id}:addVersion`, {
      method: "POST",
      body: JSON.stringify({ payload: { data: Buffer.from(v1).toString("base64") } }),
    });
    expect((await call(`/secrets/${id}/versions/canary:access`)).status).toBe(200);
    expect((await call(`/secrets/${id}`, { method: "DELETE" })).status).toBe(200);
    const again = await call(`/secrets?secretId=${id}`, {
      method: "POST",
      body: JSON.stringify({ replication: { automatic: {} } }),
    });
    expect(again.json.versionAliases).toBeUndefined();
    await call(`/secrets/${id}`, { method: "DELETE" });
  });

  it("serves the official client in REST-fallback mode, dataCrc32c included", async () => {
    const { SecretManagerServiceClient } = await import("@google-cloud/secret-manager");
    const sm = new SecretManagerServiceClient({
      ...gcpClientOptions(gcp),
      port: proxy.port,
      authClient: fixedClient(`official-${randomUUID()}`),
    });
    const [access] = await sm.accessSecretVersion({
      name: `projects/${gcp.projectId}/secrets/${secretId}/versions/prod`,
    });
    const data = Buffer.from(access.payload?.data ?? "");
    expect(data.toString() === v1).toBe(true);
    expect(String(access.payload?.dataCrc32c)).toBe(String(crc32c(data)));
    await sm.close();
  });

  it("adds dataCrc32c (Castagnoli, decimal int64 string) to :access answers", async () => {
    const access = await call(`/secrets/${secretId}/versions/latest:access`);
    const data = Buffer.from(access.json.payload.data, "base64");
    expect(data.toString() === v2).toBe(true);
    expect(access.json.payload.dataCrc32c).toBe(String(crc32c(data)));
    // Known-answer check of the checksum itself (RFC 3720 test vector).
    expect(crc32c(Buffer.from("123456789"))).toBe(0xe3069283);
  });

  it("corrupts the CRC of the next access answer only", async () => {
    proxy.corruptNextCrc();
    const bad = await call(`/secrets/${secretId}/versions/1:access`);
    const data = Buffer.from(bad.json.payload.data, "base64");
    expect(bad.json.payload.dataCrc32c).not.toBe(String(crc32c(data)));
    const good = await call(`/secrets/${secretId}/versions/1:access`);
    expect(good.json.payload.dataCrc32c).toBe(String(crc32c(data)));
  });

  it("serves regional routes and answers with regional names", async () => {
    const loc = "europe-west1";
    const access = await call(`/locations/${loc}/secrets/${secretId}/versions/prod:access`);
    expect(access.status).toBe(200);
    expect(access.json.name).toBe(
      `projects/${gcp.projectId}/locations/${loc}/secrets/${secretId}/versions/1`,
    );
    expect(access.json.payload.dataCrc32c).toBe(
      String(crc32c(Buffer.from(access.json.payload.data, "base64"))),
    );
    const missing = await call(`/locations/${loc}/secrets/nope-${randomUUID()}/versions/1:access`);
    expect(missing.status).toBe(404);
    expect(proxy.counts.regional).toBeGreaterThanOrEqual(2);
  });

  it("is reachable through an authorised google-auth-library client, recording the bearer", async () => {
    const token = `proxy-bearer-${randomUUID()}`;
    const res = await fixedClient(token).request<{ payload: { dataCrc32c: string } }>({
      url: `${base()}/secrets/${secretId}/versions/prod:access`,
    });
    expect(res.data.payload.dataCrc32c).toMatch(/^\d+$/);
    expect(proxy.bearerTokens).toContain(token);
  });
});

describe("IAM Credentials + STS token stand-in", () => {
  const sa = `target-${randomUUID().slice(0, 8)}@proj.iam.gserviceaccount.com`;
  const source = `src-${randomUUID()}`;
  const subject = `subject-${randomUUID()}`;
  const audience =
    "//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/pool/providers/prov";
  let tokens: GcpTokenServer;
  let dir: string;
  const savedProject = process.env.GOOGLE_CLOUD_PROJECT;

  beforeAll(async () => {
    // Never let the library call Cloud Resource Manager for a project id.
    process.env.GOOGLE_CLOUD_PROJECT = "secrets-loader-test";
    dir = mkdtempSync(join(tmpdir(), "gcp-token-"));
    tokens = await startGcpTokenServer({
      sourceTokens: [source],
      serviceAccounts: [sa],
      audience,
      subjectTokens: [subject],
    });
  });
  afterAll(async () => {
    await tokens.close();
    rmSync(dir, { recursive: true, force: true });
    if (savedProject === undefined) delete process.env.GOOGLE_CLOUD_PROJECT;
    else process.env.GOOGLE_CLOUD_PROJECT = savedProject;
  });

  function impersonated(sourceToken: string, target = sa, lifetime = 600) {
    return new Impersonated({
      sourceClient: fixedClient(sourceToken),
      targetPrincipal: target,
      targetScopes: [SCOPE],
      delegates: [],
      lifetime,
      endpoint: tokens.url,
    });
  }

  it("answers generateAccessToken for Impersonated and checks the request", async () => {
    const before = tokens.counts.generateAccessToken;
    const { token } = await impersonated(source).getAccessToken();
    expect(token && tokens.issued.has(token)).toBe(true);
    expect(tokens.counts.generateAccessToken).toBe(before + 1);
    expect(tokens.lastGenerate).toEqual({
      email: sa,
      scope: [SCOPE],
      delegates: [],
      lifetime: "600s",
    });
  });

  it("refuses a bad source token (401), an unknown target (403) and a bad lifetime (400)", async () => {
    await expect(impersonated(`wrong-${randomUUID()}`).getAccessToken()).rejects.toThrow(
      /invalid authentication/i,
    );
    await expect(
      impersonated(source, `other@proj.iam.gserviceaccount.com`).getAccessToken(),
    ).rejects.toThrow(/iam\.serviceAccounts\.getAccessToken/);
    const r = await fetch(`${tokens.url}/v1/projects/-/serviceAccounts/${sa}:generateAccessToken`, {
      method: "POST",
      headers: { authorization: `Bearer ${source}`, "content-type": "application/json" },
      body: JSON.stringify({ scope: [SCOPE], lifetime: "7200s" }),
    });
    expect(r.status).toBe(400);
    expect(await r.json()).toMatchObject({ error: { code: 400, status: "INVALID_ARGUMENT" } });
    const noAuth = await fetch(
      `${tokens.url}/v1/projects/-/serviceAccounts/${sa}:generateAccessToken`,
      {
        method: "POST",
        body: JSON.stringify({ scope: [SCOPE] }),
      },
    );
    expect(noAuth.status).toBe(401);
    expect(await noAuth.json()).toMatchObject({ error: { code: 401, status: "UNAUTHENTICATED" } });
  });

  function federated(subjectToken: string) {
    const file = join(dir, `subject-${randomUUID()}`);
    writeFileSync(file, subjectToken);
    const client = ExternalAccountClient.fromJSON({
      type: "external_account",
      audience,
      subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
      token_url: tokens.tokenUrl,
      credential_source: { file },
    });
    if (!client) throw new Error("ExternalAccountClient.fromJSON returned null");
    client.scopes = [SCOPE];
    return client;
  }

  it("answers the STS token exchange for ExternalAccountClient", async () => {
    const before = tokens.counts.sts;
    const { token } = await federated(subject).getAccessToken();
    expect(token && tokens.issued.has(token)).toBe(true);
    expect(tokens.counts.sts).toBe(before + 1);
  });

  it("accepts an STS token as the source for impersonation (federation, then impersonation)", async () => {
    const { token: fed } = await federated(subject).getAccessToken();
    const { token } = await impersonated(fed as string).getAccessToken();
    expect(token && tokens.issued.has(token)).toBe(true);
  });

  it("refuses malformed exchanges with the OAuth error shape", async () => {
    const rejected = tokens.counts.rejected;
    await expect(federated(`forged-${randomUUID()}`).getAccessToken()).rejects.toThrow(
      /invalid_grant/,
    );
    const form = new URLSearchParams({
      grant_type: "client_credentials",
      audience,
      subject_token: subject,
      subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
      requested_token_type: "urn:ietf:params:oauth:token-type:access_token",
    });
    const r = await fetch(tokens.tokenUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form,
    });
    expect(r.status).toBe(400);
    expect(await r.json()).toMatchObject({ error: "unsupported_grant_type" });
    form.set("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange");
    form.delete("audience");
    const r2 = await fetch(tokens.tokenUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form,
    });
    expect(await r2.json()).toMatchObject({ error: "invalid_request" });
    expect(tokens.counts.rejected).toBe(rejected + 3);
  });
});

describe("forwarding proxy: rotation and testIamPermissions", () => {
  const gcp = standIn("gcp");
  let proxy: GcpForwardingProxy;
  const base = () => `${proxy.url}/v1/projects/${gcp.projectId}`;
  const topics = [{ name: `projects/${gcp.projectId}/topics/rotations` }];
  const soon = () => new Date(Date.now() + 86_400_000).toISOString();

  async function call(path: string, init: RequestInit = {}) {
    const r = await fetch(`${base()}${path}`, {
      ...init,
      headers: { authorization: "Bearer proxy-test", "content-type": "application/json" },
    });
    return { status: r.status, json: (await r.json()) as Record<string, unknown> };
  }
  const create = (id: string, extra: Record<string, unknown>) =>
    call(`/secrets?secretId=${id}`, {
      method: "POST",
      body: JSON.stringify({ replication: { automatic: {} }, ...extra }),
    });

  beforeAll(async () => {
    proxy = await startGcpForwardingProxy(gcp);
  });
  afterAll(() => proxy.close());

  it("keeps rotation with its topics, echoes nextRotationTime only (rotationPeriod is input only)", async () => {
    const id = `rot-${randomUUID()}`;
    const next = soon();
    const created = await create(id, {
      topics,
      rotation: { nextRotationTime: next, rotationPeriod: "2592000s" },
    });
    expect(created.status).toBe(200);
    const read = await call(`/secrets/${id}`);
    expect(read.json.rotation).toEqual({ nextRotationTime: next });
    expect(read.json.topics).toEqual(topics);
    proxy.lapseRotation(`projects/${gcp.projectId}/secrets/${id}`, new Date(0));
    expect((await call(`/secrets/${id}`)).json.rotation).toEqual({
      nextRotationTime: new Date(0).toISOString(),
    });
    const patched = await call(`/secrets/${id}?updateMask=rotation`, {
      method: "PATCH",
      body: JSON.stringify({ rotation: null }),
    });
    expect(patched.status).toBe(200);
    expect(patched.json.rotation).toBeUndefined();
    await call(`/secrets/${id}`, { method: "DELETE" });
  });

  it("refuses rotation without topics, a past nextRotationTime, or a period without a time", async () => {
    const refused = [
      { rotation: { nextRotationTime: soon() } },
      { topics, rotation: { nextRotationTime: new Date().toISOString() } },
      { topics, rotation: { rotationPeriod: "86400s" } },
      { topics, rotation: { nextRotationTime: soon(), rotationPeriod: "60s" } },
    ];
    for (const extra of refused) {
      const r = await create(`rot-bad-${randomUUID()}`, extra);
      expect(r.status).toBe(400);
      expect(r.json).toMatchObject({ error: { status: "INVALID_ARGUMENT" } });
    }
  });

  it("answers testIamPermissions with the granted subset, {} when none or no secret", async () => {
    const id = `iam-${randomUUID()}`;
    await create(id, {});
    const name = `projects/${gcp.projectId}/secrets/${id}`;
    proxy.grant(name, ["secretmanager.versions.access", "secretmanager.secrets.delete"]);
    const ask = (secret: string, permissions: string[]) =>
      call(`/secrets/${secret}:testIamPermissions`, {
        method: "POST",
        body: JSON.stringify({ permissions }),
      });
    const r = await ask(id, [
      "secretmanager.secrets.delete",
      "secretmanager.secrets.get",
      "secretmanager.versions.access",
    ]);
    expect(r).toEqual({
      status: 200,
      json: { permissions: ["secretmanager.secrets.delete", "secretmanager.versions.access"] },
    });
    expect(await ask(id, ["secretmanager.versions.add"])).toEqual({ status: 200, json: {} });
    expect(await ask(`missing-${randomUUID()}`, ["secretmanager.secrets.get"])).toEqual({
      status: 200,
      json: {},
    });
    await call(`/secrets/${id}`, { method: "DELETE" });
  });
});
