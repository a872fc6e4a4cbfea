/**
 * Fault-injection scenarios that every provider runs: latency past the
 * deadline, a connection reset mid-response, a black hole, a bandwidth
 * trickle, the backend down then back up, and a backend that appears after
 * the client started. Each scenario checks that a call answers in bounded
 * time (a value, a stale value with its `stale` event, or a typed
 * `UNAVAILABLE` error; never a hang), that the client recovers once the
 * backend is back, that no rejection goes unhandled, that nothing is left
 * running after `close()`, and that `load()` loses no name.
 *
 * The scenarios drive a real network fault through a {@link FaultInjector}
 * (in this repository's tests: Toxiproxy between the SDK and a stand-in).
 * They take the test runner's functions as an argument, so this module never
 * imports a test runner and works with vitest, jest or any runner with the
 * same shape.
 */

import {
  createSecrets,
  type LoadError,
  type ProviderInput,
  SecretsError,
  type SecretsEvent,
} from "../../index.js";

/**
 * Turns network faults on and off between a provider and its backend.
 * Every method resolves once the fault is in place for new and open
 * connections alike.
 *
 * @example
 * ```ts
 * await faults.latency(2_000); // every answer now takes 2 s longer
 * await expect(secrets.getSecret(ref, { timeout: 300 })).rejects.toThrow();
 * await faults.heal();
 * ```
 */
export interface FaultInjector {
  /** Delay every response by `ms`. */
  latency(ms: number): Promise<void>;
  /** Reset the connection mid-response (after some bytes of the answer). */
  resetPeer(): Promise<void>;
  /** Accept connections and never answer. */
  blackHole(): Promise<void>;
  /** Limit bandwidth to a trickle (KB/s). */
  bandwidth(kbPerSecond: number): Promise<void>;
  /** Backend down: connections are refused. */
  down(): Promise<void>;
  /** Backend back up. */
  up(): Promise<void>;
  /** Remove every fault and bring the backend up. */
  heal(): Promise<void>;
}

/**
 * What the scenarios need from a provider's test: a fresh provider that
 * reaches its backend only through the fault injector, and references that
 * exist there.
 *
 * @example
 * ```ts
 * const fixture: FaultFixture = {
 *   name: "aws",
 *   faults: proxy, // a FaultInjector in front of the backend
 *   provider: () => awsProvider({ endpoint: proxy.url, region: "us-east-1", maxAttempts: 2 }),
 *   present: ["aws-sm://app/a", "aws-sm://app/b", "aws-sm://app/c"],
 * };
 * ```
 */
export interface FaultFixture {
  /** The provider's name, for example `aws`; also the name it is registered under. */
  name: string;
  /** Faults between the provider and its backend. */
  faults: FaultInjector;
  /** A new provider for each client (each scenario closes its client, and with it the provider). */
  provider(): ProviderInput;
  /** At least 3 references that exist in the backend and resolve to a string. */
  present: readonly string[];
}

/**
 * The assertions the scenarios use, typed by shape so that vitest's or jest's
 * `expect` fits without this module importing either.
 *
 * @example
 * ```ts
 * const check: FaultExpect = expect; // from vitest
 * ```
 */
export type FaultExpect = (actual: unknown, message?: string) => FaultAssertion;

/**
 * One assertion chain of a {@link FaultExpect}.
 *
 * @example
 * ```ts
 * const a: FaultAssertion = expect(elapsedMs);
 * a.toBeLessThanOrEqual(700);
 * ```
 */
export interface FaultAssertion {
  /** Strict equality (`Object.is`). */
  toBe(expected: unknown): void;
  /** Deep equality. */
  toEqual(expected: unknown): void;
  /** The array or string contains `item`. */
  toContain(item: unknown): void;
  /** The value is `undefined`. */
  toBeUndefined(): void;
  /** The number is at most `expected`. */
  toBeLessThanOrEqual(expected: number): void;
}

/**
 * The test runner's functions the scenarios register with (vitest's or
 * jest's globals fit as they are).
 *
 * @example
 * ```ts
 * import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
 * faultScenarios({ describe, it, expect, beforeAll, afterAll, beforeEach, afterEach }, fixture);
 * ```
 */
