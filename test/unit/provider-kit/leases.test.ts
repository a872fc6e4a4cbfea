import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  type CacheOptions,
  createSecrets,
  type Secrets,
  type SecretsEvent,
} from "../../../src/index.js";
import { type LeasingProvider, leasingProvider } from "../../support/leasing-provider.js";

const S = 1000;
let p: LeasingProvider;
let secrets: Secrets;
let events: SecretsEvent[];

function client(cache: CacheOptions = {}) {
  p = leasingProvider({ ttl: 60 * S, maxTtl: 150 * S });
  events = [];
  secrets = createSecrets({
    builtins: false,
    providers: { leasing: p },
    cache: { credentialRefreshLead: "10s", leaseGrace: "5s", ...cache },
    onEvent: (e) => events.push(e),
  });
  return secrets;
}

const REF = "lease://db/creds/readonly#password";
const leaseEvents = (action: string) =>
  events
    .filter((e) => e.type === "lease" && e.action === action)
    .map((e) => (e as { lease: string }).lease);
const flush = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

beforeEach(() => {
  vi.useFakeTimers({ now: new Date("2026-12-01T00:00:00Z") });
});
afterEach(async () => {
  await secrets?.close();
  vi.useRealTimers();
});

describe("leases", () => {
  it("renews in place up to the maximum, then re-issues and revokes the old lease after the grace period", async () => {
    client();
    const first = await secrets.getSecret(REF);
    expect(p.issued).toEqual(["db/creds/readonly/lease-1"]);
    // Used inside the renewal lead (10 s before expiry): one renewal, same lease and value.
    await vi.advanceTimersByTimeAsync(51 * S);
    await secrets.getSecret(REF);
    await flush();
    expect(p.renewals).toEqual(["db/creds/readonly/lease-1"]);
    expect(await secrets.getSecret(REF)).toBe(first);
    expect(leaseEvents("renewed")).toEqual(["db/creds/readonly/lease-1"]);
    // Renewed again, now capped at issue + 150 s.
    await vi.advanceTimersByTimeAsync(51 * S);
    await secrets.getSecret(REF);
    await flush();
    expect(p.renewals).toHaveLength(2);
    // At the cap a renewal gains nothing: a new lease is issued.
    await vi.advanceTimersByTimeAsync(40 * S);
    await secrets.getSecret(REF);
    await flush();
    expect(p.issued).toEqual(["db/creds/readonly/lease-1", "db/creds/readonly/lease-2"]);
    const second = await secrets.getSecret(REF);
    expect(second).not.toBe(first);
    expect(events.some((e) => e.type === "fetch" || e.type === "credentials")).toBe(true);
    // The old lease is still valid for callers holding it until the grace period ends.
    expect(p.revocations).toEqual([]);
    await vi.advanceTimersByTimeAsync(5 * S);
    await flush();
    expect(p.revocations).toEqual(["db/creds/readonly/lease-1"]);
    expect(leaseEvents("revoked")).toEqual(["db/creds/readonly/lease-1"]);
  });

  it("revokes once on each drop path: invalidate, LRU eviction, clear, replacement, close", async () => {
    client({ maxEntries: 1 });
    await secrets.getSecret(REF); // lease-1
    secrets.invalidate(REF); // drop path 1
    await flush();
    expect(p.revocations).toEqual(["db/creds/readonly/lease-1"]);

    await secrets.getSecret(REF); // lease-2
    await secrets.getSecret("lease://db/creds/writer#password"); // lease-3 evicts lease-2 (path 2)
    await flush();
    expect(p.revocations).toContain("db/creds/readonly/lease-2");

    secrets.clear(); // path 3: lease-3
    await flush();
    expect(p.revocations).toContain("db/creds/writer/lease-3");

    await secrets.getSecret(REF); // lease-4
    for (const step of [51, 51, 40]) {
      await vi.advanceTimersByTimeAsync(step * S);
      await secrets.getSecret(REF); // renewed twice, then replaced by lease-5 (path 4)
      await flush();
    }
    await vi.advanceTimersByTimeAsync(5 * S); // the grace period
    await flush();
    expect(p.revocations).toContain("db/creds/readonly/lease-4");

    await secrets.close(); // path 5: lease-5
    expect(p.revocations).toEqual([
      "db/creds/readonly/lease-1",
      "db/creds/readonly/lease-2",
      "db/creds/writer/lease-3",
      "db/creds/readonly/lease-4",
      "db/creds/readonly/lease-5",
    ]);
    expect(new Set(leaseEvents("revoked")).size).toBe(5);
    expect(leaseEvents("revoked")).toHaveLength(5);
  });

  it("revokes a replaced lease on close() without waiting for its grace period", async () => {
    client({ leaseGrace: "1h" });
    await secrets.getSecret(REF);
    // Used at 51 s and 102 s (renewed), and at 142 s (at its maximum: re-issued).
    for (const step of [51, 51, 40]) {
      await vi.advanceTimersByTimeAsync(step * S);
      await secrets.getSecret(REF);
      await flush();
    }
    expect(p.issued).toHaveLength(2);
    expect(p.revocations).toEqual([]); // the replaced lease waits for its grace period
    await secrets.close();
    expect(new Set(p.revocations).size).toBe(p.revocations.length);
    expect(p.revocations.sort()).toEqual([...p.issued].sort());
  });

  it("never revokes a lease twice, whatever the order of drops", async () => {
    client();
    await secrets.getSecret(REF);
    secrets.invalidate(REF);
    secrets.invalidate(REF);
    secrets.clear();
    await secrets.close();
    await secrets.close();
    expect(p.revocations).toEqual(["db/creds/readonly/lease-1"]);
    expect(leaseEvents("revoked")).toEqual(["db/creds/readonly/lease-1"]);
  });

  it("shares one entry, so one lease, between getSecret and getCredentials of the same path", async () => {
    client();
    const password = await secrets.getSecret(REF);
    const creds = (await secrets.getCredentials("leasing", { path: "db/creds/readonly" })) as {
      username: string;
      password: string;
    };
    expect(creds.password).toBe(password);
    expect(p.issued).toHaveLength(1);
    // And the other way round, from a cold cache.
    secrets.clear();
    await secrets.getCredentials("leasing", { path: "db/creds/writer" });
    await secrets.getSecret("lease://db/creds/writer#username");
    expect(p.issued).toHaveLength(2);
  });

  it("names the provider's label in credentials events, never a request field", async () => {
    client();
    await secrets.getCredentials("leasing", {
      path: "db/creds/readonly",
      secret_id: "sid-c0ffee-5ecret",
    });
    const text = JSON.stringify(events);
    expect(text).not.toContain("sid-c0ffee-5ecret");
    for (const v of p.values) expect(text).not.toContain(v);
  });
});

describe("load() on a provider without a batch read", () => {
  it("reads each reference through the cache, so an entry past maxAge renews its lease", async () => {
    client({ maxAge: "30s" });
    const spec = { A: "lease://db/creds/a#password", B: "lease://db/creds/b#password" };
    await secrets.load(spec);
    expect(p.issued).toEqual(["db/creds/a/lease-1", "db/creds/b/lease-2"]);
    // The cache entries end at maxAge (30 s) while the leases (60 s) still run.
    await vi.advanceTimersByTimeAsync(31 * S);
    await secrets.load(spec);
    expect(p.renewals.sort()).toEqual(["db/creds/a/lease-1", "db/creds/b/lease-2"]);
    expect(p.issued).toHaveLength(2);
  });
});
