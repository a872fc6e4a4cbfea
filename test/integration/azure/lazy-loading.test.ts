// @stand-ins: azure
/**
 * The Azure packages load on first use only: `@azure/keyvault-secrets` on the first
 * `azure-kv://` read, `@azure/identity` only when the provider builds its own credential.
 * Checked in fresh processes running the built package, with a resolution hook that
 * records every `@azure/identity` or `@azure/keyvault-secrets` module loaded.
 */

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, expect, it } from "vitest";
import { azureIdentityEnv, signAzureAccessToken, standIn } from "../../support/stand-ins.js";
import { fakeValue, putSecret, uniqueName } from "./support/kv.js";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const DIST = join(ROOT, "dist");

const CHILD = `
import { registerHooks } from "node:module";
const loaded = new Set();
registerHooks({
  resolve(specifier, context, next) {
    const r = next(specifier, context);
    const m = /node_modules\\/(@azure\\/(?:identity|keyvault-secrets))\\//.exec(r.url);
    if (m) loaded.add(m[1]);
    return r;
  },
});
const [scenario] = process.argv.slice(1);
const { createSecrets } = await import(${JSON.stringify(join(DIST, "src/index.js"))});
const { azureProvider } = await import(${JSON.stringify(join(DIST, "providers/azure/index.js"))});
const common = { vaultUrlTemplate: process.env.VAULT_URL, disableChallengeResourceVerification: true, disableInstanceDiscovery: true, azureCli: false };
const own = { getToken: async () => ({ token: process.env.FIXED_TOKEN, expiresOnTimestamp: Date.now() + 3600000 }) };
const options = scenario === "own-credential" ? { ...common, credential: own } : common;
const secrets = createSecrets({ providers: { azure: azureProvider(options) } });
process.env.LAZY_TEST_VALUE = "x";
if (scenario === "env") await secrets.getSecret("env://LAZY_TEST_VALUE");
else await secrets.getSecret("azure-kv://acme-kv/" + process.env.SECRET_NAME);
await secrets.close();
console.log(JSON.stringify([...loaded].sort()));
`;

let name = "";
beforeAll(async () => {
  if (!existsSync(join(DIST, "providers/azure/index.js"))) {
    throw new Error("this test runs the built package: run `npm run build` first");
  }
  name = uniqueName("lazy");
  await putSecret(name, fakeValue());
});

function loadedIn(scenario: string): string[] {
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", CHILD, scenario], {
    cwd: ROOT,
    encoding: "utf8",
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      ...azureIdentityEnv("clientSecret"),
      VAULT_URL: standIn("azure").vaultUrl,
      SECRET_NAME: name,
      FIXED_TOKEN: signAzureAccessToken(),
    },
    timeout: 60_000,
  });
  expect(r.stderr).toBe("");
  return JSON.parse(r.stdout.trim()) as string[];
}

it("an env:// read loads no Azure package", () => {
  expect(loadedIn("env")).toEqual([]);
});

it("a read with the caller's own TokenCredential never loads @azure/identity", () => {
  expect(loadedIn("own-credential")).toEqual(["@azure/keyvault-secrets"]);
});

it("a read through the provider's chain loads both", () => {
  expect(loadedIn("chain")).toEqual(["@azure/identity", "@azure/keyvault-secrets"]);
});
