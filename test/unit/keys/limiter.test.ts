import { randomUUID } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { createKeyLimiter, currentPeriod } from "../../../src/keys/limits/limiter.js";
import { redisStore } from "../../../src/keys/limits/store.js";

const id = () => `key_${randomUUID()}`;

describe("key limiter (memory store)", () => {
  it("limits per key: each key has its own budget, refusals carry Retry-After", async () => {
    const limiter = createKeyLimiter({ limits: [{ by: "key", points: 3, per: 60 }] });
    const a = id();
    const b = id();
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await limiter.consume({ keyId: a }));
    expect(decisions.slice(0, 3).every((d) => d.allowed)).toBe(true);
    expect(decisions[0]).toEqual({ allowed: true, remaining: 2 });
    const refused = decisions[3];
    expect(refused).toMatchObject({ allowed: false, reason: "rate-limited", rule: "r-key-60" });
    if (refused?.allowed !== false) throw new Error("unreachable");
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(59);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect((await limiter.consume({ keyId: b })).allowed).toBe(true);
  });

  it("limits per scope across keys, and per key and scope", async () => {
    const limiter = createKeyLimiter({
      limits: [
        { by: "scope", points: 2, per: 60, scopes: ["export"] },
        { by: "key-scope", points: 1, per: 60, scopes: ["write"] },
      ],
    });
    const a = id();
    const b = id();
    expect((await limiter.consume({ keyId: a, scope: "export" })).allowed).toBe(true);
    expect((await limiter.consume({ keyId: b, scope: "export" })).allowed).toBe(true);
    // The third export by anyone is refused: the budget is the scope's.
    expect(await limiter.consume({ keyId: id(), scope: "export" })).toMatchObject({
      allowed: false,
      rule: "r-scope-60",
    });
    expect((await limiter.consume({ keyId: a, scope: "write" })).allowed).toBe(true);
    expect((await limiter.consume({ keyId: a, scope: "write" })).allowed).toBe(false);
    expect((await limiter.consume({ keyId: b, scope: "write" })).allowed).toBe(true);
    // Rules with a scope filter do not apply to other scopes (nor to requests with none).
    for (let i = 0; i < 5; i++) expect((await limiter.consume({ keyId: a })).allowed).toBe(true);
  });

  it("a short window opens again once it has passed", async () => {
    const limiter = createKeyLimiter({ limits: [{ by: "key", points: 1, per: 1 }] });
    const a = id();
    expect((await limiter.consume({ keyId: a })).allowed).toBe(true);
    expect(await limiter.consume({ keyId: a })).toMatchObject({
      allowed: false,
      retryAfterSeconds: 1,
    });
    await new Promise((r) => setTimeout(r, 1100));
    expect((await limiter.consume({ keyId: a })).allowed).toBe(true);
  });

  it("daily quotas reset at UTC midnight (injected clock), Retry-After is the time left", async () => {
    let now = Date.UTC(2026, 11, 1, 23, 59, 0);
    const limiter = createKeyLimiter({
      quotas: [{ by: "key", points: 2, per: "day" }],
      now: () => now,
    });
    const a = id();
    expect((await limiter.consume({ keyId: a })).allowed).toBe(true);
    expect((await limiter.consume({ keyId: a })).allowed).toBe(true);
    expect(await limiter.consume({ keyId: a })).toEqual({
      allowed: false,
      reason: "quota",
      retryAfterSeconds: 60,
      rule: "q-key-day",
    });
    now += 60_000; // 00:00 on the 2nd: a new day
    expect((await limiter.consume({ keyId: a })).allowed).toBe(true);
  });

  it("monthly quotas reset on the 1st", async () => {
    let now = Date.UTC(2026, 1, 27, 12);
    const limiter = createKeyLimiter({
      quotas: [{ by: "key", points: 1, per: "month" }],
      now: () => now,
    });
    const a = id();
    expect((await limiter.consume({ keyId: a })).allowed).toBe(true);
    now = Date.UTC(2026, 1, 28, 23, 0);
    expect(await limiter.consume({ keyId: a })).toMatchObject({
      allowed: false,
      reason: "quota",
      retryAfterSeconds: 3600,
    });
    now = Date.UTC(2026, 2, 1, 0, 0, 1);
    expect((await limiter.consume({ keyId: a })).allowed).toBe(true);
  });

  it("a monthly quota holds early in a long month (windows over 24.8 days, beyond a Node timer)", async () => {
    // On the 1st of a 31-day month the window is 31 days: more than setTimeout can hold. The
    // library's memory storage then expires the counter after 1 ms, and the quota never held.
    const now = Date.UTC(2026, 11, 1, 0, 0, 5);
    const limiter = createKeyLimiter({
      quotas: [{ by: "key", points: 1, per: "month" }],
      now: () => now,
    });
    const a = id();
    expect((await limiter.consume({ keyId: a })).allowed).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    expect(await limiter.consume({ keyId: a })).toMatchObject({ allowed: false, reason: "quota" });
  });

  it("sweeps those untimed counters once their period is over", async () => {
    const { RateLimiterMemory } = await import("rate-limiter-flexible");
    const deleted = vi.spyOn(RateLimiterMemory.prototype, "delete");
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      let now = Date.UTC(2026, 11, 1, 0, 0, 5);
      const limiter = createKeyLimiter({
        quotas: [{ by: "key", points: 5, per: "month" }],
        now: () => now,
      });
      const a = id();
      await limiter.consume({ keyId: a });
      now = Date.UTC(2027, 0, 2);
      vi.setSystemTime(Date.now() + 61_000); // sweeps run at most once a minute
      await limiter.consume({ keyId: id() });
      expect(deleted.mock.calls.map((c) => c[0])).toEqual([`k:${a}|2026-12`]);
    } finally {
      vi.useRealTimers();
      deleted.mockRestore();
    }
  });

  it("rate limits are checked before quotas, and a refusal names its rule", async () => {
    const limiter = createKeyLimiter({
      limits: [{ by: "key", points: 1, per: 60, name: "burst" }],
      quotas: [{ by: "key", points: 100, per: "day", name: "daily" }],
    });
    const a = id();
    await limiter.consume({ keyId: a });
    expect(await limiter.consume({ keyId: a })).toMatchObject({
      reason: "rate-limited",
      rule: "burst",
    });
  });

  it("rejects rules that cannot work", () => {
    expect(() => createKeyLimiter({ limits: [{ by: "key", points: 0, per: 1 }] })).toThrow(
      /points/,
    );
    expect(() => createKeyLimiter({ limits: [{ by: "key", points: 1, per: 0.5 }] })).toThrow(/per/);
    expect(() =>
      createKeyLimiter({
        limits: [
          { by: "key", points: 1, per: 1 },
          { by: "key", points: 2, per: 1 },
        ],
      }),
    ).toThrow(/name them/);
  });
});

