import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Secrets, SecretsOptions } from "../../src/api.js";
import {
  AccessDeniedError,
  ClientClosedError,
  NotFoundError,
  SecretsError,
  UnavailableError,
} from "../../src/errors.js";
import type { SecretsEvent } from "../../src/events.js";
import { createSecrets } from "../../src/index.js";
import { deferred, type ScriptedProvider, scriptedProvider } from "../support/fake-provider.js";

const MIN = 60_000;
let fake: ScriptedProvider;
let secrets: Secrets;
let events: SecretsEvent[];

function client(cache: SecretsOptions["cache"] = {}) {
  fake = scriptedProvider();
  events = [];
  secrets = createSecrets({
    providers: { fake },
    builtins: false,
    cache,
    onEvent: (e) => events.push(e),
  });
  return secrets;
}

const types = () => events.map((e) => e.type);
const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

beforeEach(() => {
  vi.useFakeTimers({ now: new Date("2026-11-28T00:00:00Z") });
});
afterEach(async () => {
  await secrets?.close();
  vi.useRealTimers();
});

describe("miss, fetch, hit", () => {
  it("fetches once and serves fresh hits from the cache", async () => {
    client({ maxAge: "5m" });
    fake.script("a", { value: "v1", version: "1" });
    expect(await secrets.getSecret("fake://a")).toBe("v1");
    expect(await secrets.getSecret("fake://a")).toBe("v1");
    expect(fake.calls).toEqual(["fake://a"]);
    expect(types()).toEqual(["miss", "fetch", "hit"]);
    expect(events[1]).toMatchObject({
      type: "fetch",
      reason: "miss",
      version: "1",
      expiresAt: Date.now() + 5 * MIN,
    });
  });

  it("refetches after maxAge", async () => {
    client({ maxAge: "5m", refreshAhead: 0 });
    fake.script("a", { value: "v1" }, { value: "v2" });
    await secrets.getSecret("fake://a");
    vi.advanceTimersByTime(5 * MIN);
    expect(await secrets.getSecret("fake://a")).toBe("v2");
    expect(fake.calls).toHaveLength(2);
    expect(
      events.filter((e) => e.type === "fetch").map((e) => e.type === "fetch" && e.reason),
    ).toEqual(["miss", "expired"]);
  });

  it("uses the provider's expiry when it is earlier than maxAge", async () => {
    client({ maxAge: "1h", refreshAhead: 0 });
    fake.script("a", { value: "v1", expiresAt: Date.now() + 30_000 }, { value: "v2" });
    await secrets.getSecret("fake://a");
    vi.advanceTimersByTime(29_999);
    expect(await secrets.getSecret("fake://a")).toBe("v1");
    vi.advanceTimersByTime(1);
    expect(await secrets.getSecret("fake://a")).toBe("v2");
  });

  it("caps a provider expiry later than maxAge at maxAge for static secrets", async () => {
    client({ maxAge: "1m", refreshAhead: 0 });
    fake.script("a", { value: "v1", expiresAt: Date.now() + 3_600_000 }, { value: "v2" });
    await secrets.getSecret("fake://a");
    vi.advanceTimersByTime(MIN);
    expect(await secrets.getSecret("fake://a")).toBe("v2");
  });
});

describe("cache keys", () => {
  it("shares one fetch between #fields of the same secret", async () => {
    client();
    fake.script("db", { value: JSON.stringify({ user: "app", password: "pw-1234" }) });
    const [user, password] = await Promise.all([
      secrets.getSecret("fake://db#user"),
      secrets.getSecret("fake://db#password"),
    ]);
    expect([user, password]).toEqual(["app", "pw-1234"]);
    expect(fake.calls).toHaveLength(1);
  });

  it("keeps versions and stages apart, and ignores option order", async () => {
    client();
    fake.script("db", { value: "current" });
    await secrets.getSecret("fake://db");
    await secrets.getSecret("fake://db?stage=previous");
    await secrets.getSecret("fake://db?stage=previous");
    expect(fake.calls).toEqual(["fake://db", "fake://db?stage=previous"]);
  });

  it("caches each value type separately but from one fetch", async () => {
    client();
    fake.script("cfg", { value: '{"n":1}' });
    expect(await secrets.getSecret("fake://cfg", { type: "json" })).toEqual({ n: 1 });
    expect(await secrets.getSecret("fake://cfg")).toBe('{"n":1}');
    expect(fake.calls).toHaveLength(1);
  });
});

