/**
 * Rate limits and quotas per API key, on `rate-limiter-flexible`.
 *
 * Each rule is one limiter of that library, keyed by the key's id, by the scope asked for, or by
 * both. Rate limits use the library's fixed windows (`per` seconds). Quotas use the same
 * limiters with long windows aligned on the calendar (UTC day or month): the period is part of
 * the counter's name and the window ends with the period, so a quota resets at midnight (or on
 * the 1st) and an injected clock can move a test to the next period without waiting.
 *
 * The library is loaded on first use, not at import: it costs about 20 ms to import, more than
 * the whole budget of `secrets-loader/keys`.
 */
import type * as Flexible from "rate-limiter-flexible";
import { MissingDependencyError } from "../../errors.js";
import type { LimiterStoreEvent } from "../types.js";
import { type KeyStore, memoryStore } from "./store.js";

/**
 * What a counter is keyed by: the key's id (each key has its own budget), the scope asked for
 * (all keys share one budget per scope, e.g. to protect an expensive endpoint), or both (each
 * key has a budget per scope).
 *
 * @example
 * ```ts
 * const by: LimitKey = "key-scope";
 * ```
 */
export type LimitKey = "key" | "scope" | "key-scope";

/**
 * A rate limit: at most `points` requests per `per` seconds.
 *
 * @example
 * ```ts
 * const rule: RateLimitRule = { by: "key", points: 100, per: 60 }; // 100 a minute per key
 * ```
 */
export interface RateLimitRule {
  /** What the counter is keyed by. */
  by: LimitKey;
  /** Requests allowed per window. */
  points: number;
  /** Window length in seconds. */
  per: number;
  /** Apply the rule only to requests for these scopes (default: every request). */
  scopes?: string[];
  /** Names the rule in decisions and in Redis keys (default derived from the rule). */
  name?: string;
}

/**
 * A quota: at most `points` requests per calendar day or month (UTC).
 *
 * @example
 * ```ts
 * const quota: QuotaRule = { by: "key", points: 10_000, per: "day" };
 * ```
 */
export interface QuotaRule {
  /** What the counter is keyed by. */
  by: LimitKey;
  /** Requests allowed per period. */
  points: number;
  /** The period: a UTC calendar day or month. */
  per: "day" | "month";
  /** Apply the quota only to requests for these scopes (default: every request). */
  scopes?: string[];
  /** Names the quota in decisions and in Redis keys (default derived from the rule). */
  name?: string;
}

/**
 * Options of {@link createKeyLimiter}.
 *
 * @example
 * ```ts
 * const options: KeyLimiterOptions = {
 *   store: redisStore({ url: process.env.REDIS_URL }),
 *   limits: [{ by: "key", points: 100, per: 60 }],
 *   quotas: [{ by: "key", points: 50_000, per: "month" }],
 *   whenStoreDown: "closed",
 * };
 * ```
 */
export interface KeyLimiterOptions {
  /** Where the counters live (default: this process's memory). */
  store?: KeyStore;
  /** Rate limits, checked in order before the quotas. */
  limits?: RateLimitRule[];
  /** Quotas per day or month. */
  quotas?: QuotaRule[];
  /**
   * What to do when the store fails or does not answer within its time limit: `"open"` lets
   * the request through (the default: an outage of Redis should not become an outage of the
   * API; the adapters mark its `key-used` event `limits: "skipped"`), `"closed"` refuses it
   * with the reason `"unavailable"`. Either way the outage is reported (see `onEvent`).
   */
  whenStoreDown?: "open" | "closed";
  /**
   * Receives `limiter-store-down` once when the store fails (an error, or no answer within its
   * time limit) and `limiter-store-up` once when it answers again. Without it, each outage is
   * one `process.emitWarning` instead: never silent.
   */
  onEvent?: (event: LimiterStoreEvent) => void;
  /** Told about every store failure (the error never holds a key). */
  onStoreError?: (error: unknown) => void;
  /** The clock quotas use to find the current day or month (default `Date.now`). */
  now?: () => number;
}