describe("key limiter: a store that fails", () => {
  // A client whose every call fails: stands in for a broken Redis without a server (the real
  // Redis cases are in test/integration/keys/).
  const broken = () =>
    redisStore({
      client: {
        status: "ready",
        multi: () => {
          throw new Error("down");
        },
        quit: async () => "OK",
        disconnect: () => {},
        // rate-limiter-flexible calls its Lua script through ioredis's defineCommand.
        defineCommand() {},
        rlflxIncr: (..._args: unknown[]) => Promise.reject(new Error("connection is closed")),
      } as never,
    });

  it("fails open by default, reporting the error", async () => {
    const errors: unknown[] = [];
    const limiter = createKeyLimiter({
      store: broken(),
      limits: [{ by: "key", points: 1, per: 60 }],
      onStoreError: (e) => errors.push(e),
    });
    expect(await limiter.consume({ keyId: id() })).toEqual({ allowed: true, failedOpen: true });
    expect(errors).toHaveLength(1);
  });

  it("fails closed when configured, with Retry-After", async () => {
    const limiter = createKeyLimiter({
      store: broken(),
      whenStoreDown: "closed",
      limits: [{ by: "key", points: 1, per: 60 }],
    });
    expect(await limiter.consume({ keyId: id() })).toEqual({
      allowed: false,
      reason: "unavailable",
      retryAfterSeconds: 1,
    });
  });
});

describe("currentPeriod", () => {
  it("names the UTC day and month and counts the seconds left", () => {
    expect(currentPeriod("day", Date.UTC(2026, 11, 31, 23, 0))).toEqual({
      label: "2026-12-31",
      secondsLeft: 3600,
    });
    expect(currentPeriod("month", Date.UTC(2026, 11, 31, 23, 0))).toEqual({
      label: "2026-12",
      secondsLeft: 3600,
    });
  });
});