describe("single flight", () => {
  it("makes one provider call for 1,000 concurrent cold requests", async () => {
    client();
    const gate = deferred();
    fake.script("a", { hold: gate.promise, after: { value: "v1" } });
    const all = Array.from({ length: 1000 }, () => secrets.getSecret("fake://a"));
    await flush();
    gate.release();
    expect(new Set(await Promise.all(all))).toEqual(new Set(["v1"]));
    expect(fake.calls).toHaveLength(1);
  });

  it("hands one failure to every waiter and does not cache it", async () => {
    client();
    const gate = deferred();
    fake.script(
      "a",
      { hold: gate.promise, after: { error: new UnavailableError({ provider: "fake" }) } },
      { value: "v2" },
    );
    const all = Array.from({ length: 10 }, () =>
      secrets.getSecret("fake://a").catch((e: unknown) => e),
    );
    await flush();
    gate.release();
    const results = await Promise.all(all);
    expect(results.every((r) => SecretsError.is(r, "UNAVAILABLE"))).toBe(true);
    expect(fake.calls).toHaveLength(1);
    expect(await secrets.getSecret("fake://a")).toBe("v2");
  });
});

describe("refresh ahead", () => {
  it("serves the current value and refreshes once in the background near expiry", async () => {
    client({ maxAge: "10m", refreshAhead: 0.1 });
    const gate = deferred();
    fake.script("a", { value: "v1" }, { hold: gate.promise, after: { value: "v2" } });
    await secrets.getSecret("fake://a");
    vi.advanceTimersByTime(9 * MIN + 1); // inside the last 10%
    expect(await secrets.getSecret("fake://a")).toBe("v1");
    expect(await secrets.getSecret("fake://a")).toBe("v1");
    expect(fake.calls).toHaveLength(2); // one background refresh, not two
    expect(types()).toContain("refresh");
    gate.release();
    await flush();
    expect(await secrets.getSecret("fake://a")).toBe("v2");
    expect(events.find((e) => e.type === "fetch" && e.reason === "refresh")).toBeDefined();
  });

  it("keeps serving until expiry when the refresh fails, with backoff between retries", async () => {
    client({ maxAge: "10m", refreshAhead: 0.5, maxStale: 0 });
    fake.script("a", { value: "v1" }, { error: new UnavailableError({ provider: "fake" }) });
    await secrets.getSecret("fake://a");
    vi.advanceTimersByTime(6 * MIN);
    expect(await secrets.getSecret("fake://a")).toBe("v1");
    await flush();
    expect(fake.calls).toHaveLength(2);
    expect(events.some((e) => e.type === "error" && e.code === "UNAVAILABLE")).toBe(true);
    expect(await secrets.getSecret("fake://a")).toBe("v1"); // within backoff: no new call
    expect(fake.calls).toHaveLength(2);
    vi.advanceTimersByTime(1000);
    expect(await secrets.getSecret("fake://a")).toBe("v1");
    await flush();
    expect(fake.calls).toHaveLength(3);
  });
});