export interface FaultRunner {
  /** Groups tests. */
  describe(name: string, fn: () => void): unknown;
  /** Defines a test with its own timeout. */
  it(name: string, fn: () => Promise<void>, timeout?: number): unknown;
  /** Assertions. */
  expect: FaultExpect;
  /** Runs once before the scenarios. */
  beforeAll(fn: () => unknown, timeout?: number): unknown;
  /** Runs once after the scenarios. */
  afterAll(fn: () => unknown, timeout?: number): unknown;
  /** Runs before each scenario. */
  beforeEach(fn: () => unknown, timeout?: number): unknown;
  /** Runs after each scenario (the faults are healed). */
  afterEach(fn: () => unknown, timeout?: number): unknown;
}

/**
 * The settings every scenario runs with (milliseconds): short deadlines and
 * backoffs keep the suite fast; only slow start-up really waits.
 *
 * @example
 * ```ts
 * const bound = FAULT_TIMINGS.deadline + FAULT_TIMINGS.staleWait + FAULT_TIMINGS.margin;
 * ```
 */
export const FAULT_TIMINGS = {
  /** Client `timeout`: the deadline of every provider call. */
  deadline: 300,
  /** `cache.staleWait`: how long a caller waits on a refresh before it gets the stale value. */
  staleWait: 100,
  /** `cache.maxBackoff`: the longest wait between retries after failures. */
  maxBackoff: 200,
  /** `cache.maxAge`: short, so a value goes stale within a scenario. */
  maxAge: 500,
  /** Allowed on top of every bound, for a busy machine. */
  margin: 300,
  /** When the backend appears in the slow start-up scenario. */
  slowStart: 5_000,
  /** Deadline of the calls made while the backend is healthy (warm-up, recovery). */
  healthy: 5_000,
} as const;

const T = FAULT_TIMINGS;

/** One outcome of a bounded call. */
type Outcome<V> =
  | { kind: "value"; value: V; ms: number }
  | { kind: "error"; error: unknown; ms: number }
  | { kind: "hang"; ms: number };

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Settles `p`, or reports a hang once `limitMs` (plus a grace period) passed.
 * The watchdog timer is cleared, so it never shows as a leaked resource.
 */
async function bounded<V>(p: Promise<V>, limitMs: number): Promise<Outcome<V>> {
  const t0 = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<"hang">((r) => {
    timer = setTimeout(() => r("hang"), limitMs + 2_000);
  });
  try {
    const r = await Promise.race([
      p.then(
        (value) => ({ kind: "value" as const, value }),
        (error: unknown) => ({ kind: "error" as const, error }),
      ),
      hang,
    ]);
    const ms = Math.round(performance.now() - t0);
    return r === "hang" ? { kind: "hang", ms } : { ...r, ms };
  } finally {
    clearTimeout(timer);
  }
}

/** A loggable description of an outcome: codes and timings, never a value. */
function describeOutcome(o: Outcome<unknown>): string {
  if (o.kind === "value") return `a value after ${o.ms} ms`;
  if (o.kind === "hang") return `no answer after ${o.ms} ms (a hang)`;
  const e = o.error;
  if (SecretsError.is(e)) return `${e.name} [${e.code}] after ${o.ms} ms: ${e.message}`;
  return `an untyped ${e instanceof Error ? e.name : typeof e} after ${o.ms} ms`;
}

/** The code of a typed error, or a description of what else was thrown. */
function codeOf(o: Outcome<unknown>): string {
  if (o.kind === "error" && SecretsError.is(o.error)) return o.error.code;
  return describeOutcome(o);
}

/** A client with the scenario settings, recording its events. */
function newClient(fixture: FaultFixture) {
  const events: SecretsEvent[] = [];
  const secrets = createSecrets({
    providers: { [fixture.name]: fixture.provider() },
    builtins: false,
    timeout: T.deadline,
    cache: { staleWait: T.staleWait, maxBackoff: T.maxBackoff, maxAge: T.maxAge, maxStale: "1h" },
    onEvent: (e) => events.push(e),
  });
  return { secrets, events };
}

/** `load()` spec naming every present reference: S0 ... Sn. */
function specOf(fixture: FaultFixture): Record<string, string> {
  return Object.fromEntries(fixture.present.map((ref, i) => [`S${i}`, ref]));
}

/**
 * Watches one scenario: unhandled rejections, and the active resources
 * (timers, sockets) compared with those before the client existed. The test
 * runner's own resources are in both counts.
 */
