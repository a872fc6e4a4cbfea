// @stand-ins: azure, toxiproxy
/**
 * The provider kit's conformance suite for the Azure provider, against the harness's Key Vault
 * and Entra ID stand-in, with the vault reached through Toxiproxy (plain TCP: TLS passes
 * through, and the certificate names 127.0.0.1, so the proxy's URL does too).
 */

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { testProvider } from "../../../src/provider/testing/index.js";
import { standIn } from "../../support/stand-ins.js";
import { proxyTo } from "../../support/toxiproxy.js";
import { fakeValue, putSecret, standInProvider, uniqueName } from "./support/kv.js";

const one = { name: uniqueName("conf-one"), value: fakeValue() };
const two = { name: uniqueName("conf-two"), value: fakeValue() };
const disabled = uniqueName("conf-disabled");
const faulty = [0, 1, 2, 3].map((i) => uniqueName(`conf-fault-${i}`));

const proxy = await proxyTo(standIn("azure").vaultUrl);
afterAll(() => proxy.close());

beforeAll(async () => {
  await putSecret(one.name, one.value);
  await putSecret(two.name, two.value);
  await putSecret(disabled, fakeValue(), { enabled: false });
  for (const name of faulty) await putSecret(name, fakeValue());
});

const viaProxy = () => standInProvider({ vaultUrlTemplate: proxy.url });
const ref = (name: string) => `azure-kv://acme-kv/${name}`;

testProvider(
  { describe, it, expect, beforeAll, afterAll, beforeEach, afterEach },
  {
    name: "azure",
    provider: viaProxy,
    present: { ref: ref(one.name), value: one.value },
    another: { ref: ref(two.name), value: two.value },
    missing: ref(uniqueName("conf-missing")),
    // A disabled secret: 403 Forbidden / SecretDisabled.
    denied: ref(disabled),
    invalid: "azure-kv://a/secret",
    hang: { start: () => proxy.blackHole(), stop: () => proxy.heal() },
    faults: { injector: proxy, provider: viaProxy, present: faulty.map(ref) },
    capabilities: {
      batch: true,
      leases: false,
      credentials: { request: { scopes: "https://vault.azure.net/.default" } },
    },
  },
);