describe("stale on error (static secrets)", () => {
  it("serves the last value up to maxStale when a refresh fails after expiry, then fails", async () => {
    client({ maxAge: "5m", refreshAhead: 0, maxStale: "10m" });
    const down = new UnavailableError({ provider: "fake", message: "provider down" });
    fake.script("a", { value: "v1" }, { error: down });
    await secrets.getSecret("fake://a");
    vi.advanceTimersByTime(5 * MIN);
    expect(await secrets.getSecret("fake://a")).toBe("v1");
    const stale = events.find((e) => e.type === "stale");
    expect(stale).toMatchObject({
      type: "stale",
      code: "UNAVAILABLE",
      staleUntil: Date.now() + 10 * MIN,
    });
    const callsAfterFirstFailure = fake.calls.length;
    // While failing, answers come at once from the stale value; retries wait for the backoff.
    expect(await secrets.getSecret("fake://a")).toBe("v1");
    expect(fake.calls.length).toBe(callsAfterFirstFailure);
    vi.advanceTimersByTime(10 * MIN);
    await expect(secrets.getSecret("fake://a")).rejects.toBe(down);
    expect(events.some((e) => e.type === "evict" && e.reason === "expired")).toBe(true);
  });

  it("recovers when the provider comes back", async () => {
    client({ maxAge: "5m", refreshAhead: 0, maxStale: "1h" });
    fake.script("a", { value: "v1" }, { error: new UnavailableError() }, { value: "v2" });
    await secrets.getSecret("fake://a");
    vi.advanceTimersByTime(5 * MIN);
    expect(await secrets.getSecret("fake://a")).toBe("v1");
    vi.advanceTimersByTime(2000);
    expect(await secrets.getSecret("fake://a")).toBe("v1"); // served stale, retry starts behind it
    await flush();
    expect(await secrets.getSecret("fake://a")).toBe("v2");
  });

  it("does not serve stale when maxStale is 0", async () => {
    client({ maxAge: "5m", refreshAhead: 0, maxStale: 0 });
    fake.script("a", { value: "v1" }, { error: new UnavailableError() });
    await secrets.getSecret("fake://a");
    vi.advanceTimersByTime(5 * MIN);
    await expect(secrets.getSecret("fake://a")).rejects.toBeInstanceOf(UnavailableError);
  });

  it("does not serve stale a value its provider marked staleOnError: false", async () => {
    client({ maxAge: "5m", refreshAhead: 0, maxStale: "1h" });
    fake.script("once", { value: "v1", staleOnError: false }, { error: new UnavailableError() });
    await secrets.getSecret("fake://once");
    vi.advanceTimersByTime(5 * MIN);
    await expect(secrets.getSecret("fake://once")).rejects.toBeInstanceOf(UnavailableError);
    expect(types()).not.toContain("stale");
  });

  it("never serves a value past the provider's own expiry", async () => {
    client({ maxAge: "1h", refreshAhead: 0, maxStale: "1h" });
    fake.script(
      "lease",
      { value: "v1", expiresAt: Date.now() + MIN },
      { error: new UnavailableError() },
    );
    await secrets.getSecret("fake://lease");
    vi.advanceTimersByTime(MIN);
    await expect(secrets.getSecret("fake://lease")).rejects.toBeInstanceOf(UnavailableError);
  });

  it.each([
    ["not found", () => new NotFoundError()],
    ["access denied", () => new AccessDeniedError()],
  ])(
    "never serves a value stale after %s: the secret is gone or no longer ours",
    async (_, error) => {
      client({ maxAge: "1m", refreshAhead: 0, maxStale: "1h" });
      fake.script("a", { value: "v1" }, { error: error() });
      await secrets.getSecret("fake://a");
      vi.advanceTimersByTime(MIN);
      await expect(secrets.getSecret("fake://a")).rejects.toThrow(
        error().constructor as typeof Error,
      );
      expect(events.some((e) => e.type === "stale")).toBe(false);
      expect(events.some((e) => e.type === "evict" && e.reason === "error")).toBe(true);
    },
  );

  it("drops the value when a refresh ahead of expiry says access was revoked", async () => {
    client({ maxAge: "10m", refreshAhead: 0.5 });
    fake.script("a", { value: "v1" }, { error: new AccessDeniedError() }, { value: "v2" });
    await secrets.getSecret("fake://a");
    vi.advanceTimersByTime(6 * MIN);
    expect(await secrets.getSecret("fake://a")).toBe("v1"); // starts the refresh
    await flush();
    expect(events.some((e) => e.type === "evict" && e.reason === "error")).toBe(true);
    expect(await secrets.getSecret("fake://a")).toBe("v2"); // fetched anew, not served from the dropped entry
  });

  it("answers from the stale value at once while a slow retry is in flight", async () => {
    client({ maxAge: "5m", refreshAhead: 0, maxStale: "1h" });
    const gate = deferred();
    fake.script(
      "a",
      { value: "v1" },
      { error: new UnavailableError() },
      { hold: gate.promise, after: { value: "v2" } },
    );
    await secrets.getSecret("fake://a");
    vi.advanceTimersByTime(5 * MIN);
    expect(await secrets.getSecret("fake://a")).toBe("v1"); // first failure: stale
    vi.advanceTimersByTime(1000); // backoff over: the next call starts a retry that hangs
    expect(await secrets.getSecret("fake://a")).toBe("v1");
    expect(await secrets.getSecret("fake://a")).toBe("v1"); // does not wait for the hanging retry
    expect(fake.calls).toHaveLength(3);
    const stale = events.filter((e) => e.type === "stale");
    expect(stale.at(-1)).toMatchObject({ code: "UNAVAILABLE", staleForMs: 1000 });
    gate.release();
    await flush();
    expect(await secrets.getSecret("fake://a")).toBe("v2");
  });
});

