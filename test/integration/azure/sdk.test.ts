// The official clients against the Azure stand-in: @azure/identity's credentials (client
// secret, workload identity, managed identity in its own process) and @azure/keyvault-secrets'
// SecretClient, over TLS trusted only through the per-run CA.
import { spawnSync } from "node:child_process";
import { createHash, generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { ClientSecretCredential, WorkloadIdentityCredential } from "@azure/identity";
import { SecretClient } from "@azure/keyvault-secrets";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AzureStandIn,
  azureAppRegistration,
  azureIdentityEnv,
  azureStats,
  azureThrottle,
  signAzureAccessToken,
  signAzureFederatedToken,
  standIn,
} from "../../support/stand-ins.js";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const VAULT_SCOPE = "https://vault.azure.net/.default";
// Distinctive fake values, built at run time (the repo's leak scanner reads this file).
const fakeValue = () => `kv_${"fake"}_${randomBytes(12).toString("hex")}`;
const uniqueName = (what: string) => `${what}-${randomUUID().slice(0, 8)}`;

let azure: AzureStandIn;
let client: SecretClient;
let tmp: string;

function secretCredential() {
  return new ClientSecretCredential(azure.tenantId, azure.clientId, azure.clientSecret, {
    authorityHost: azure.authorityHost,
    disableInstanceDiscovery: true,
  });
}

function secretClient(credential: TokenCredential) {
  return new SecretClient(azure.vaultUrl, credential, {
    disableChallengeResourceVerification: true,
    // Keep retries quick; 429 waits follow Retry-After regardless.
    retryOptions: { maxRetries: 2, retryDelayInMs: 50, maxRetryDelayInMs: 2000 },
  });
}

/** A credential that hands out a fixed (forged) token. */
const fixedToken = (token: string): TokenCredential => ({
  getToken: async (): Promise<AccessToken> => ({
    token,
    expiresOnTimestamp: Date.now() + 3600_000,
  }),
});

