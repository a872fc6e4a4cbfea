// The app's tests under node's own runner:
//   npm run build && node --test examples/testing-your-app/app.node.test.mjs
import assert from "node:assert/strict";
import { afterEach, beforeEach, test } from "node:test";
import {
  assertNoSecretIn,
  assertProviderCalls,
  assertReferencesRead,
  resetSecrets,
  useTestClock,
  useTestSecrets,
} from "secrets-loader/testing";
import { charge, config, dbLogin } from "./app.mjs";

// Built at run time: no committed string looks like a key.
const KEY = ["sk", "test", "memory", Date.now().toString(36)].join("_");
let memory;
let clock;

beforeEach(async () => {
  clock = useTestClock();
  ({ memory } = await useTestSecrets({
    "aws-sm://prod/payments#url": "https://payments.example.test/v1",
    "aws-sm://prod/payments#key": KEY,
    "vault://database/creds/orders": {
      value: JSON.stringify({ username: "v-orders-1", password: `pw-${KEY}` }),
      lease: { ttl: "1h", maxTtl: "4h" },
    },
  }));
  await config.load();
});

afterEach(async () => {
  clock.restore();
  await resetSecrets();
});

test("charge() reads its secrets once and never logs the key", async () => {
  const lines = [];
  const sent = await charge("cus_42", 1999, (line) => lines.push(line));
  await charge("cus_43", 500, (line) => lines.push(line));
  assert.equal(sent.authorization, `Bearer ${KEY}`);
  // config.load() read both references in one batch; the key is another #field of the same
  // secret, so getSecret() is served from the cache: one provider call in all.
  assertReferencesRead(memory, ["aws-sm://prod/payments", "env://PAYMENTS_TIMEOUT_MS"]);
  assertProviderCalls(memory, 1);
  assertNoSecretIn(lines.join("\n"), memory);
  assert.match(
    lines[0],
    /charging cus_42 1999 cents at payments\.example\.test \(timeout 2000 ms\)/,
  );
});

test("a backend outage surfaces as UNAVAILABLE, not as a missing secret", async () => {
  memory.fail("vault://database/creds/orders", "UNAVAILABLE");
  await assert.rejects(dbLogin(), { code: "UNAVAILABLE" });
});

test("the database lease is renewed on the test clock, without waiting an hour", async () => {
  const first = await dbLogin();
  clock.advance("56m"); // inside the renewal lead (5 minutes before expiry by default)
  assert.deepEqual(await dbLogin(), first);
  await memory.idle();
  assertProviderCalls(memory, 1, "renew");
  assert.equal(memory.leases[0].renewals, 1);
});
