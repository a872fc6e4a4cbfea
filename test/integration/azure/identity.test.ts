// @stand-ins: azure
/**
 * Each link of the Azure provider's credential chain, end to end against the stand-in:
 * workload identity (from options, and from the standard variables in a child process),
 * managed identity (each case in its own process: MSAL caches those tokens per process),
 * and a client secret from the variables (reached after the Azure CLI link is unavailable).
 */

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AzureProvider, azureProvider } from "../../../providers/azure/index.js";
import { createSecrets } from "../../../src/index.js";
import {
  azureIdentityEnv,
  azureStats,
  signAzureAccessToken,
  signAzureFederatedToken,
  standIn,
} from "../../support/stand-ins.js";
import { fakeValue, putSecret, standInProvider, uniqueName } from "./support/kv.js";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const DIST = join(ROOT, "dist");
let tmp: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "azure-identity-test-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const sha = (v: string) => createHash("sha256").update(v).digest("hex");

/** Reads one secret in a fresh process through the built package, with only `env` set. */
function readInChild(name: string, env: Record<string, string>) {
  const azure = standIn("azure");
  const script = `
    import { createHash } from "node:crypto";
    import { createSecrets } from ${JSON.stringify(join(DIST, "src/index.js"))};
    import { azureProvider } from ${JSON.stringify(join(DIST, "providers/azure/index.js"))};
    const secrets = createSecrets({ providers: { azure: azureProvider({
      vaultUrlTemplate: process.env.VAULT_URL,
      disableChallengeResourceVerification: true,
      disableInstanceDiscovery: true,
      ...(process.env.FIXED_TOKEN ? { credential: { getToken: async () => ({ token: process.env.FIXED_TOKEN, expiresOnTimestamp: Date.now() + 3600000 }) } } : {}),
    }) } });
    try {
      const v = await secrets.getSecret("azure-kv://acme-kv/" + process.env.SECRET_NAME);
      console.log(createHash("sha256").update(v).digest("hex"));
    } catch (e) { console.log("ERROR " + e.code + " " + e.message); }
    await secrets.close();
  `;
  return spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: ROOT,
    encoding: "utf8",
    env: {
      PATH: process.env.PATH ?? "",
      HOME: tmp,
      ...env,
      VAULT_URL: azure.vaultUrl,
      SECRET_NAME: name,
    },
    timeout: 60_000,
  });
}

describe("credential chain links", () => {
  it("workload identity from options: a client_assertion grant, no secret", async () => {
    const azure = standIn("azure");
    const file = join(tmp, "federated-token");
    writeFileSync(file, signAzureFederatedToken());
    const name = uniqueName("wi");
    const value = fakeValue();
    await putSecret(name, value);
    const before = await azureStats();
    const secrets = createSecrets({
      providers: {
        azure: azureProvider({
          tenantId: azure.tenantId,
          clientId: azure.clientId,
          federatedTokenFile: file,
          authorityHost: azure.authorityHost,
          azureCli: false,
          vaultUrlTemplate: azure.vaultUrl,
          disableChallengeResourceVerification: true,
          disableInstanceDiscovery: true,
        }),
      },
      policy: { requireShortLived: true },
    });
    try {
      expect(await secrets.getSecret(`azure-kv://acme-kv/${name}`)).toBe(value);
      // What the doctor's item 10 reads: the link that actually issued the token.
      const provider = (await secrets.provider("azure")) as AzureProvider;
      expect(await provider.identity()).toMatchObject({
        principal: azure.clientId,
        kind: "workload-identity",
        shortLived: true,
      });
    } finally {
      await secrets.close();
    }
    const after = await azureStats();
    expect(after.clientAssertionGrants).toBe(before.clientAssertionGrants + 1);
    expect(after.clientSecretGrants).toBe(before.clientSecretGrants);
  });

  it("a client secret: the identity says long-lived", async () => {
    const secrets = createSecrets({ providers: { azure: standInProvider() } });
    try {
      const provider = (await secrets.provider("azure")) as AzureProvider;
      expect(await provider.chain()).toEqual(["clientSecret"]);
      expect(await provider.identity()).toMatchObject({ kind: "client-secret", shortLived: false });
    } finally {
      await secrets.close();
    }
  });

  describe("in a fresh process, from the standard variables (the built package)", () => {
    beforeAll(() => {
      if (!existsSync(join(DIST, "providers/azure/index.js"))) {
        throw new Error("these cases run the built package: run `npm run build` first");
      }
    });
    it("workload identity (AZURE_FEDERATED_TOKEN_FILE)", async () => {
      const file = join(tmp, "federated-token-env");
      writeFileSync(file, signAzureFederatedToken());
      const name = uniqueName("wi-env");
      const value = fakeValue();
      await putSecret(name, value);
      const r = readInChild(
        name,
        azureIdentityEnv("workloadIdentity", { federatedTokenFile: file }),
      );
      expect(r.stderr).toBe("");
      expect(r.stdout.trim()).toBe(sha(value));
    });

    it("managed identity (IDENTITY_ENDPOINT, IDENTITY_HEADER)", async () => {
      const name = uniqueName("mi-env");
      const value = fakeValue();
      await putSecret(name, value);
      const before = await azureStats();
      const r = readInChild(name, azureIdentityEnv("managedIdentity"));
      expect(r.stderr).toBe("");
      expect(r.stdout.trim()).toBe(sha(value));
      expect((await azureStats()).managedIdentityRequests).toBeGreaterThan(
        before.managedIdentityRequests,
      );
    });

    it("a vault certificate the process does not trust: a readable message naming NODE_EXTRA_CA_CERTS", () => {
      const { NODE_EXTRA_CA_CERTS: _, ...env } = azureIdentityEnv("clientSecret");
      const r = readInChild(uniqueName("untrusted"), {
        ...env,
        FIXED_TOKEN: signAzureAccessToken(),
      });
      expect(r.stdout).toMatch(
        /^ERROR UNAVAILABLE .*not trusted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\).*NODE_EXTRA_CA_CERTS/,
      );
    });

    it("a client secret (AZURE_CLIENT_SECRET), last, after the unavailable Azure CLI", async () => {
      const name = uniqueName("cs-env");
      const value = fakeValue();
      await putSecret(name, value);
      const before = await azureStats();
      const r = readInChild(name, azureIdentityEnv("clientSecret"));
      expect(r.stderr).toBe("");
      expect(r.stdout.trim()).toBe(sha(value));
      expect((await azureStats()).clientSecretGrants).toBeGreaterThan(before.clientSecretGrants);
    });
  });
});
