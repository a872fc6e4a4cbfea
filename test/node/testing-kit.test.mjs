// secrets-loader/testing under node's own test runner (the built package), as
// an app's tests would use it: run by test/e2e/testing-kit.test.ts.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { afterEach, describe, test } from "node:test";
import { createSecrets, getSecret } from "secrets-loader";
import {
  assertNoSecretIn,
  assertProviderCalls,
  assertReferencesRead,
  memoryProvider,
  resetSecrets,
  useTestClock,
  useTestSecrets,
} from "secrets-loader/testing";

const fake = (tag) => `${tag}-${randomBytes(6).toString("hex")}`;
const cleanup = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()();
  await resetSecrets();
});
const client = (memory, cache = {}) => {
  const s = createSecrets({
    providers: { memory },
    builtins: false,
    cache: { leaseGrace: 0, ...cache },
  });
  cleanup.push(() => s.close());
  return s;
};
const clock = () => {
  const c = useTestClock();
  cleanup.push(async () => c.restore());
  return c;
};

describe("memoryProvider", () => {
  test("a typo in a reference fails as in production; aliases normalise", async () => {
    assert.throws(
      () => memoryProvider({ "aws-sm://prod/db?versionStag=AWSCURRENT": "x" }),
      /versionStag/,
    );
    const value = fake("bao");
    const memory = memoryProvider({ "bao://secret/app#token": value });
    assert.equal(await client(memory).getSecret("vault://secret/app#token"), value);
    assertReferencesRead(memory, ["vault://secret/app"]);
  });

  test("scripted failures are typed like a real backend's", async () => {
    const memory = memoryProvider({ "env://A": fake("a") });
    memory.fail("env://A", "THROTTLED", { times: 1 });
    const secrets = client(memory);
    await assert.rejects(secrets.getSecret("env://A"), { code: "THROTTLED" });
    assert.equal(typeof (await secrets.getSecret("env://A")), "string");
    assertProviderCalls(memory, 2, "get");
  });

  test("the test clock: refresh ahead, then expiry, without waiting", async () => {
    const c = clock();
    const memory = memoryProvider({ "env://TOKEN": { value: fake("tok"), expiresIn: "10m" } });
    const secrets = client(memory, { refreshAhead: 0.2, maxAge: "1h" });
    await secrets.getSecret("env://TOKEN");
    c.advance("8m30s");
    await secrets.getSecret("env://TOKEN");
    await memory.idle();
    assertProviderCalls(memory, 2);
    c.advance("11m");
    await secrets.getSecret("env://TOKEN");
    assertProviderCalls(memory, 3);
  });

  test("leases: renewed in place, revoked on close", async () => {
    const c = clock();
    const memory = memoryProvider({
      "vault://database/creds/ro": {
        value: JSON.stringify({ password: fake("pw") }),
        lease: { ttl: "1h" },
      },
    });
    const secrets = client(memory);
    await secrets.getSecret("vault://database/creds/ro#password");
    c.advance("56m");
    await secrets.getSecret("vault://database/creds/ro#password");
    await memory.idle();
    assertProviderCalls(memory, 1, "renew");
    await secrets.close();
    await memory.idle();
    assert.equal(memory.leases[0].revoked, true);
  });
});

describe("the zero-config client", () => {
  test("useTestSecrets replaces it, resetSecrets drops it, assertNoSecretIn guards logs", async () => {
    const key = fake("sk-test");
    const { memory } = await useTestSecrets({ "aws-sm://prod/stripe": key });
    assert.equal(await getSecret("aws-sm://prod/stripe"), key);
    assertNoSecretIn("nothing here", memory);
    assert.throws(() => assertNoSecretIn(`oops ${key}`, memory), {
      message: "a value of aws-sm://prod/stripe appears in the text at offset 5",
    });
    await resetSecrets();
    await assert.rejects(getSecret("env://SL_NODE_TEST_NOT_SET"), { code: "NOT_FOUND" });
  });
});