/**
 * Who is asking: the verified key's id (with its record's `owner` and `lineageId`) and the
 * scope the request needs. Counters of `by: "key"` rules belong to `owner ?? lineageId ?? keyId`,
 * so a customer's limits and quotas survive rotation and re-issue.
 *
 * @example
 * ```ts
 * const { id: keyId, owner, lineageId } = result.record;
 * const subject: LimitSubject = { keyId, owner, lineageId, scope: "read" };
 * ```
 */
export interface LimitSubject {
  /** The verified key's id. */
  keyId: string;
  /** The record's `owner`, when set: every key of the owner shares the counters. */
  owner?: string | undefined;
  /** The record's `lineageId`, when set: the keys of one rotation chain share the counters. */
  lineageId?: string | undefined;
  /** The scope the request needs, if any. */
  scope?: string;
}

/**
 * The limiter's answer. A refusal carries `retryAfterSeconds` for the `Retry-After` header.
 *
 * @example
 * ```ts
 * const d = await limiter.consume({ keyId });
 * if (!d.allowed) res.setHeader("retry-after", String(d.retryAfterSeconds));
 * ```
 */
export type LimitDecision =
  | {
      /** The request may go ahead. */
      allowed: true;
      /** Requests left under the tightest rule, when a rule applied. */
      remaining?: number;
      /** True when the store failed and the limiter let the request through. */
      failedOpen?: true;
    }
  | {
      /** The request is refused. */
      allowed: false;
      /** A rate limit, a quota, or the store failing with `whenStoreDown: "closed"`. */
      reason: "rate-limited" | "quota" | "unavailable";
      /** Seconds until a retry can succeed: the value for `Retry-After`. */
      retryAfterSeconds: number;
      /** The rule that refused (absent for "unavailable"). */
      rule?: string;
    };

/**
 * Rate limits and quotas for verified keys.
 *
 * @example
 * ```ts
 * const decision = await limiter.consume({ keyId: record.id, scope: "read" });
 * ```
 */
export interface KeyLimiter {
  /** Counts one request (or `points`) against every rule that applies. */
  consume(subject: LimitSubject, points?: number): Promise<LimitDecision>;
}

/**
 * The longest window the library's memory storage can time: it expires counters with
 * `setTimeout`, and a longer delay overflows Node's 32-bit timer and fires after 1 ms (so a
 * monthly quota early in a 31-day month would never hold). Longer memory counters are kept
 * without a timer and swept by {@link createKeyLimiter} itself.
 */
const MAX_MEMORY_TIMER_S = Math.floor(0x7fffffff / 1000);
/** How often (at most) untimed memory counters are swept (ms). */
const SWEEP_EVERY_MS = 60_000;

/** How long a refused caller waits when the store itself is down (seconds). */
const STORE_DOWN_RETRY_AFTER = 1;

type Lib = typeof Flexible;
let lib: Promise<Lib> | undefined;
// A literal specifier, so bundlers and the dependency checks see it.
const loadLib = () => {
  lib ??= import("rate-limiter-flexible");
  return lib;
};

interface Compiled {
  name: string;
  kind: "rate-limited" | "quota";
  by: LimitKey;
  scopes?: Set<string>;
  per: number | "day" | "month";
  limiter: Flexible.RateLimiterAbstract | Flexible.RLWrapperTimeouts;
}

/**
 * Creates a limiter for API keys: rate limits and quotas keyed by key id, scope or both, in
 * memory (default) or in Redis for a fleet.
 *
 * @example
 * ```ts
 * import { createKeyLimiter } from "secrets-loader/keys";
 * const limiter = createKeyLimiter({
 *   limits: [{ by: "key", points: 100, per: 60 }],
 *   quotas: [{ by: "key", points: 10_000, per: "day" }],
 * });
 * const d = await limiter.consume({ keyId: record.id });
 * if (!d.allowed) reply(429, { "retry-after": d.retryAfterSeconds });
 * ```
 */