function watch() {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on("unhandledRejection", onUnhandled);
  const before = countResources();
  return {
    /** Waits up to a second for sockets and timers to close, then compares. */
    async check(expect: FaultExpect, label: string): Promise<void> {
      let extra: Record<string, number> = {};
      for (let i = 0; i < 20; i++) {
        extra = excess(before, countResources());
        if (Object.keys(extra).length === 0) break;
        await sleep(50);
      }
      process.off("unhandledRejection", onUnhandled);
      expect(extra, `${label}: resources still open after close()`).toEqual({});
      expect(
        unhandled.map((r) => (r instanceof Error ? `${r.name}: ${r.message}` : typeof r)),
        `${label}: unhandled rejections`,
      ).toEqual([]);
    },
    stop(): void {
      process.off("unhandledRejection", onUnhandled);
    },
  };
}

function countResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) counts[r] = (counts[r] ?? 0) + 1;
  return counts;
}

function excess(before: Record<string, number>, after: Record<string, number>) {
  const out: Record<string, number> = {};
  for (const [k, n] of Object.entries(after)) {
    if (n > (before[k] ?? 0)) out[k] = n - (before[k] ?? 0);
  }
  return out;
}

/**
 * Asserts that a `load()` outcome lost no name: it resolved every name, or it
 * failed with one `LoadError` naming each failed name once, with a typed
 * `UNAVAILABLE` code, and naming at least every name in `mustFail`.
 */
function expectNothingLost(
  expect: FaultExpect,
  label: string,
  spec: Record<string, string>,
  o: Outcome<Record<string, unknown>>,
  mustFail: readonly string[],
): void {
  const names = Object.keys(spec);
  expect(o.kind === "hang", `${label}: load() gave ${describeOutcome(o)}`).toBe(false);
  if (o.kind === "value") {
    expect(mustFail, `${label}: load() resolved although these cannot`).toEqual([]);
    const missing = names.filter((n) => typeof o.value[n] !== "string");
    expect(missing, `${label}: load() resolved without these names`).toEqual([]);
    return;
  }
  if (o.kind !== "error") return;
  expect(codeOf(o), `${label}: load() gave ${describeOutcome(o)}`).toBe("LOAD_FAILED");
  const failures = (o.error as LoadError).failures;
  const failed = failures.map((f) => f.name);
  expect(new Set(failed).size, `${label}: a name is listed twice`).toBe(failed.length);
  for (const n of failed) expect(names, `${label}: LoadError names an unknown name`).toContain(n);
  for (const n of mustFail) expect(failed, `${label}: LoadError does not name ${n}`).toContain(n);
  for (const f of failures) {
    expect(`${f.name}: ${f.code}`, `${label}: failure of ${f.name}`).toBe(`${f.name}: UNAVAILABLE`);
  }
}

/** Polls `check` until it holds or `ms` passed; returns whether it held. */
async function eventually(check: () => boolean, ms: number): Promise<boolean> {
  const until = performance.now() + ms;
  while (!check()) {
    if (performance.now() >= until) return false;
    await sleep(10);
  }
  return true;
}

/** A fault and how it ends. */
interface Fault {
  title: string;
  apply(f: FaultInjector): Promise<void>;
  end(f: FaultInjector): Promise<void>;
}

const FAULTS: readonly Fault[] = [
  {
    title: "latency above the deadline",
    apply: (f) => f.latency(T.deadline + 700),
    end: (f) => f.heal(),
  },
  {
    title: "a connection reset mid-response",
    apply: (f) => f.resetPeer(),
    end: (f) => f.heal(),
  },
  {
    title: "a black hole (connections accepted, never answered)",
    apply: (f) => f.blackHole(),
    end: (f) => f.heal(),
  },
  {
    title: "bandwidth limited to a trickle (1 KB/s)",
    apply: (f) => f.bandwidth(1),
    end: (f) => f.heal(),
  },
  {
    title: "the backend down, then back up",
    apply: (f) => f.down(),
    end: (f) => f.up(),
  },
];

/**
 * One fault, end to end: a cached value goes stale, the fault starts, then a
 * stale read, a cold read and a `load()` must each answer in bounded time
 * (the stale value with its `stale` event, typed `UNAVAILABLE` errors, and no
 * lost name); the fault ends, and after the current backoff the next calls
 * succeed; `close()` leaves nothing open and nothing went unhandled.
 */
