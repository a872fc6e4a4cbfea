// @stand-ins: redis, toxiproxy
// The API-key limiter on a real Redis: a limit holds across 4 processes sharing it, and a Redis
// that stops answering (a Toxiproxy fault: black hole, latency above the time limit, reset
// connections) fails open or closed as configured, loudly: events counted per outage.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withApiKey } from "../../../src/keys/http/index.js";
import { createKeyring } from "../../../src/keys/keyring.js";
import {
  createKeyLimiter,
  type KeyLimiter,
  type LimitDecision,
} from "../../../src/keys/limits/limiter.js";
import { redisStore } from "../../../src/keys/limits/store.js";
import type { KeyEvent, LimiterStoreEvent } from "../../../src/keys/types.js";
import { standIn } from "../../support/stand-ins.js";
import { proxyTo, type ToxiProxy } from "../../support/toxiproxy.js";

const CHILD = fileURLToPath(new URL("./limiter-child.ts", import.meta.url));

interface Tally {
  allowed: number;
  limited: number;
  other: number;
  retryAfter: number[];
}

/** Starts one fleet instance; resolves once it is connected and waiting for "go". */
function startInstance(url: string, keyId: string, attempts: number, points: number) {
  const child = spawn(process.execPath, [CHILD, url, keyId, String(attempts), String(points)], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const lines = createInterface({ input: child.stdout });
  const it = lines[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const r = await it.next();
    if (r.done) throw new Error(`fleet instance ${child.pid} ended early:\n${stderr}`);
    return r.value;
  };
  return {
    pid: child.pid,
    ready: next().then((l) => expect(l).toBe("ready")),
    go: () => child.stdin.end("go\n"),
    result: async (): Promise<Tally> => JSON.parse(await next()) as Tally,
    exited: new Promise<number | null>((r) => child.on("exit", (code) => r(code))),
  };
}

describe("key limiter on Redis", () => {
  const redis = standIn("redis");

  it("a limit holds across 4 processes sharing one Redis", async () => {
    const keyId = `key_${randomUUID()}`;
    const points = 50;
    const fleet = Array.from({ length: 4 }, () => startInstance(redis.url, keyId, 40, points));
    await Promise.all(fleet.map((f) => f.ready));
    for (const f of fleet) f.go();
    const tallies = await Promise.all(fleet.map((f) => f.result()));
    expect(await Promise.all(fleet.map((f) => f.exited))).toEqual([0, 0, 0, 0]);
    // 160 attempts against one budget of 50: exactly 50 pass, wherever they land.
    expect(tallies.reduce((n, t) => n + t.allowed, 0)).toBe(points);
    expect(tallies.reduce((n, t) => n + t.limited, 0)).toBe(160 - points);
    expect(tallies.every((t) => t.other === 0)).toBe(true);
    // Refusals carry the window's remaining time, in whichever instance they happened.
    for (const t of tallies) {
      expect(t.allowed + t.limited).toBe(40);
      for (const s of t.retryAfter) expect(s).toBeGreaterThanOrEqual(58);
    }
  });

  it("quotas on Redis roll over with the calendar (injected clock) and carry Retry-After", async () => {
    let now = Date.UTC(2026, 11, 31, 23, 59, 30);
    const store = redisStore({ url: redis.url });
    const limiter = createKeyLimiter({
      store,
      quotas: [{ by: "key", points: 2, per: "month" }],
      now: () => now,
    });
    const keyId = `key_${randomUUID()}`;
    try {
      expect((await limiter.consume({ keyId })).allowed).toBe(true);
      expect((await limiter.consume({ keyId })).allowed).toBe(true);
      expect(await limiter.consume({ keyId })).toEqual({
        allowed: false,
        reason: "quota",
        retryAfterSeconds: 30,
        rule: "q-key-month",
      });
      now = Date.UTC(2027, 0, 1, 0, 0, 1); // January: a new period, a new counter
      expect((await limiter.consume({ keyId })).allowed).toBe(true);
    } finally {
      await store.close();
    }
  });

  describe("when Redis stops answering (Toxiproxy)", () => {
    let proxy: ToxiProxy;
    let proxyUrl: string;
    beforeAll(async () => {
      proxy = await proxyTo(`http://${redis.host}:${redis.port}`);
      proxyUrl = proxy.url.replace(/^http:/, "redis:");
    });
    afterAll(async () => {
      await proxy.close();
    });

    for (const mode of ["open", "closed"] as const) {
      it(`fails ${mode} as configured, within the store's time limit, and recovers`, async () => {
        await proxy.heal();
        const store = redisStore({ url: proxyUrl, timeoutMs: 200 });
        const errors: unknown[] = [];
        const limiter = createKeyLimiter({
          store,
          limits: [{ by: "key", points: 2, per: 60 }],
          whenStoreDown: mode,
          onStoreError: (e) => errors.push(e),
        });
        const keyId = `key_${randomUUID()}`;
        try {
          expect((await limiter.consume({ keyId })).allowed).toBe(true);
          expect((await limiter.consume({ keyId })).allowed).toBe(true);
          expect(await limiter.consume({ keyId })).toMatchObject({ reason: "rate-limited" });

          // Black hole: the connection stays open, nothing answers.
          await proxy.blackHole();
          const t0 = performance.now();
          const during = await limiter.consume({ keyId });
          expect(performance.now() - t0).toBeLessThan(1000);
          expect(during).toEqual(
            mode === "open"
              ? { allowed: true, failedOpen: true }
              : { allowed: false, reason: "unavailable", retryAfterSeconds: 1 },
          );
          expect(errors.length).toBeGreaterThan(0);

          // Down: connections refused, the client reconnecting.
          await proxy.heal();
          await proxy.down();
          const t1 = performance.now();
          expect((await limiter.consume({ keyId })).allowed).toBe(mode === "open");
          expect(performance.now() - t1).toBeLessThan(1000);

          // Back: the counter kept in Redis still refuses this key (the budget was spent).
          await proxy.up();
          const until = Date.now() + 10_000;
          let back = await limiter.consume({ keyId });
          while (!(!back.allowed && back.reason === "rate-limited") && Date.now() < until) {
            await new Promise((r) => setTimeout(r, 200));
            back = await limiter.consume({ keyId });
          }
          expect(back).toMatchObject({ allowed: false, reason: "rate-limited" });
        } finally {
          await store.close();
        }
      });
    }
  });
});

describe("a limiter store outage is loud (Redis through Toxiproxy)", () => {
  const redis = standIn("redis");
  let proxy: ToxiProxy;
  let proxyUrl: string;
  beforeAll(async () => {
    proxy = await proxyTo(`http://${redis.host}:${redis.port}`);
    proxyUrl = proxy.url.replace(/^http:/, "redis:");
  });
  afterAll(async () => {
    await proxy.close();
  });

  /** Consumes until `want` holds or 10 s pass (a reconnect takes up to the retry delay). */
  async function until(limiter: KeyLimiter, keyId: string, want: (d: LimitDecision) => boolean) {
    const deadline = Date.now() + 10_000;
    let d = await limiter.consume({ keyId });
    while (!want(d) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      d = await limiter.consume({ keyId });
    }
    return d;
  }

  const faults: [string, (p: ToxiProxy) => Promise<void>][] = [
    ["a black hole", (p) => p.blackHole()],
    ["300 ms of latency (slower than the 250 ms time limit)", (p) => p.latency(300)],
    ["reset connections", (p) => p.resetPeer()],
  ];

  for (const mode of ["open", "closed"] as const) {
    it(`fails ${mode}: one limiter-store-down per outage, one limiter-store-up per recovery, for each fault`, async () => {
      await proxy.heal();
      const store = redisStore({ url: proxyUrl }); // the default 250 ms time limit
      const events: LimiterStoreEvent[] = [];
      const limiter = createKeyLimiter({
        store,
        limits: [{ by: "key", points: 1000, per: 60 }],
        whenStoreDown: mode,
        onEvent: (e) => events.push(e),
      });
      const keyId = `key_${randomUUID()}`;
      try {
        expect(await limiter.consume({ keyId })).toMatchObject({ allowed: true });
        let outages = 0;
        for (const [name, fault] of faults) {
          await fault(proxy);
          for (let i = 0; i < 3; i++) {
            const t0 = performance.now();
            const d = await limiter.consume({ keyId });
            expect(performance.now() - t0, name).toBeLessThan(1500);
            expect(d, name).toEqual(
              mode === "open"
                ? { allowed: true, failedOpen: true }
                : { allowed: false, reason: "unavailable", retryAfterSeconds: 1 },
            );
          }
          outages++;
          expect(
            events.filter((e) => e.type === "limiter-store-down"),
            name,
          ).toHaveLength(outages);
          await proxy.heal();
          const back = await until(limiter, keyId, (d) => d.allowed && !d.failedOpen);
          expect(back, name).toMatchObject({ allowed: true });
          expect(back, name).not.toHaveProperty("failedOpen");
          await limiter.consume({ keyId });
          expect(
            events.filter((e) => e.type === "limiter-store-up"),
            name,
          ).toHaveLength(outages);
        }
        expect(events.map((e) => e.type)).toEqual(
          faults.flatMap(() => ["limiter-store-down", "limiter-store-up"]),
        );
        for (const e of events) expect(e).toMatchObject({ store: "redis", whenStoreDown: mode });
        expect(events[1]?.downForMs).toBeGreaterThan(0);
      } finally {
        await store.close();
      }
    });
  }

  it("without a listener, each outage is one process warning", async () => {
    await proxy.heal();
    const warnings: Error[] = [];
    const onWarning = (w: Error) => {
      if ((w as { code?: string }).code === "SECRETS_LOADER_LIMITER_STORE_DOWN") warnings.push(w);
    };
    process.on("warning", onWarning);
    const store = redisStore({ url: proxyUrl, timeoutMs: 200 });
    const limiter = createKeyLimiter({ store, limits: [{ by: "key", points: 1000, per: 60 }] });
    const keyId = `key_${randomUUID()}`;
    try {
      await limiter.consume({ keyId });
      await proxy.blackHole();
      for (let i = 0; i < 5; i++) await limiter.consume({ keyId });
      await proxy.heal();
      await until(limiter, keyId, (d) => d.allowed && !d.failedOpen);
      await proxy.blackHole();
      for (let i = 0; i < 5; i++) await limiter.consume({ keyId });
      await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
      expect(warnings).toHaveLength(2);
      expect(warnings[0]?.message).toMatch(/store is down .*let through without limits/);
    } finally {
      process.off("warning", onWarning);
      await proxy.heal();
      await store.close();
    }
  });

  for (const mode of ["open", "closed"] as const) {
    it(`through the http adapter: ${mode === "open" ? '200 with limits: "skipped"' : "503 unavailable"} in the one key-used event`, async () => {
      await proxy.heal();
      const store = redisStore({ url: proxyUrl, timeoutMs: 200 });
      const events: KeyEvent[] = [];
      const onEvent = (e: KeyEvent) => events.push(e);
      const keyring = createKeyring({ pepper: `pepper-${randomUUID()}-${randomUUID()}`, onEvent });
      const { key, record } = await keyring.issueKey({ prefix: "kltest_", scopes: [] });
      const limiter = createKeyLimiter({
        store,
        limits: [{ by: "key", points: 5, per: 60 }],
        whenStoreDown: mode,
        onEvent,
      });
      const server = createServer(
        withApiKey(
          { keyring, lookup: (h) => (h === record.hash ? record : null), limiter, onEvent },
          (_q, res) => res.end("ok"),
        ),
      );
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/items`;
      try {
        expect((await fetch(url, { headers: { authorization: `Bearer ${key}` } })).status).toBe(
          200,
        );
        await proxy.blackHole();
        events.length = 0;
        const statuses: number[] = [];
        for (let i = 0; i < 8; i++) {
          const res = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
          statuses.push(res.status);
          await res.arrayBuffer();
        }
        expect(statuses).toEqual(Array(8).fill(mode === "open" ? 200 : 503));
        const used = events.filter((e) => e.type === "key-used");
        expect(used).toHaveLength(8); // one per request
        for (const e of used) {
          expect(e).toMatchObject(
            mode === "open" ? { result: "ok", limits: "skipped" } : { result: "unavailable" },
          );
        }
        expect(events.filter((e) => e.type === "limiter-store-down")).toHaveLength(1);
      } finally {
        server.closeAllConnections();
        await new Promise((r) => server.close(r));
        await proxy.heal();
        await store.close();
      }
    });
  }
});