export function createKeyLimiter(options: KeyLimiterOptions = {}): KeyLimiter {
  const store = options.store ?? memoryStore();
  const now = options.now ?? Date.now;
  const whenStoreDown = options.whenStoreDown ?? "open";
  if (whenStoreDown !== "open" && whenStoreDown !== "closed") {
    throw new TypeError('key limiter: whenStoreDown must be "open" or "closed"');
  }
  const open = whenStoreDown === "open";
  // Since when the store is down (epoch ms), or undefined while it answers.
  let downSince: number | undefined;
  const storeEvent = (event: LimiterStoreEvent) => {
    if (options.onEvent) {
      try {
        options.onEvent(event);
      } catch {
        // A listener's failure must not change the decision.
      }
    } else if (event.type === "limiter-store-down") {
      process.emitWarning(
        `key limiter: its ${store.kind} store is down (${event.error}); requests are ${open ? "let through without limits" : "refused"} until it answers (pass onEvent to handle limiter-store-down)`,
        { code: "SECRETS_LOADER_LIMITER_STORE_DOWN" },
      );
    }
  };
  const storeAnswered = () => {
    if (downSince === undefined) return;
    const at = Date.now();
    const downForMs = at - downSince;
    downSince = undefined;
    storeEvent({ type: "limiter-store-up", at, store: store.kind, whenStoreDown, downForMs });
  };
  const rules = [
    ...(options.limits ?? []).map((r) => ({ ...r, kind: "rate-limited" as const })),
    ...(options.quotas ?? []).map((r) => ({ ...r, kind: "quota" as const })),
  ];
  for (const r of rules) {
    if (!(Number.isInteger(r.points) && r.points > 0)) {
      throw new TypeError(`key limiter: points must be a positive integer (got ${r.points})`);
    }
    if (typeof r.per === "number" && !(Number.isInteger(r.per) && r.per > 0)) {
      throw new TypeError(`key limiter: per must be a whole number of seconds (got ${r.per})`);
    }
  }
  const names = rules.map((r) => r.name ?? `${r.kind === "quota" ? "q" : "r"}-${r.by}-${r.per}`);
  if (new Set(names).size !== names.length) {
    throw new TypeError(`key limiter: two rules share a name (${names.join(", ")}); name them`);
  }

  // Memory counters too long for a timer: counter -> [rule, when its period ends (ms)].
  const untimed = new Map<string, [Compiled, number]>();
  let lastSweep = Date.now();
  const sweep = () => {
    if (untimed.size === 0 || Date.now() - lastSweep < SWEEP_EVERY_MS) return;
    lastSweep = Date.now();
    const t = now();
    for (const [key, [rule, until]] of untimed) {
      if (until > t) continue;
      untimed.delete(key);
      void rule.limiter.delete(key).catch(() => {});
    }
  };

  let compiled: Promise<Compiled[]> | undefined;
  const compile = async (): Promise<Compiled[]> => {
    const m = await loadLib();
    const client = store.kind === "redis" ? await store.client() : undefined;
    return rules.map((r, i) => {
      const name = names[i] as string;
      // A quota's window is set per call (to the end of the period); this is only the default.
      const duration = typeof r.per === "number" ? r.per : 86_400;
      let limiter: Compiled["limiter"];
      if (store.kind === "redis") {
        const redis = new m.RateLimiterRedis({
          storeClient: client,
          keyPrefix: `${store.prefix}limit:${name}`,
          points: r.points,
          duration,
          // Fail at once while disconnected instead of waiting in ioredis's offline queue.
          rejectIfRedisNotReady: true,
        });
        limiter = new m.RLWrapperTimeouts({ limiter: redis, timeoutMs: store.timeoutMs });
      } else {
        limiter = new m.RateLimiterMemory({ keyPrefix: name, points: r.points, duration });
      }
      return {
        name,
        kind: r.kind,
        by: r.by,
        scopes: r.scopes ? new Set(r.scopes) : undefined,
        per: r.per,
        limiter,
      };
    });
  };

  return {
    async consume(subject, points = 1) {
      let list: Compiled[];
      let m: Lib;
      try {
        compiled ??= compile();
        list = await compiled;
        m = await loadLib();
      } catch (e) {
        compiled = undefined; // a store that failed to connect is tried again next time
        // A package that is not installed is a mistake to fix, not an outage to ride out.
        if (e instanceof MissingDependencyError) throw e;
        return storeDown(e);
      }
      sweep();
      let remaining: number | undefined;
      let failedOpen = false;
      for (const rule of list) {
        const counter = counterFor(rule, subject);
        if (counter === undefined) continue;
        let key = counter;
        let consumeOptions: { customDuration: number } | undefined;
        let periodEndsIn = 0;
        if (rule.per === "day" || rule.per === "month") {
          const period = currentPeriod(rule.per, now());
          key = `${counter}|${period.label}`;
          periodEndsIn = period.secondsLeft;
          // The counter outlives its period by a minute, so a clock slightly behind still finds it.
          let seconds = period.secondsLeft + 60;
          if (store.kind === "memory" && seconds > MAX_MEMORY_TIMER_S) {
            untimed.set(key, [rule, now() + seconds * 1000]);
            seconds = 0; // no expiry: swept once the period is over
          }
          consumeOptions = { customDuration: seconds };
        }
        try {
          const res = await rule.limiter.consume(key, points, consumeOptions);
          storeAnswered();
          remaining = Math.min(remaining ?? Number.POSITIVE_INFINITY, res.remainingPoints);
        } catch (e) {
          if (e instanceof m.RateLimiterRes) {
            storeAnswered();
            const retry = rule.kind === "quota" ? periodEndsIn : Math.ceil(e.msBeforeNext / 1000);
            return {
              allowed: false,
              reason: rule.kind,
              retryAfterSeconds: Math.max(1, retry),
              rule: rule.name,
            };
          }
          const down = storeDown(e);
          if (!down.allowed) return down;
          failedOpen = true;
        }
      }
      if (failedOpen) return { allowed: true, failedOpen: true };
      return remaining === undefined ? { allowed: true } : { allowed: true, remaining };
    },
  };

  function storeDown(e: unknown): LimitDecision {
    if (downSince === undefined) {
      downSince = Date.now();
      storeEvent({
        type: "limiter-store-down",
        at: downSince,
        store: store.kind,
        whenStoreDown,
        error: describe(e),
      });
    }
    try {
      options.onStoreError?.(e);
    } catch {
      // As for onEvent.
    }
    if (open) return { allowed: true, failedOpen: true };
    return { allowed: false, reason: "unavailable", retryAfterSeconds: STORE_DOWN_RETRY_AFTER };
  }
}

