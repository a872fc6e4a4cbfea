// @stand-ins: azure
/**
 * Key Vault reads through the Azure provider against the stand-in: latest and by version,
 * `#field`, the validity window the service does not enforce, disabled, missing and
 * throttled secrets, forged tokens, the minimal role, and one token request for many readers.
 */

import { afterEach, describe, expect, it } from "vitest";
import { type AzureProvider, azureProvider } from "../../../providers/azure/index.js";
import { createSecrets, type LoadEntry, SecretsError } from "../../../src/index.js";
import {
  azureAppRegistration,
  azureStats,
  azureThrottle,
  signAzureAccessToken,
  standIn,
} from "../../support/stand-ins.js";
import {
  fakeValue,
  putSecret,
  seedClient,
  standInOptions,
  standInProvider,
  uniqueName,
} from "./support/kv.js";

let open: Array<{ close(): Promise<unknown> }> = [];
afterEach(async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
});

type Options = Parameters<typeof standInProvider>[0];
function client(extra: Options = {}, policy: { requireShortLived?: boolean } = {}) {
  const s = createSecrets({ providers: { azure: standInProvider(extra) }, policy });
  open.push(s);
  return s;
}
const ref = (name: string, rest = "") => `azure-kv://acme-kv/${name}${rest}`;

async function failure(p: Promise<unknown>): Promise<SecretsError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(SecretsError.is(err)).toBe(true);
  return err as SecretsError;
}

describe("reads", () => {
  it("the latest version, a given version, and a #field of a JSON value", async () => {
    const name = uniqueName("read");
    const old = fakeValue();
    const password = fakeValue();
    const v1 = await putSecret(name, old);
    await putSecret(name, JSON.stringify({ username: "app", password }));
    const s = client();
    expect(await s.getSecret(ref(name, "#password"))).toBe(password);
    expect(await s.getSecret(ref(`${name}/${v1}`))).toBe(old);
  });

  it("a vault host is used as given (the stand-in's 127.0.0.1:PORT)", async () => {
    const name = uniqueName("host");
    const value = fakeValue();
    await putSecret(name, value);
    const host = new URL(standIn("azure").vaultUrl).host;
    const s = client({ vaultUrlTemplate: "https://{name}.invalid.example" });
    expect(await s.getSecret(`azure-kv://${host}/${name}`)).toBe(value);
  });

  it("a secret past its expiresOn is refused with a typed error that says so", async () => {
    const name = uniqueName("expired");
    await putSecret(name, fakeValue(), { expiresOn: new Date(Date.now() - 86400_000) });
    const err = await failure(client().getSecret(ref(name)));
    expect(err.code).toBe("EXPIRED");
    expect(err.message).toMatch(/expired at .*expiresOn/);
  });

  it("a secret before its notBefore is refused with a typed error that says so", async () => {
    const name = uniqueName("early");
    await putSecret(name, fakeValue(), { notBefore: new Date(Date.now() + 86400_000) });
    const err = await failure(client().getSecret(ref(name)));
    expect(err.code).toBe("EXPIRED");
    expect(err.message).toMatch(/not valid before .*notBefore/);
  });

  it("a disabled secret is AccessDenied saying it is disabled, with the SDK error as cause", async () => {
    const name = uniqueName("disabled");
    const value = fakeValue();
    await putSecret(name, value, { enabled: false });
    const err = await failure(client().getSecret(ref(name)));
    expect(err.code).toBe("ACCESS_DENIED");
    expect(err.message).toMatch(/is disabled.*SecretDisabled/);
    expect(err.message).toContain(name);
    expect((err.cause as { statusCode?: number }).statusCode).toBe(403);
    expect(JSON.stringify(err)).not.toContain(value);
  });

  it("a missing secret is NotFound", async () => {
    const err = await failure(client().getSecret(ref(uniqueName("missing"))));
    expect(err.code).toBe("NOT_FOUND");
    expect((err.cause as { code?: string }).code).toBe("SecretNotFound");
  });

  it("throttled past the SDK's retries: a typed Throttled", async () => {
    const name = uniqueName("throttled");
    await putSecret(name, fakeValue());
    await azureThrottle({ secret: name, count: 5, retryAfterSeconds: 0 });
    const err = await failure(client({ maxRetries: 1 }).getSecret(ref(name)));
    expect(err.code).toBe("THROTTLED");
  });

  it('the minimal role, "Key Vault Secrets User", reads secrets', async () => {
    const app = await azureAppRegistration({ role: "Key Vault Secrets User" });
    const name = uniqueName("reader");
    const value = fakeValue();
    await putSecret(name, value);
    const s = client({ clientId: app.clientId, clientSecret: app.clientSecret });
    expect(await s.getSecret(ref(name))).toBe(value);
  });
});