beforeAll(() => {
  azure = standIn("azure");
  client = secretClient(secretCredential());
  tmp = mkdtempSync(join(tmpdir(), "azure-sdk-test-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("TLS", () => {
  it("trusts the stand-in through NODE_EXTRA_CA_CERTS, set before this worker started", async () => {
    expect(process.env.NODE_EXTRA_CA_CERTS).toBeTruthy();
    const r = await fetch(`${azure.control.url}/health`);
    expect(r.status).toBe(200);
  });

  it("a child process inherits the trust", () => {
    const r = spawnSync(
      process.execPath,
      [
        "-e",
        `fetch(process.argv[1]).then(r => console.log(r.status), e => console.log(e.cause?.code ?? e.message))`,
        `${azure.control.url}/health`,
      ],
      { encoding: "utf8" },
    );
    expect(r.stdout.trim()).toBe("200");
  });

  it("and only through the CA: a process without it refuses the certificate", () => {
    const { NODE_EXTRA_CA_CERTS: _, ...env } = process.env;
    const r = spawnSync(
      process.execPath,
      [
        "-e",
        `fetch(process.argv[1]).then(r => console.log(r.status), e => console.log(e.cause?.code ?? e.message))`,
        `${azure.control.url}/health`,
      ],
      { encoding: "utf8", env },
    );
    expect(r.stdout.trim()).toMatch(
      /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|UNABLE_TO_GET_ISSUER/,
    );
  });
});

describe("Entra ID credentials", () => {
  it("ClientSecretCredential gets a signed vault token", async () => {
    const t = await secretCredential().getToken(VAULT_SCOPE);
    const claims = JSON.parse(Buffer.from(t.token.split(".")[1] ?? "", "base64url").toString());
    expect(claims).toMatchObject({
      aud: "https://vault.azure.net",
      iss: azure.tokenIssuer,
      tid: azure.tenantId,
    });
    expect(t.expiresOnTimestamp).toBeGreaterThan(Date.now() + 3000_000);
  });

  it("an app registration of its own: token lifetime, refresh_in, and its own counter", async () => {
    const app = await azureAppRegistration({ lifetimeSeconds: 900, refreshInSeconds: 400 });
    const cred = new ClientSecretCredential(azure.tenantId, app.clientId, app.clientSecret, {
      authorityHost: azure.authorityHost,
      disableInstanceDiscovery: true,
    });
    const t0 = Date.now();
    const a = await cred.getToken(VAULT_SCOPE);
    const b = await cred.getToken(VAULT_SCOPE);
    expect(b.token).toBe(a.token);
    expect(a.expiresOnTimestamp - t0).toBeGreaterThan(880_000);
    expect(a.expiresOnTimestamp - t0).toBeLessThan(920_000);
    expect((a.refreshAfterTimestamp ?? 0) - t0).toBeGreaterThan(380_000);
    expect((a.refreshAfterTimestamp ?? 0) - t0).toBeLessThan(420_000);
    // MSAL's cache answers the second call. (Concurrent cold calls are not merged by
    // @azure/identity: each goes to the token endpoint.)
    expect((await azureStats()).tokenRequestsByClient[app.clientId]).toBe(1);
  });

  it("ClientSecretCredential with a wrong secret is refused", async () => {
    const bad = new ClientSecretCredential(
      azure.tenantId,
      azure.clientId,
      `${azure.clientSecret}x`,
      {
        authorityHost: azure.authorityHost,
        disableInstanceDiscovery: true,
      },
    );
    await expect(bad.getToken(VAULT_SCOPE)).rejects.toThrow(/AADSTS7000215/);
  });

  it("WorkloadIdentityCredential exchanges a federated token file", async () => {
    const file = join(tmp, "federated-token");
    writeFileSync(file, signAzureFederatedToken());
    const before = await azureStats();
    const cred = new WorkloadIdentityCredential({
      tenantId: azure.tenantId,
      clientId: azure.clientId,
      tokenFilePath: file,
      authorityHost: azure.authorityHost,
      disableInstanceDiscovery: true,
    });
    const name = uniqueName("wi");
    const value = fakeValue();
    await client.setSecret(name, value);
    expect((await secretClient(cred).getSecret(name)).value).toBe(value);
    expect((await azureStats()).clientAssertionGrants).toBeGreaterThan(
      before.clientAssertionGrants,
    );
  });

  it("WorkloadIdentityCredential in a child, from the standard variables", () => {
    const file = join(tmp, "federated-token-env");
    writeFileSync(file, signAzureFederatedToken());
    // WorkloadIdentityCredential reads the variables; the option has no variable.
    const script = `
      import { WorkloadIdentityCredential } from "@azure/identity";
      const t = await new WorkloadIdentityCredential({ disableInstanceDiscovery: true })
        .getToken("https://vault.azure.net/.default");
      console.log(JSON.parse(Buffer.from(t.token.split(".")[1], "base64url")).aud);
    `;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: ROOT,
      encoding: "utf8",
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ...azureIdentityEnv("workloadIdentity", { federatedTokenFile: file }),
      },
      timeout: 30_000,
    });
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe("https://vault.azure.net");
  });

  it.each([
    ["a wrong audience", { aud: "api://somebody-else" }, undefined, /AADSTS700212/],
    ["an expired token", { exp: Math.floor(Date.now() / 1000) - 600 }, undefined, /AADSTS700024/],
    ["a wrong key", {}, "other-key", /AADSTS50013/],
  ])("WorkloadIdentityCredential with %s is refused", async (_what, claims, key, message) => {
    const file = join(tmp, `federated-${randomUUID()}`);
    const other = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
    const pem = key ? (other.export({ type: "pkcs8", format: "pem" }) as string) : undefined;
    writeFileSync(file, signAzureFederatedToken(claims, azure, pem));
    const cred = new WorkloadIdentityCredential({
      tenantId: azure.tenantId,
      clientId: azure.clientId,
      tokenFilePath: file,
      authorityHost: azure.authorityHost,
      disableInstanceDiscovery: true,
    });
    await expect(cred.getToken(VAULT_SCOPE)).rejects.toThrow(message);
  });

  it("ManagedIdentityCredential (App Service style) reads a secret, in its own process", async () => {
    const name = uniqueName("mi");
    const value = fakeValue();
    await client.setSecret(name, value);
    const script = `
      import { ManagedIdentityCredential } from "@azure/identity";
      import { SecretClient } from "@azure/keyvault-secrets";
      import { createHash } from "node:crypto";
      const cred = new ManagedIdentityCredential();
      const t = await cred.getToken("https://vault.azure.net/.default");
      const c = new SecretClient(process.env.VAULT_URL, cred, { disableChallengeResourceVerification: true });
      const s = await c.getSecret(process.env.SECRET_NAME);
      console.log(JSON.stringify({ token: t.token.length > 0, sha: createHash("sha256").update(s.value).digest("hex") }));
    `;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: ROOT,
      encoding: "utf8",
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ...azureIdentityEnv("managedIdentity"),
        VAULT_URL: azure.vaultUrl,
        SECRET_NAME: name,
      },
      timeout: 30_000,
    });
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual({
      token: true,
      sha: createHash("sha256").update(value).digest("hex"),
    });
  });
});

