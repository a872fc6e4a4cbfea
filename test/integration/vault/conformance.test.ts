/**
 * The provider kit's conformance suite for the Vault provider, against the
 * OpenBao dev server: KV v2 reads with a token under a narrow policy (so a
 * path outside it is denied), leases and credentials from the database engine.
 */

import { beforeAll, describe, expect, it } from "vitest";
import { vaultProvider } from "../../../providers/vault/index.js";
import { testProvider } from "../../../src/provider/testing/index.js";
import { bao, fakeValue, putKv2, tokenWithPolicy, uniquePrefix } from "./support/bao.js";

const prefix = uniquePrefix();
const one = fakeValue("conformance-one");
const two = fakeValue("conformance-two");
let token = "";

beforeAll(async () => {
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

testProvider(
  { describe, it, expect },
  {
    name: "vault",
    provider: () => {
      const info = bao();
      return vaultProvider({
        address: info.address,
        auth: { method: "token", token },
      });
    },
    present: { ref: `vault://secret/${prefix}/one#value`, value: one },
    another: { ref: `vault://secret/${prefix}/two#value`, value: two },
    missing: `vault://secret/${prefix}/absent#value`,
    denied: "vault://sys/policies/acl/root#policy",
    invalid: "vault://secret/../etc",
    hang: { unsupported: "hangs are injected through Toxiproxy in the fault suite" },
    capabilities: {
      batch: false,
      leases: { ref: `vault://database/creds/${bao().database.role}` },
      credentials: { request: { path: `database/creds/${bao().database.role}` } },
    },
  },
);