describe("tokens", () => {
  it("one token request for any number of concurrent cold readers, across vaults and SDK clients", async () => {
    const app = await azureAppRegistration();
    const names = Array.from({ length: 20 }, (_, i) => uniqueName(`many-${i}`));
    for (const n of names) await putSecret(n, fakeValue());
    const s = client({ clientId: app.clientId, clientSecret: app.clientSecret });
    const provider = (await s.provider("azure")) as AzureProvider;
    // Two vault names (both the stand-in) make two SecretClients, each with its own token
    // policy; tokenCredential() is what another Azure SDK client would call.
    await Promise.all([
      ...names.map((n, i) => s.getSecret(`azure-kv://${i % 2 ? "acme-kv" : "other-kv"}/${n}`)),
      ...names.map(() => provider.tokenCredential().getToken("https://vault.azure.net/.default")),
    ]);
    expect((await azureStats()).tokenRequestsByClient[app.clientId]).toBe(1);
  });

  it("getCredentials and the provider's SecretClients share one memo entry: one token", async () => {
    // A credential of the caller's own counts the provider's requests (MSAL's own cache
    // would hide a second request to the stand-in).
    const asked: Array<{ scopes: string | string[]; tenantId?: string }> = [];
    const s = createSecrets({
      providers: {
        azure: azureProvider({
          ...standInOptions(),
          credential: {
            getToken: async (scopes, opts) => {
              asked.push({ scopes, ...(opts?.tenantId ? { tenantId: opts.tenantId } : {}) });
              return { token: signAzureAccessToken(), expiresOnTimestamp: Date.now() + 3600_000 };
            },
          },
        }),
      },
    });
    open.push(s);
    const name = uniqueName("shared");
    await putSecret(name, fakeValue());
    const scopes = "https://vault.azure.net/.default";
    // The SecretClient asks with the tenant its challenge names; getCredentials with none.
    await s.getSecret(ref(name));
    const t = await s.getCredentials("azure", { scopes: [scopes] });
    expect(t.expiresAt).toBeGreaterThan(Date.now());
    expect(asked).toHaveLength(1);
  });

  it("1,000 concurrent cold getCredentials: one token request", async () => {
    const app = await azureAppRegistration();
    const s = client({ clientId: app.clientId, clientSecret: app.clientSecret });
    const scopes = "https://vault.azure.net/.default";
    const all = await Promise.all(
      Array.from({ length: 1000 }, () => s.getCredentials("azure", { scopes })),
    );
    expect(new Set(all.map((t) => t.token)).size).toBe(1);
    expect((await azureStats()).tokenRequestsByClient[app.clientId]).toBe(1);
  });

  it('getCredentials("azure", { scopes }) returns { token, expiresAt }, also an AccessToken', async () => {
    const s = client();
    const t = await s.getCredentials("azure", { scopes: "https://vault.azure.net/.default" });
    expect(t.token.split(".")).toHaveLength(3);
    expect(t.expiresAt).toBeGreaterThan(Date.now() + 600_000);
    expect(t.expiresOnTimestamp).toBe(t.expiresAt);
  });

  it("refresh_in becomes refreshAfterTimestamp", async () => {
    const app = await azureAppRegistration({ lifetimeSeconds: 900, refreshInSeconds: 400 });
    const s = client({ clientId: app.clientId, clientSecret: app.clientSecret });
    const t0 = Date.now();
    const t = await s.getCredentials("azure", { scopes: ["https://vault.azure.net/.default"] });
    expect((t.refreshAfterTimestamp ?? 0) - t0).toBeGreaterThan(380_000);
    expect((t.refreshAfterTimestamp ?? 0) - t0).toBeLessThan(420_000);
  });

  it("requireShortLived refuses a client secret and names workload identity as the fix", async () => {
    const err = await failure(
      client({}, { requireShortLived: true }).getSecret(ref(uniqueName("policy"))),
    );
    expect(err.message).toMatch(/requireShortLived/);
    expect(err.message).toMatch(/workload identity/);
  });

  it.each([
    ["a wrong audience", { aud: "https://storage.azure.com" }],
    ["an expired token", { exp: Math.floor(Date.now() / 1000) - 600 }],
  ])(
    "a forged token (%s) is a typed AccessDenied naming the vault and secret",
    async (_w, claims) => {
      const forged = signAzureAccessToken(claims);
      const s = createSecrets({
        providers: {
          azure: azureProvider({
            ...standInOptions(),
            credential: {
              getToken: async () => ({ token: forged, expiresOnTimestamp: Date.now() + 3600_000 }),
            },
          }),
        },
      });
      open.push(s);
      const name = uniqueName("forged");
      const err = await failure(s.getSecret(ref(name)));
      expect(err.code).toBe("ACCESS_DENIED");
      expect(err.message).toContain(name);
      expect(err.message).toContain("acme-kv");
    },
  );
});