describe("Key Vault secrets through SecretClient", () => {
  it("sets with attributes, gets latest and by version", async () => {
    const name = uniqueName("get");
    const v1 = fakeValue();
    const v2 = fakeValue();
    const expiresOn = new Date(Date.now() + 86400_000);
    const first = await client.setSecret(name, v1, {
      contentType: "text/plain",
      tags: { team: "a" },
    });
    await client.setSecret(name, v2, { expiresOn });
    const latest = await client.getSecret(name);
    expect(latest.value).toBe(v2);
    expect(latest.properties.expiresOn?.getTime()).toBe(
      Math.floor(expiresOn.getTime() / 1000) * 1000,
    );
    expect(latest.properties.enabled).toBe(true);
    const old = await client.getSecret(name, { version: first.properties.version as string });
    expect(old.value).toBe(v1);
    expect(old.properties.contentType).toBe("text/plain");
    expect(old.properties.tags).toEqual({ team: "a" });
  });

  it("lists versions page by page", async () => {
    const name = uniqueName("versions");
    const ids = new Set<string>();
    for (let i = 0; i < 3; i++)
      ids.add((await client.setSecret(name, fakeValue())).properties.version as string);
    const pages: number[] = [];
    const seen = new Set<string>();
    for await (const page of client
      .listPropertiesOfSecretVersions(name)
      .byPage({ maxPageSize: 2 })) {
      pages.push(page.length);
      for (const p of page) seen.add(p.version as string);
    }
    expect(pages).toEqual([2, 1]);
    expect(seen).toEqual(ids);
  });

  it("a disabled secret: 403 Forbidden / SecretDisabled", async () => {
    const name = uniqueName("disabled");
    await client.setSecret(name, fakeValue(), { enabled: false });
    const err = await client.getSecret(name).catch((e: unknown) => e);
    expect(err).toMatchObject({ statusCode: 403, code: "Forbidden" });
    expect(String((err as Error).message)).toMatch(/disabled/);
  });

  it("a missing secret: 404 SecretNotFound", async () => {
    await expect(client.getSecret(uniqueName("missing"))).rejects.toMatchObject({
      statusCode: 404,
      code: "SecretNotFound",
    });
  });

  it("a secret outside its nbf/exp window is still returned (the service does not enforce it)", async () => {
    const expired = uniqueName("expired");
    const early = uniqueName("early");
    const value = fakeValue();
    await client.setSecret(expired, value, { expiresOn: new Date(Date.now() - 86400_000) });
    await client.setSecret(early, value, { notBefore: new Date(Date.now() + 86400_000) });
    expect((await client.getSecret(expired)).value).toBe(value);
    expect((await client.getSecret(early)).value).toBe(value);
  });

  it("a soft-deleted secret answers 404 SecretNotFound, and is listed as deleted", async () => {
    const name = uniqueName("deleted");
    await client.setSecret(name, fakeValue());
    const poller = await client.beginDeleteSecret(name, { intervalInMs: 50 });
    await poller.pollUntilDone();
    await expect(client.getSecret(name)).rejects.toMatchObject({
      statusCode: 404,
      code: "SecretNotFound",
    });
    const deleted = await client.getDeletedSecret(name);
    expect(deleted.properties.recoveryId).toContain(`/deletedsecrets/${name}`);
  });

  it("Key Vault Secrets User reads secrets, but may not write or read deleted secrets (ForbiddenByRbac)", async () => {
    const app = await azureAppRegistration({ role: "Key Vault Secrets User" });
    const reader = secretClient(
      new ClientSecretCredential(azure.tenantId, app.clientId, app.clientSecret, {
        authorityHost: azure.authorityHost,
        disableInstanceDiscovery: true,
      }),
    );
    const name = uniqueName("rbac");
    const value = fakeValue();
    await client.setSecret(name, value);
    expect((await reader.getSecret(name)).value).toBe(value);
    const forbidden = { statusCode: 403, code: "Forbidden" };
    await expect(reader.setSecret(name, fakeValue())).rejects.toMatchObject(forbidden);
    await (await client.beginDeleteSecret(name, { intervalInMs: 50 })).pollUntilDone();
    await expect(reader.getSecret(name)).rejects.toMatchObject({
      statusCode: 404,
      code: "SecretNotFound",
    });
    const err = await reader.getDeletedSecret(name).catch((e: unknown) => e);
    expect(err).toMatchObject(forbidden);
    expect(JSON.stringify((err as { details?: unknown }).details)).toContain("ForbiddenByRbac");
  });

  it("throttled: 429 with Retry-After, then the SDK's retry succeeds", async () => {
    const name = uniqueName("throttled");
    const value = fakeValue();
    await client.setSecret(name, value);
    const before = await azureStats();
    await azureThrottle({ secret: name, count: 1, retryAfterSeconds: 1 });
    const t0 = Date.now();
    expect((await client.getSecret(name)).value).toBe(value);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    expect((await azureStats()).throttled).toBe(before.throttled + 1);
  });

  it("throttled past the SDK's retries: the 429 reaches the caller", async () => {
    const name = uniqueName("throttled-long");
    await client.setSecret(name, fakeValue());
    await azureThrottle({ secret: name, count: 5, retryAfterSeconds: 0 });
    await expect(client.getSecret(name)).rejects.toMatchObject({
      statusCode: 429,
      code: "Throttled",
    });
  });

  it.each([
    ["a wrong audience", { aud: "https://storage.azure.com" }, false],
    ["a wrong issuer", { iss: "https://login.microsoftonline.com/x/v2.0" }, false],
    ["an expired token", { exp: Math.floor(Date.now() / 1000) - 600 }, false],
    ["a wrong key", {}, true],
  ])("a token with %s is refused with 401", async (_what, claims, otherKey) => {
    const pem = otherKey
      ? (generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
          type: "pkcs8",
          format: "pem",
        }) as string)
      : undefined;
    const forged = secretClient(fixedToken(signAzureAccessToken(claims, azure, pem)));
    await expect(forged.getSecret(uniqueName("any"))).rejects.toMatchObject({ statusCode: 401 });
  });

  it("a well-signed token is accepted (the refusals above are about the token)", async () => {
    const name = uniqueName("signed");
    const value = fakeValue();
    await client.setSecret(name, value);
    const ok = secretClient(fixedToken(signAzureAccessToken()));
    expect((await ok.getSecret(name)).value).toBe(value);
  });
});
