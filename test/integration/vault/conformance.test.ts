// @stand-ins: vault, toxiproxy
/**
 * The provider kit's conformance suite for the Vault provider, against the
 * OpenBao dev server: KV v2 reads with a token under a narrow policy (so a
 * path outside it is denied), leases and credentials from the database engine.
 */

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { vaultProvider } from "../../../providers/vault/index.js";
import { testProvider } from "../../../src/provider/testing/index.js";
import { proxyTo } from "../../support/toxiproxy.js";
import { bao, fakeValue, putKv2, tokenWithPolicy, uniquePrefix } from "./support/bao.js";

const prefix = uniquePrefix();
const one = fakeValue("conformance-one");
const two = fakeValue("conformance-two");
// No #field: the fault scenarios look for their `stale` event under the reference as written,
// and an event names the reference without its field.
const faulty = [0, 1, 2, 3].map((i) => `vault://secret/${prefix}/fault-${i}`);
let token = "";

// OpenBao's headers are ~200 bytes: a reset after 300 cuts a KV answer inside its JSON body.
const proxy = await proxyTo(bao().address, { resetAfterBytes: 300 });
afterAll(() => proxy.close());

beforeAll(async () => {
  for (let i = 0; i < faulty.length; i++)
    await putKv2(`${prefix}/fault-${i}`, { value: fakeValue() });
  // A token with the seeded app policy only: secret/*, kv1/*, database/creds/*, lease renew/revoke.
  token = await tokenWithPolicy(
    [
      'path "secret/*" { capabilities = ["read", "list"] }',
      'path "database/creds/*" { capabilities = ["read"] }',
      'path "sys/leases/renew" { capabilities = ["update"] }',
      'path "sys/leases/revoke" { capabilities = ["update"] }',
    ].join("\n"),
  );
  await putKv2(`${prefix}/one`, { value: one });
  await putKv2(`${prefix}/two`, { value: two });
});

const viaProxy = () => vaultProvider({ address: proxy.url, auth: { method: "token", token } });

testProvider(
  { describe, it, expect, beforeAll, afterAll, beforeEach, afterEach },
  {
    name: "vault",
    provider: viaProxy,
    present: { ref: `vault://secret/${prefix}/one#value`, value: one },
    another: { ref: `vault://secret/${prefix}/two#value`, value: two },
    missing: `vault://secret/${prefix}/absent#value`,
    denied: "vault://sys/policies/acl/root#policy",
    invalid: "vault://secret/../etc",
    hang: { start: () => proxy.blackHole(), stop: () => proxy.heal() },
    faults: { injector: proxy, provider: viaProxy, present: faulty },
    capabilities: {
      batch: false,
      leases: { ref: `vault://database/creds/${bao().database.role}` },
      credentials: { request: { path: `database/creds/${bao().database.role}` } },
    },
  },
);