async function runFault(t: FaultRunner, fixture: FaultFixture, fault: Fault): Promise<void> {
  const { expect } = t;
  const [warmRef, coldRef] = fixture.present as [string, string, ...string[]];
  // Events name a reference without its #field (one entry serves every field).
  const warmSource = warmRef.split("#")[0];
  const spec = specOf(fixture);
  const coldNames = Object.keys(spec).slice(1);
  const withStale = T.deadline + T.staleWait + T.margin;
  const noStale = T.deadline + T.margin;
  const w = watch();
  const { secrets, events } = newClient(fixture);
  let closed = false;
  try {
    // A value to fall back on, then let it expire so the next read must refresh.
    const warm = await secrets.getSecret(warmRef, { timeout: T.healthy });
    await sleep(T.maxAge + 50);
    await fault.apply(fixture.faults);

    const stale = await bounded(secrets.getSecret(warmRef), withStale);
    expect(
      stale.kind === "value" && stale.value === warm,
      `stale read: ${describeOutcome(stale)}`,
    ).toBe(true);
    expect(stale.ms, "stale read: time to the stale value").toBeLessThanOrEqual(withStale);
    const staleEvent = await eventually(
      () => events.some((e) => e.type === "stale" && e.reference === warmSource),
      T.staleWait,
    );
    expect(staleEvent, "stale read: a `stale` event for the reference").toBe(true);

    const cold = await bounded(secrets.getSecret(coldRef), noStale);
    expect(codeOf(cold), "cold read: a typed UNAVAILABLE error").toBe("UNAVAILABLE");
    expect(cold.ms, "cold read: time to the error").toBeLessThanOrEqual(noStale);

    const loaded = await bounded(secrets.load(spec), withStale);
    expectNothingLost(expect, "load() during the fault", spec, loaded, coldNames);
    expect(loaded.ms, "load() during the fault: time to the answer").toBeLessThanOrEqual(withStale);

    // Recovery: once the backend is back, the first call after the backoff succeeds.
    await fault.end(fixture.faults);
    await sleep(T.maxBackoff + 50);
    const mark = events.length;
    const again = await bounded(secrets.getSecret(coldRef, { timeout: T.healthy }), T.healthy);
    expect(again.kind, `recovery, cold read: ${describeOutcome(again)}`).toBe("value");
    const back = await bounded(secrets.getSecret(warmRef, { timeout: T.healthy }), T.healthy);
    expect(back.kind === "value" && back.value === warm, `recovery: ${describeOutcome(back)}`).toBe(
      true,
    );
    const refreshed = await eventually(
      () => events.slice(mark).some((e) => e.type === "fetch" && e.reference === warmSource),
      T.deadline + T.margin,
    );
    expect(refreshed, "recovery: the stale value is refreshed from the backend").toBe(true);
    const all = await bounded(secrets.load(spec, { timeout: T.healthy }), T.healthy);
    expectNothingLost(expect, "load() after recovery", spec, all, []);

    await secrets.close();
    closed = true;
    await w.check(expect, fault.title);
  } finally {
    w.stop();
    if (!closed) await secrets.close().catch(() => {});
  }
}

/**
 * The backend refuses connections when the client starts and appears
 * {@link FAULT_TIMINGS}.slowStart later, while the service retries `load()`
 * as it would at start-up.
 */
async function runSlowStart(t: FaultRunner, fixture: FaultFixture): Promise<void> {
  const { expect } = t;
  const spec = specOf(fixture);
  const names = Object.keys(spec);
  const limit = T.deadline + T.margin;
  await fixture.faults.down();
  const w = watch();
  const { secrets } = newClient(fixture);
  let closed = false;
  const t0 = performance.now();
  let upCalledAt = Number.POSITIVE_INFINITY;
  let upAt = Number.POSITIVE_INFINITY;
  const appear = sleep(T.slowStart).then(async () => {
    upCalledAt = performance.now();
    await fixture.faults.up();
    upAt = performance.now();
  });
  try {
    let attempts = 0;
    // Start-up retries while the backend is away: each bounded, typed, no name lost.
    while (performance.now() < t0 + T.slowStart + 2_000 && upAt === Number.POSITIVE_INFINITY) {
      const o = await bounded(secrets.load(spec), limit);
      const endedBeforeUp = performance.now() < upCalledAt;
      attempts++;
      expect(o.kind === "hang", `start-up attempt ${attempts}: ${describeOutcome(o)}`).toBe(false);
      expect(o.ms, `start-up attempt ${attempts}: time to the answer`).toBeLessThanOrEqual(limit);
      if (endedBeforeUp) expectNothingLost(expect, `start-up attempt ${attempts}`, spec, o, names);
      await sleep(100);
    }
    await appear;
    expect(attempts >= 10, `start-up attempts while the backend was away: ${attempts}`).toBe(true);
    // The first call after the current backoff succeeds.
    await sleep(T.maxBackoff + 50);
    const ready = await bounded(secrets.load(spec, { timeout: T.healthy }), T.healthy);
    expectNothingLost(expect, "first load() after the backend appeared", spec, ready, []);
    expect(ready.kind, `first load() after the backend appeared: ${describeOutcome(ready)}`).toBe(
      "value",
    );
    const readyAfter = performance.now() - t0;
    expect(readyAfter, "time to ready from client start").toBeLessThanOrEqual(
      T.slowStart + (upAt - upCalledAt) + T.maxBackoff + 50 + T.healthy,
    );
    await secrets.close();
    closed = true;
    await w.check(expect, "slow start-up");
  } finally {
    w.stop();
    await appear.catch(() => {});
    if (!closed) await secrets.close().catch(() => {});
  }
}