/** A store failure in a few words: `timeout`, or the error's name and message (no key in it). */
function describe(e: unknown): string {
  if (e instanceof Error) {
    const text = /timed? ?out/i.test(e.message) ? "timeout" : `${e.name}: ${e.message}`;
    return text.slice(0, 200);
  }
  return "store failure";
}

/** Whose counters: the owner's, else the rotation chain's, else the key's own. */
function holder(s: LimitSubject): string {
  if (typeof s.owner === "string" && s.owner !== "") return `o:${s.owner}`;
  if (typeof s.lineageId === "string" && s.lineageId !== "") return `k:${s.lineageId}`;
  return `k:${s.keyId}`;
}

/** The counter's name for this subject under this rule, or undefined if the rule does not apply. */
function counterFor(rule: Compiled, s: LimitSubject): string | undefined {
  if (rule.scopes && (s.scope === undefined || !rule.scopes.has(s.scope))) return undefined;
  switch (rule.by) {
    case "key":
      return holder(s);
    case "scope":
      return s.scope === undefined ? undefined : `s:${s.scope}`;
    case "key-scope":
      return `${holder(s)}|s:${s.scope ?? ""}`;
  }
}

/**
 * The UTC day or month containing `at`, and the seconds left in it.
 * @internal
 */
export function currentPeriod(
  per: "day" | "month",
  at: number,
): { label: string; secondsLeft: number } {
  const d = new Date(at);
  const y = d.getUTCFullYear();
  const mo = d.getUTCMonth();
  const end = per === "day" ? Date.UTC(y, mo, d.getUTCDate() + 1) : Date.UTC(y, mo + 1, 1); // Date.UTC rolls over
  const iso = d.toISOString();
  return {
    label: per === "day" ? iso.slice(0, 10) : iso.slice(0, 7),
    secondsLeft: Math.max(1, Math.ceil((end - at) / 1000)),
  };
}