describe("checks kept on by default", () => {
  it("without disableChallengeResourceVerification, a vault whose challenge names another domain is refused", async () => {
    const name = uniqueName("challenge");
    await putSecret(name, fakeValue());
    const token = signAzureAccessToken();
    const { disableChallengeResourceVerification: _, ...rest } = standInOptions();
    const s = createSecrets({
      providers: {
        azure: azureProvider({
          ...rest,
          credential: {
            getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3600_000 }),
          },
        }),
      },
    });
    open.push(s);
    const err = await failure(s.getSecret(ref(name)));
    const chain: string[] = [];
    for (let e: unknown = err; e instanceof Error; e = e.cause) chain.push(e.message);
    expect(chain.join("\n")).toMatch(/challenge resource/i);
  });
});

describe("soft-deleted secrets", () => {
  it("when the identity may read deleted secrets, NotFound says soft-deleted and recoverable", async () => {
    const name = uniqueName("soft");
    await putSecret(name, fakeValue());
    await (await seedClient().beginDeleteSecret(name, { intervalInMs: 50 })).pollUntilDone();
    const err = await failure(client().getSecret(ref(name)));
    expect(err.code).toBe("NOT_FOUND");
    expect(err.message).toMatch(/soft-deleted .*recoverable/);
    // "Key Vault Secrets User" may not read deleted secrets: a plain NotFound.
    const app = await azureAppRegistration({ role: "Key Vault Secrets User" });
    const reader = client({ clientId: app.clientId, clientSecret: app.clientSecret });
    const plain = await failure(reader.getSecret(ref(name)));
    expect(plain.code).toBe("NOT_FOUND");
    expect(plain.message).not.toMatch(/soft-deleted/);
  });
});

describe("describe (the doctor's item 6)", () => {
  it("reports when the secret last changed and its expiresOn, without its value", async () => {
    const name = uniqueName("describe");
    const value = fakeValue();
    const expiresOn = new Date(Date.now() + 30 * 86400_000);
    await putSecret(name, value, { expiresOn });
    const meta = await client().describe(ref(name));
    expect(Date.now() - (meta?.lastChanged ?? 0)).toBeLessThan(60_000);
    expect(meta?.expiresAt).toBe(Math.floor(expiresOn.getTime() / 1000) * 1000);
    expect(JSON.stringify(meta)).not.toContain(value);
  });
});

describe("content types and batches", () => {
  it("a PEM secret (by its contentType) reads as its own bytes, and as text", async () => {
    const name = uniqueName("pem");
    const pem = [
      "-----BEGIN CERTIFICATE-----",
      Buffer.from(fakeValue("pem")).toString("base64"),
      "-----END CERTIFICATE-----",
    ].join("\n");
    await seedClient().setSecret(name, pem, { contentType: "application/x-pem-file" });
    const s = client();
    const bytes = await s.getSecret(ref(name), { type: "binary" });
    expect(Buffer.from(bytes).toString("utf8")).toBe(pem);
    expect(await s.getSecret(ref(name))).toBe(pem);
  });

  it("load() reads many secrets through getSecrets with bounded concurrency, results in order", async () => {
    const names = Array.from({ length: 12 }, (_, i) => uniqueName(`batch${i}`));
    const values = names.map(() => fakeValue("batch"));
    await Promise.all(names.map((n, i) => putSecret(n, values[i] as string)));
    const s = client({ concurrency: 3 });
    const spec: Record<string, LoadEntry> = Object.fromEntries(
      names.map((n, i) => [`K${i}`, ref(n)]),
    );
    spec.MISSING = { ref: ref(uniqueName("absent")), optional: true };
    const out: Record<string, unknown> = await s.load(spec);
    expect(names.map((_, i) => out[`K${i}`])).toEqual(values);
    expect(out.MISSING).toBeUndefined();
    const bad = await failure(client({ concurrency: 0 }).getSecret(ref(names[0] as string)));
    expect(bad.code).toBe("INVALID_CONFIG");
  });
});