describe("more transitions", () => {
  it("LRU never evicts the entry it is creating: single flight holds past maxEntries", async () => {
    client({ maxEntries: 1 });
    const gate = deferred();
    fake.script("a", { hold: gate.promise, after: { value: "va" } });
    fake.script("b", { value: "vb" });
    const a = secrets.getSecret("fake://a");
    await flush();
    const bs = await Promise.all([1, 2, 3].map(() => secrets.getSecret("fake://b")));
    expect(bs).toEqual(["vb", "vb", "vb"]);
    expect(await secrets.getSecret("fake://b")).toBe("vb");
    expect(fake.calls.filter((c) => c === "fake://b")).toHaveLength(1);
    gate.release();
    expect(await a).toBe("va");
  });

  it("callers arriving at expiry join a background refresh already running", async () => {
    // A deadline longer than the refresh is held, so the caller joins it.
    fake = scriptedProvider();
    events = [];
    secrets = createSecrets({
      providers: { fake },
      builtins: false,
      timeout: "5m",
      cache: { maxAge: "10m", refreshAhead: 0.1, maxStale: 0 },
      onEvent: (e) => events.push(e),
    });
    const gate = deferred();
    fake.script("a", { value: "v1" }, { hold: gate.promise, after: { value: "v2" } });
    await secrets.getSecret("fake://a");
    vi.advanceTimersByTime(9.5 * MIN);
    expect(await secrets.getSecret("fake://a")).toBe("v1"); // refresh starts
    vi.advanceTimersByTime(MIN); // now expired, refresh still running
    const joined = secrets.getSecret("fake://a");
    gate.release();
    expect(await joined).toBe("v2");
    expect(fake.calls).toHaveLength(2);
  });

  it("invalidate during a background refresh keeps its result out of the cache", async () => {
    client({ maxAge: "10m", refreshAhead: 0.5 });
    const gate = deferred();
    fake.script(
      "a",
      { value: "v1" },
      { hold: gate.promise, after: { value: "v2" } },
      { value: "v3" },
    );
    await secrets.getSecret("fake://a");
    vi.advanceTimersByTime(6 * MIN);
    await secrets.getSecret("fake://a"); // background refresh now held
    secrets.clear();
    gate.release();
    await flush();
    expect(await secrets.getSecret("fake://a")).toBe("v3");
  });

  it("renews a static secret with a provider expiry (a lease) by timer when it was used", async () => {
    client({ maxAge: "1h", refreshAhead: 0.1 });
    const exp = Date.now() + 10 * MIN;
    fake.script(
      "lease",
      { value: "v1", expiresAt: exp, refreshAt: exp - 2 * MIN },
      { value: "v2", expiresAt: exp + 10 * MIN },
    );
    await secrets.getSecret("fake://lease");
    await secrets.getSecret("fake://lease"); // used since the fetch
    await vi.advanceTimersByTimeAsync(8 * MIN); // refreshAt: 2 minutes ahead
    expect(fake.calls).toHaveLength(2);
    expect(await secrets.getSecret("fake://lease")).toBe("v2");
  });

  it("retries a failed credential renewal by timer before expiry", async () => {
    client({ credentialRefreshLead: "5m", refreshAhead: 0 });
    const exp = Date.now() + 60 * MIN;
    fake.script(
      "credentials",
      { value: "t1", expiresAt: exp },
      { error: new UnavailableError() },
      { value: "t2", expiresAt: exp + 60 * MIN },
    );
    await secrets.getCredentials("fake");
    await secrets.getCredentials("fake");
    await vi.advanceTimersByTimeAsync(55 * MIN); // renewal fails
    expect(fake.credentialCalls).toHaveLength(2);
    await secrets.getCredentials("fake"); // still t1, and used again
    await vi.advanceTimersByTimeAsync(1000); // backoff timer retries
    expect(fake.credentialCalls).toHaveLength(3);
    expect(await secrets.getCredentials("fake")).toEqual({ token: "t2" });
  });

  it("emits one hit per call, also when a new #field is shaped from a cached entry", async () => {
    client();
    fake.script("db", { value: '{"a":"1","b":"2"}' });
    await secrets.getSecret("fake://db#a");
    events.length = 0;
    await secrets.getSecret("fake://db#b");
    await secrets.getSecret("fake://db#a");
    expect(types()).toEqual(["hit", "hit"]);
  });

  it("close() during a fetch rejects the waiting caller with CLIENT_CLOSED and caches nothing", async () => {
    client();
    const gate = deferred();
    fake.script("a", { hold: gate.promise, after: { value: "v1" } });
    const pending = secrets.getSecret("fake://a");
    const outcome = pending.then(
      () => "resolved",
      (err: unknown) => (SecretsError.is(err, "CLIENT_CLOSED") ? "closed" : String(err)),
    );
    await flush();
    await secrets.close();
    expect(await outcome).toBe("closed");
    gate.release();
    await flush();
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("credentials", () => {
  it("caches until shortly before expiry and renews before, never after", async () => {
    client({ credentialRefreshLead: "5m", refreshAhead: 0 });
    const exp = Date.now() + 60 * MIN;
    fake.script(
      "credentials",
      { value: "t1", expiresAt: exp, version: "AKID1" },
      { value: "t2", expiresAt: exp + 60 * MIN },
    );
    expect(await secrets.getCredentials("fake", { role: "r" })).toEqual({ token: "t1" });
    expect(await secrets.getCredentials("fake", { role: "r" })).toEqual({ token: "t1" });
    expect(fake.credentialCalls).toHaveLength(1);
    // The timer renews 5 minutes before expiry because the credential was used.
    await vi.advanceTimersByTimeAsync(55 * MIN);
    await flush();
    expect(fake.credentialCalls).toHaveLength(2);
    expect(await secrets.getCredentials("fake", { role: "r" })).toEqual({ token: "t2" });
    const issued = events.filter((e) => e.type === "credentials");
    expect(issued.map((e) => e.type === "credentials" && e.action)).toEqual(["issued", "rotated"]);
  });

  it("does not renew credentials nobody used since the last fetch", async () => {
    client({ credentialRefreshLead: "5m" });
    fake.script("credentials", { value: "t1", expiresAt: Date.now() + 60 * MIN });
    await secrets.getCredentials("fake");
    await vi.advanceTimersByTimeAsync(59 * MIN);
    expect(fake.credentialCalls).toHaveLength(1);
  });

  it("is never served stale: a failed renewal past expiry is an error", async () => {
    client({ credentialRefreshLead: "5m", maxStale: "1h" });
    fake.script(
      "credentials",
      { value: "t1", expiresAt: Date.now() + 10 * MIN },
      { error: new UnavailableError() },
    );
    await secrets.getCredentials("fake");
    vi.advanceTimersByTime(10 * MIN);
    await expect(secrets.getCredentials("fake")).rejects.toBeInstanceOf(UnavailableError);
  });

  it("is never served stale even without a provider expiry", async () => {
    client({ maxAge: "5m", refreshAhead: 0, maxStale: "1h" });
    fake.script("credentials", { value: "t1" }, { error: new UnavailableError() });
    await secrets.getCredentials("fake");
    vi.advanceTimersByTime(5 * MIN);
    await expect(secrets.getCredentials("fake")).rejects.toBeInstanceOf(UnavailableError);
  });

  it("an invalidate during issuance leaves no orphan renewal timer", async () => {
    client();
    const gate = deferred();
    const exp = Date.now() + 60 * MIN;
    fake.script(
      "credentials",
      { hold: gate.promise, after: { value: "old", expiresAt: exp } },
      { value: "new", expiresAt: exp },
    );
    const first = secrets.getCredentials("fake");
    await flush();
    secrets.invalidateCredentials("fake");
    const second = secrets.getCredentials("fake");
    gate.release();
    expect(await first).toEqual({ token: "old" });
    expect(await second).toEqual({ token: "new" });
    expect(vi.getTimerCount()).toBe(1);
  });

  it("keys credentials by request, ignoring key order", async () => {
    client();
    fake.script("credentials", { value: "t", expiresAt: Date.now() + 60 * MIN });
    await secrets.getCredentials("fake", { a: 1, b: 2 });
    await secrets.getCredentials("fake", { b: 2, a: 1 });
    await secrets.getCredentials("fake", { a: 2 });
    expect(fake.credentialCalls).toHaveLength(2);
    expect(secrets.invalidateCredentials("fake")).toBe(2);
  });

  it("shares one call between 1,000 concurrent cold requests", async () => {
    client();
    fake.script("credentials", { value: "t", expiresAt: Date.now() + 60 * MIN });
    await Promise.all(
      Array.from({ length: 1000 }, () => secrets.getCredentials("fake", { role: "r" })),
    );
    expect(fake.credentialCalls).toHaveLength(1);
  });
});

describe("LRU bound, invalidate, clear", () => {
  it("evicts the least recently used entry beyond maxEntries", async () => {
    client({ maxEntries: 2 });
    fake.script("*", { value: "v" });
    await secrets.getSecret("fake://a");
    await secrets.getSecret("fake://b");
    await secrets.getSecret("fake://a"); // a is now newer than b
    await secrets.getSecret("fake://c");
    expect(events.filter((e) => e.type === "evict")).toMatchObject([
      { reference: "fake://b", reason: "lru" },
    ]);
    await secrets.getSecret("fake://a");
    expect(fake.calls).toEqual(["fake://a", "fake://b", "fake://c"]);
  });

  it("invalidate() forces the next call to fetch", async () => {
    client();
    fake.script("a", { value: "v1" }, { value: "v2" });
    await secrets.getSecret("fake://a#x".replace("#x", ""));
    expect(secrets.invalidate("fake://a#anything")).toBe(true);
    expect(await secrets.getSecret("fake://a")).toBe("v2");
    expect(secrets.invalidate("fake://never")).toBe(false);
  });

  it("a concurrent invalidate during a fetch keeps the old result out of the cache", async () => {
    client();
    const gate = deferred();
    fake.script("a", { hold: gate.promise, after: { value: "old" } }, { value: "new" });
    const first = secrets.getSecret("fake://a");
    await flush();
    secrets.invalidate("fake://a");
    const second = secrets.getSecret("fake://a"); // must not join the invalidated fetch
    gate.release();
    expect(await first).toBe("old");
    expect(await second).toBe("new");
    expect(await secrets.getSecret("fake://a")).toBe("new");
    expect(fake.calls).toHaveLength(2);
  });

  it("clear() empties everything", async () => {
    client();
    fake.script("*", { value: "v" });
    await secrets.getSecret("fake://a");
    await secrets.getSecret("fake://b");
    secrets.clear();
    await secrets.getSecret("fake://a");
    expect(fake.calls).toHaveLength(3);
    expect(events.filter((e) => e.type === "evict" && e.reason === "clear")).toHaveLength(2);
  });
});

describe("close", () => {
  it("stops every timer, closes providers and refuses later calls", async () => {
    client();
    fake.script("credentials", { value: "t", expiresAt: Date.now() + 60 * MIN });
    await secrets.getCredentials("fake");
    expect(vi.getTimerCount()).toBe(1);
    await secrets.close();
    expect(vi.getTimerCount()).toBe(0);
    expect(fake.closed).toBe(1);
    await expect(secrets.getSecret("fake://a")).rejects.toBeInstanceOf(ClientClosedError);
    await expect(secrets.getCredentials("fake")).rejects.toBeInstanceOf(ClientClosedError);
    await secrets.close(); // idempotent
    expect(fake.closed).toBe(1);
  });
});

describe("settings", () => {
  it.each([
    [{ maxAge: "five minutes" }, /cache.maxAge/],
    [{ refreshAhead: 1 }, /cache.refreshAhead/],
    [{ maxEntries: 0 }, /cache.maxEntries/],
    [{ maxStale: -1 }, /cache.maxStale/],
  ])("rejects %j", (cache, message) => {
    expect(() => createSecrets({ cache: cache as SecretsOptions["cache"] })).toThrow(message);
  });
});