/** `close()` while calls hang in a black hole: every pending caller gets CLIENT_CLOSED. */
async function runCloseDuringBlackHole(t: FaultRunner, fixture: FaultFixture): Promise<void> {
  const { expect } = t;
  const spec = specOf(fixture);
  const w = watch();
  const { secrets } = newClient(fixture);
  let closed = false;
  try {
    await fixture.faults.blackHole();
    // Long deadlines: only close() can end these calls in time.
    const single = bounded(
      secrets.getSecret(fixture.present[0] as string, { timeout: T.healthy }),
      T.margin * 3,
    );
    const many = bounded(secrets.load(spec, { timeout: T.healthy }), T.margin * 3);
    await sleep(T.deadline);
    const t0 = performance.now();
    await secrets.close();
    closed = true;
    const [a, b] = await Promise.all([single, many]);
    const closedMs = performance.now() - t0;
    expect(codeOf(a), `getSecret pending at close(): ${describeOutcome(a)}`).toBe("CLIENT_CLOSED");
    // load() rejects as a whole, or lists every name as closed.
    const bCode = codeOf(b);
    if (bCode === "LOAD_FAILED" && b.kind === "error") {
      const codes = (b.error as LoadError).failures.map((f) => `${f.name}: ${f.code}`);
      expect(codes, "load() pending at close()").toEqual(
        Object.keys(spec).map((n) => `${n}: CLIENT_CLOSED`),
      );
    } else {
      expect(bCode, `load() pending at close(): ${describeOutcome(b)}`).toBe("CLIENT_CLOSED");
    }
    expect(closedMs, "pending callers rejected this soon after close()").toBeLessThanOrEqual(
      T.margin,
    );
    await w.check(expect, "close() during a black hole");
  } finally {
    w.stop();
    if (!closed) await secrets.close().catch(() => {});
  }
}

/**
 * Registers the fault scenarios for one provider with the test runner:
 * latency above the deadline, a connection reset mid-response, a black hole,
 * a bandwidth trickle, the backend down then back up, slow start-up (the
 * backend appears 5 s after the client starts), and `close()` during a black
 * hole. Each is its own test; the faults are healed after each.
 *
 * @example
 * ```ts
 * import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
 * import { faultScenarios } from "secrets-loader/provider/testing";
 *
 * faultScenarios(
 *   { describe, it, expect, beforeAll, afterAll, beforeEach, afterEach },
 *   { name: "vault", faults: proxy, provider: () => vaultProvider({ address: proxy.url }), present },
 * );
 * ```
 */
export function faultScenarios(t: FaultRunner, fixture: FaultFixture): void {
  t.describe(`${fixture.name}: fault scenarios`, () => {
    t.beforeAll(async () => {
      if (fixture.present.length < 3) {
        throw new Error(`faultScenarios(${fixture.name}): \`present\` needs at least 3 references`);
      }
      await fixture.faults.heal();
      // Reach the backend once, healthy: a broken fixture fails here, not as a fault, and a
      // provider that loads its SDK on first use has loaded it before any deadline runs.
      const { secrets } = newClient(fixture);
      try {
        await secrets.load(specOf(fixture), { timeout: T.healthy * 2 });
      } finally {
        await secrets.close();
      }
    }, 30_000);
    t.afterEach(() => fixture.faults.heal());
    t.afterAll(() => fixture.faults.heal());

    for (const fault of FAULTS) {
      t.it(fault.title, () => runFault(t, fixture, fault), 30_000);
    }
    t.it(
      "slow start-up: the backend appears 5 s after the client starts",
      () => runSlowStart(t, fixture),
      60_000,
    );
    t.it(
      "close() during a black hole rejects pending callers and leaves nothing open",
      () => runCloseDuringBlackHole(t, fixture),
      30_000,
    );
  });
}
