// @stand-ins: azure
/**
 * `policy.requireShortLived` and Azure: an injected `ClientSecretCredential`
 * (alone, or inside a chain) and an injected certificate credential are
 * refused before any request reaches Entra or the vault, recognised by what
 * they hold; an injected credential of unknown shape passes `true` and is
 * refused by "strict"; workload identity (options or injected) and managed
 * identity pass "strict" (classified short-lived).
 */

import { spawnSync } from "node:child_process";
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  ChainedTokenCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
  WorkloadIdentityCredential,
} from "@azure/identity";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AzureProviderOptions, azureProvider } from "../../../providers/azure/index.js";
import { createSecrets, PolicyViolationError, type SecretsPolicy } from "../../../src/index.js";
import {
  azureIdentityEnv,
  azureStats,
  signAzureAccessToken,
  signAzureFederatedToken,
  standIn,
} from "../../support/stand-ins.js";
import { fakeValue, putSecret, uniqueName } from "./support/kv.js";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
let tmp: string;
let name: string;
let value: string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "azure-short-lived-"));
  name = uniqueName("sl");
  value = fakeValue();
  await putSecret(name, value);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const azure = () => standIn("azure");
const common = () => ({ authorityHost: azure().authorityHost, disableInstanceDiscovery: true });

function client(options: AzureProviderOptions, policy: SecretsPolicy) {
  return createSecrets({
    builtins: false,
    policy,
    providers: {
      azure: azureProvider({
        vaultUrlTemplate: azure().vaultUrl,
        disableChallengeResourceVerification: true,
        disableInstanceDiscovery: true,
        azureCli: false,
        ...options,
      }),
    },
  });
}

async function refused(options: AzureProviderOptions, what: RegExp, policy: SecretsPolicy) {
  const secrets = client(options, policy);
  const before = await azureStats();
  try {
    const err = await secrets.getSecret(`azure-kv://acme-kv/${name}`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PolicyViolationError);
    expect((err as Error).message).toMatch(what);
    expect((err as Error).message).not.toContain(azure().clientSecret);
  } finally {
    await secrets.close();
  }
  const after = await azureStats();
  expect(after.tokenRequests).toBe(before.tokenRequests);
  expect(after.vaultRequests).toBe(before.vaultRequests);
}

const federatedFile = () => {
  const file = join(tmp, `federated-${randomUUID()}`);
  writeFileSync(file, signAzureFederatedToken());
  return file;
};

describe("azure under policy.requireShortLived", () => {
  it("refuses an injected ClientSecretCredential, alone or in a chain", async () => {
    const a = azure();
    const secret = () =>
      new ClientSecretCredential(a.tenantId, a.clientId, a.clientSecret, common());
    await refused({ credential: secret() }, /client secret/, { requireShortLived: true });
    const chain = new ChainedTokenCredential(new ManagedIdentityCredential(), secret());
    await refused({ credential: chain }, /client secret/, { requireShortLived: true });
    // An object that only wraps one (a user's own adapter) is judged by what it holds too.
    const inner = secret();
    const wrapper = { inner, getToken: (s: string | string[]) => inner.getToken(s) };
    await refused({ credential: wrapper }, /client secret/, { requireShortLived: true });
  });

  it("refuses an injected certificate credential", async () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const cred = new ClientCertificateCredential(azure().tenantId, azure().clientId, {
      certificate: pem,
    });
    await refused({ credential: cred }, /certificate/, { requireShortLived: true });
  });

  it('an unrecognisable credential passes true and is refused by "strict"', async () => {
    const token = signAzureAccessToken();
    const credential = {
      getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }),
    };
    const lax = client({ credential }, { requireShortLived: true });
    expect(await lax.getSecret(`azure-kv://acme-kv/${name}`)).toBe(value);
    await lax.close();
    await refused({ credential }, /could not be classified/, { requireShortLived: "strict" });
  });

  it('accepts workload identity under "strict", from options and injected', async () => {
    const a = azure();
    const own = client(
      {
        tenantId: a.tenantId,
        clientId: a.clientId,
        federatedTokenFile: federatedFile(),
        authorityHost: a.authorityHost,
      },
      { requireShortLived: "strict" },
    );
    expect(await own.getSecret(`azure-kv://acme-kv/${name}`)).toBe(value);
    await own.close();
    const injected = client(
      {
        credential: new WorkloadIdentityCredential({
          tenantId: a.tenantId,
          clientId: a.clientId,
          tokenFilePath: federatedFile(),
          ...common(),
        }),
      },
      { requireShortLived: "strict" },
    );
    expect(await injected.getSecret(`azure-kv://acme-kv/${name}`)).toBe(value);
    await injected.close();
  });

  it('accepts a managed identity under "strict" (a fresh process, the built package)', () => {
    const dist = join(ROOT, "dist");
    const script = `
      import { createSecrets } from ${JSON.stringify(join(dist, "src/index.js"))};
      import { azureProvider } from ${JSON.stringify(join(dist, "providers/azure/index.js"))};
      const secrets = createSecrets({ policy: { requireShortLived: "strict" }, providers: { azure: azureProvider({
        vaultUrlTemplate: process.env.VAULT_URL, disableChallengeResourceVerification: true,
        disableInstanceDiscovery: true, azureCli: false }) } });
      try {
        const v = await secrets.getSecret("azure-kv://acme-kv/" + process.env.SECRET_NAME);
        console.log(v === process.env.EXPECTED ? "OK" : "WRONG");
      } catch (e) { console.log("ERROR " + e.code); }
      await secrets.close();
    `;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: ROOT,
      encoding: "utf8",
      env: {
        PATH: process.env.PATH ?? "",
        HOME: tmp,
        ...azureIdentityEnv("managedIdentity"),
        VAULT_URL: azure().vaultUrl,
        SECRET_NAME: name,
        EXPECTED: value,
      },
      timeout: 60_000,
    });
    expect(r.stdout.trim().split("\n").at(-1)).toBe("OK");
  });
});
