/**
 * secrets-loader/testing under vitest: the memory provider parses with the
 * real rules, answers from its script and records every call; the test clock
 * drives refresh-ahead, expiry and lease renewal/revocation without waiting;
 * the zero-config client is replaced and reset; the assertions fail clearly.
 */
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { createSecrets, getSecret, load, redact, type Secrets } from "../../../src/index.js";
import {
  assertNoSecretIn,
  assertProviderCalls,
  assertReferencesRead,
  memoryProvider,
  resetSecrets,
  useTestClock,
  useTestSecrets,
} from "../../../src/testing/index.js";

const fake = (tag: string) => `${tag}-${randomBytes(6).toString("hex")}`;

let clients: Secrets[] = [];
let restore: Array<() => void> = [];
afterEach(async () => {
  for (const r of restore) r();
  restore = [];
  await Promise.all(clients.map((c) => c.close()));
  clients = [];
  await resetSecrets();
});
const clientOf = (memory: ReturnType<typeof memoryProvider>, cache = {}) => {
  const s = createSecrets({
    providers: { memory },
    builtins: false,
    cache: { leaseGrace: 0, ...cache },
  });
  clients.push(s);
  return s;
};
const clock = () => {
  const c = useTestClock();
  restore.push(() => c.restore());
  return c;
};

describe("memoryProvider", () => {
  it("parses keys with the built-in rules: a typo fails as in production", () => {
    expect(() => memoryProvider({ "aws-sm://prod/db?versionStag=AWSCURRENT": "x" })).toThrow(
      /versionStag/,
    );
    expect(() => memoryProvider({ "awssm://prod/db": "x" })).toThrow(/Invalid secret reference/);
  });

  it("normalises aliases and option order like production", async () => {
    const value = fake("bao");
    const memory = memoryProvider({ "bao://secret/app#token": value });
    const secrets = clientOf(memory);
    expect(await secrets.getSecret("vault://secret/app#token")).toBe(value);
    assertReferencesRead(memory, ["bao://secret/app"]);
  });

  it("scripts versions, failures and delays, and records each call", async () => {
    const memory = memoryProvider({ "aws-sm://prod/api": "v1-value-aaaa" });
    const secrets = clientOf(memory, { maxAge: "1m" });
    const c = clock();
    expect(await secrets.getSecret("aws-sm://prod/api")).toBe("v1-value-aaaa");
    memory.set("aws-sm://prod/api", "v2-value-bbbb");
    c.advance("2m");
    expect(await secrets.getSecret("aws-sm://prod/api")).toBe("v2-value-bbbb");
    memory.fail("aws-sm://prod/api", "ACCESS_DENIED", { times: 1 });
    secrets.invalidate("aws-sm://prod/api");
    await expect(secrets.getSecret("aws-sm://prod/api")).rejects.toMatchObject({
      code: "ACCESS_DENIED",
    });
    expect(await secrets.getSecret("aws-sm://prod/api")).toBe("v2-value-bbbb");
    memory.delay("*", 200);
    secrets.invalidate("aws-sm://prod/api");
    await expect(secrets.getSecret("aws-sm://prod/api", { timeout: 20 })).rejects.toMatchObject({
      code: "UNAVAILABLE",
    });
    assertProviderCalls(memory, 5, "get");
  });

  it("the test clock shows refresh ahead and expiry without waiting", async () => {
    const c = clock();
    const memory = memoryProvider({ "env://TOKEN": { value: fake("tok"), expiresIn: "10m" } });
    const secrets = clientOf(memory, { refreshAhead: 0.2, maxAge: "1h" });
    await secrets.getSecret("env://TOKEN");
    c.advance("7m"); // fresh, not yet in the last 20%
    await secrets.getSecret("env://TOKEN");
    assertProviderCalls(memory, 1);
    c.advance("1m30s"); // inside the refresh-ahead window: served, refreshed behind
    await secrets.getSecret("env://TOKEN");
    await memory.idle();
    assertProviderCalls(memory, 2);
    c.advance("11m"); // past expiry: read again before answering
    await secrets.getSecret("env://TOKEN");
    assertProviderCalls(memory, 3);
  });

  it("leases renew in place, and are revoked when replaced and on close", async () => {
    const c = clock();
    const memory = memoryProvider({
      "vault://database/creds/ro": {
        value: JSON.stringify({ username: "u-1", password: fake("pw") }),
        lease: { ttl: "1h", maxTtl: "2h" },
      },
    });
    const secrets = clientOf(memory, { credentialRefreshLead: "10m" });
    await secrets.getSecret("vault://database/creds/ro#password");
    c.advance("55m"); // inside the renewal lead
    await secrets.getSecret("vault://database/creds/ro#password");
    await memory.idle();
    assertProviderCalls(memory, 1, "renew");
    expect(memory.leases).toHaveLength(1);
    expect(memory.leases[0]?.renewals).toBe(1);
    c.advance("55m"); // renewed again, up to the lease's maximum (2h)
    await secrets.getSecret("vault://database/creds/ro#password");
    await memory.idle();
    // Inside the lead of a lease that cannot be extended: issued anew while the old one still
    // lives, which is then revoked (an ended lease would need no revocation).
    c.advance("5m");
    await secrets.getSecret("vault://database/creds/ro#password");
    await memory.idle();
    await new Promise((r) => setTimeout(r, 10)); // leaseGrace 0: revoked on a timer of 0 ms
    await memory.idle();
    expect(memory.leases).toHaveLength(2);
    expect(memory.leases[0]?.revoked).toBe(true);
    await secrets.close();
    await memory.idle();
    expect(memory.leases[1]?.revoked).toBe(true);
    assertProviderCalls(memory, 2, "revoke");
  });
});

describe("the zero-config client in tests", () => {
  it("useTestSecrets replaces it; resetSecrets drops it", async () => {
    const key = fake("sk-test");
    const { memory } = await useTestSecrets({ "aws-sm://prod/stripe": key, "env://PORT": "8080" });
    expect(await getSecret("aws-sm://prod/stripe")).toBe(key);
    expect(await load({ PORT: "env://PORT" })).toEqual({ PORT: "8080" });
    assertReferencesRead(memory, ["aws-sm://prod/stripe", "env://PORT"]);
    await resetSecrets();
    // The next use creates a fresh zero-config client: the memory is no longer behind it.
    await expect(getSecret("env://SL_TESTING_NOT_SET_ANYWHERE")).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    assertProviderCalls(memory, 2);
  });
});

describe("assertions", () => {
  it("fail with the reference and offset, never the value", async () => {
    const value = fake("leaky");
    const { memory } = await useTestSecrets({ "env://API_KEY": value });
    await getSecret("env://API_KEY");
    assertNoSecretIn("a clean log line", memory);
    let err: unknown;
    try {
      assertNoSecretIn(`user logged ${value} oops`, memory);
    } catch (e) {
      err = e;
    }
    expect(String((err as Error).message)).toBe(
      "a value of env://API_KEY appears in the text at offset 12",
    );
    expect(JSON.stringify(err) + String(err)).not.toContain(value);
    // Without the memory: anything a client holds now (redact()) counts.
    expect(() => assertNoSecretIn(`x ${value}`)).toThrow(/a loaded secret value appears/);
    expect(redact(value)).toBe("[REDACTED]");
    expect(() => assertProviderCalls(memory, 3)).toThrow(/expected 3 provider call\(s\), got 1/);
    expect(() => assertReferencesRead(memory, ["env://OTHER"])).toThrow(
      /not read: env:\/\/OTHER; also read: env:\/\/API_KEY/,
    );
  });
});
