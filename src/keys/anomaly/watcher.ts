/**
 * A small anomaly watcher fed by key usage events. It flags a spike of use per key (a rolling
 * window), a caller IP or a route a key has not used before, and any use of a revoked key.
 *
 * State lives in the limiter's store: in memory for one process, or in Redis so that every
 * instance of a fleet sees the same history (a key first used from an IP on instance A is not
 * "new" again on instance B, and a spike is counted across the fleet). In Redis each check is
 * one MULTI, so exactly one instance sees a window cross its threshold and alerts.
 */

import {
  type KeyStore,
  memoryStore,
  type RedisKeyStore,
  type RedisMultiLike,
  withTimeout,
} from "../limits/store.js";
import type { KeyUsageEvent } from "../types.js";

/**
 * An alert raised by the watcher. Carries the key's id, never the key.
 *
 * @example
 * ```ts
 * const onAlert = (a: KeyAlert) => a.type === "revoked-use" && page(a.keyId);
 * ```
 */
export type KeyAlert =
  | {
      /** More uses of the key in the rolling window than the threshold. */
      type: "spike";
      /** The time of the event that raised it (epoch ms). */
      at: number;
      /** The key's id. */
      keyId: string;
      /** Uses in the window, counting this one. */
      count: number;
      /** The window's length. */
      windowSeconds: number;
    }
  | {
      /** A caller IP the key has not used before. */
      type: "new-ip";
      /** The time of the event that raised it (epoch ms). */
      at: number;
      /** The key's id. */
      keyId: string;
      /** The new IP. */
      ip: string;
    }
  | {
      /** A route the key has not called before. */
      type: "new-route";
      /** The time of the event that raised it (epoch ms). */
      at: number;
      /** The key's id. */
      keyId: string;
      /** The new route. */
      route: string;
    }
  | {
      /** A revoked key was presented. */
      type: "revoked-use";
      /** The time of the event that raised it (epoch ms). */
      at: number;
      /** The revoked key's id. */
      keyId: string;
      /** The caller's IP, when known. */
      ip?: string;
      /** The route, when known. */
      route?: string;
    };

/**
 * Options of {@link createAnomalyWatcher}.
 *
 * @example
 * ```ts
 * const options: AnomalyWatcherOptions = {
 *   store, onAlert: (a) => log.warn(a), spike: { threshold: 500, windowSeconds: 60 },
 * };
 * ```
 */
export interface AnomalyWatcherOptions {
  /** Called once per alert. */
  onAlert: (alert: KeyAlert) => void;
  /** The limiter's store (default: a memory store of its own). */
  store?: KeyStore;
  /**
   * A spike: more than `threshold` uses of one key within the last `windowSeconds`
   * (default 300 in 60 s). One alert each time the window crosses the threshold. `false` turns
   * it off.
   */
  spike?:
    | {
        /** Uses allowed in the window before it alerts. */
        threshold: number;
        /** The rolling window's length. */
        windowSeconds: number;
      }
    | false;
  /** Flag the first use of a key from an IP it has not used before (default true). */
  newIp?: boolean;
  /** Flag the first call of a key to a route it has not called before (default true). */
  newRoute?: boolean;
  /**
   * How long a key's seen IPs and routes are remembered after the key's last use, in days
   * (default 30): a key unused for longer starts a new baseline.
   */
  rememberDays?: number;
  /**
   * How many IPs and how many routes are remembered per key (default 100 each): the least
   * recently used is forgotten first, so a flood of paths cannot grow the store.
   */
  maxRemembered?: number;
  /**
   * After a `new-ip` or `new-route` alert for a key, further ones of the same type for that key
   * are held back for this many seconds (default 300): a flood of new routes is one alert.
   */
  alertEverySeconds?: number;
  /**
   * Told about store failures (default: one process warning per outage). Alerts that need the
   * store are then skipped.
   */
  onStoreError?: (error: unknown) => void;
}

/**
 * The watcher: feed it every usage event.
 *
 * @example
 * ```ts
 * const keyring = createKeyring({ pepper, onEvent: watcher.onEvent });
 * ```
 */
export interface AnomalyWatcher {
  /** Checks one event; resolves to the alerts it raised (already passed to `onAlert`). */
  observe(event: KeyUsageEvent): Promise<KeyAlert[]>;
  /**
   * `observe` as a plain listener (for `onEvent` options): ignores events of other types,
   * never throws.
   */
  readonly onEvent: (event: { type: string }) => void;
}

const DAY_MS = 86_400_000;
/** Default of `maxRemembered`: IPs and routes remembered per key. */
const MAX_REMEMBERED = 100;

/**
 * Creates an anomaly watcher. The first successful use of a key is its baseline: its first IP
 * and first route are remembered, not flagged. Only successful uses (`result: "ok"`) are
 * learnt from or flagged as new, so a refused attempt from a stranger never becomes the
 * baseline. The same event object fed twice (keyring and adapter sharing a listener) counts
 * once.
 *
 * @example
 * ```ts
 * import { createAnomalyWatcher, redisStore } from "secrets-loader/keys";
 * const watcher = createAnomalyWatcher({
 *   store: redisStore({ url: process.env.REDIS_URL }),
 *   onAlert: (alert) => console.warn(JSON.stringify(alert)),
 * });
 * await watcher.observe(usageEvent);
 * ```
 */
export function createAnomalyWatcher(options: AnomalyWatcherOptions): AnomalyWatcher {
  const store = options.store ?? memoryStore();
  const spike = options.spike === false ? undefined : (options.spike ?? defaultSpike);
  if (spike && !(spike.threshold >= 1 && spike.windowSeconds > 0)) {
    throw new TypeError("anomaly watcher: spike needs threshold >= 1 and windowSeconds > 0");
  }
  const rememberMs = (options.rememberDays ?? 30) * DAY_MS;
  const maxRemembered = options.maxRemembered ?? MAX_REMEMBERED;
  if (!(Number.isInteger(maxRemembered) && maxRemembered >= 1)) {
    throw new TypeError("anomaly watcher: maxRemembered must be a positive integer");
  }
  const alertEveryMs = (options.alertEverySeconds ?? 300) * 1000;
  if (!(alertEveryMs >= 0)) {
    throw new TypeError("anomaly watcher: alertEverySeconds must be >= 0");
  }
  const seen = new WeakSet<object>();
  const ops = store.kind === "redis" ? redisOps(store) : memoryOps(store);
  // The default reports an outage once (a process warning), not once per event.
  let warned = false;
  const onStoreError =
    options.onStoreError ??
    ((e: unknown) => {
      if (warned) return;
      warned = true;
      process.emitWarning(
        `anomaly watcher: key store failed (${(e as Error)?.message ?? e}); checks that need it are skipped until it answers`,
        { code: "SECRETS_LOADER_WATCHER_STORE_DOWN" },
      );
    });

  const observe = async (event: KeyUsageEvent): Promise<KeyAlert[]> => {
    const keyId = event.keyId;
    if (!keyId) return []; // nothing to attribute a malformed or unknown key to
    const at = event.at;
    const alerts: KeyAlert[] = [];
    if (event.result === "revoked") {
      alerts.push({ type: "revoked-use", at, keyId, ip: event.ip, route: event.route });
    } else {
      try {
        const checks: Promise<void>[] = [];
        if (spike) {
          const windowMs = spike.windowSeconds * 1000;
          checks.push(
            ops.countInWindow(`win:${keyId}`, at, windowMs).then((count) => {
              // Only the use that crosses the threshold alerts, not every one above it.
              if (count === spike.threshold + 1) {
                alerts.push({
                  type: "spike",
                  at,
                  keyId,
                  count,
                  windowSeconds: spike.windowSeconds,
                });
              }
            }),
          );
        }
        // Baselines are learnt from successful uses only.
        const ok = event.result === "ok";
        const ip = typeof event.ip === "string" ? normaliseIp(event.ip) : undefined;
        if (ok && ip && options.newIp !== false) {
          checks.push(
            ops
              .remember(`ips:${keyId}`, ip, at, rememberMs, maxRemembered)
              .then((isNew) => isNew && ops.firstInWindow(`ips-alert:${keyId}`, alertEveryMs))
              .then((alert) => {
                if (alert) alerts.push({ type: "new-ip", at, keyId, ip });
              }),
          );
        }
        if (ok && typeof event.route === "string" && event.route && options.newRoute !== false) {
          const route = event.route;
          checks.push(
            ops
              .remember(`routes:${keyId}`, route, at, rememberMs, maxRemembered)
              .then((isNew) => isNew && ops.firstInWindow(`routes-alert:${keyId}`, alertEveryMs))
              .then((alert) => {
                if (alert) alerts.push({ type: "new-route", at, keyId, route });
              }),
          );
        }
        await Promise.all(checks);
        if (checks.length > 0) warned = false;
      } catch (e) {
        onStoreError(e);
      }
    }
    for (const a of alerts) options.onAlert(a);
    return alerts;
  };

  return {
    observe,
    onEvent: (event) => {
      if (event.type !== "key-used") return;
      // One request, one event: the same object from the keyring and the adapter counts once.
      if (seen.has(event)) return;
      seen.add(event);
      observe(event as KeyUsageEvent).catch((e: unknown) => onStoreError(e));
    },
  };
}

const defaultSpike = { threshold: 300, windowSeconds: 60 };

/** `::ffff:10.0.0.1` (an IPv4 client on a dual-stack socket) is the same caller as `10.0.0.1`. */
function normaliseIp(ip: string): string {
  const lower = ip.trim().toLowerCase();
  return lower.startsWith("::ffff:") && lower.includes(".") ? lower.slice(7) : lower;
}

interface Ops {
  /** Adds a use at `at` and returns how many uses fall in the window ending at `at`. */
  countInWindow(name: string, at: number, windowMs: number): Promise<number>;
  /**
   * Remembers `member` (at most `max` members, least recently used forgotten first); true when
   * it is new and the set already had another member.
   */
  remember(name: string, member: string, at: number, ttlMs: number, max: number): Promise<boolean>;
  /** True for the first call in a window of `windowMs` (then false until the window ends). */
  firstInWindow(name: string, windowMs: number): Promise<boolean>;
}

function memoryOps(store: Extract<KeyStore, { kind: "memory" }>): Ops {
  return {
    async countInWindow(name, at, windowMs) {
      const list = store.windows.get(name) ?? [];
      // Events arrive roughly in order; insert keeping the list sorted.
      let i = list.length;
      while (i > 0 && (list[i - 1] as number) > at) i--;
      list.splice(i, 0, at);
      let drop = 0;
      while (drop < list.length && (list[drop] as number) <= at - windowMs) drop++;
      if (drop) list.splice(0, drop);
      store.windows.set(name, list);
      return list.length;
    },
    async remember(name, member, at, ttlMs, max) {
      let set = store.sets.get(name);
      if (!set || set.until <= at) {
        set = { members: new Map(), until: 0 };
        store.sets.set(name, set);
      }
      const isNew = !set.members.delete(member);
      set.members.set(member, true); // now the most recently used
      const hadOthers = set.members.size > 1;
      while (set.members.size > max) {
        set.members.delete(set.members.keys().next().value as string);
      }
      set.until = at + ttlMs;
      return isNew && hadOthers;
    },
    async firstInWindow(name, windowMs) {
      // Wall-clock, like Redis's own expiry.
      const t = Date.now();
      const until = store.windows.get(name)?.[0];
      if (until !== undefined && until > t) return false;
      store.windows.set(name, [t + windowMs]);
      return true;
    },
  };
}

function redisOps(store: RedisKeyStore): Ops {
  const run = async (build: (m: RedisMultiLike) => unknown) => {
    const c = await withTimeout(store.client(), store.timeoutMs);
    const multi = c.multi();
    build(multi);
    const out = await withTimeout(multi.exec(), store.timeoutMs);
    if (!out) throw new Error("redis transaction aborted");
    return out.map(([err, value]) => {
      if (err) throw err;
      return value;
    });
  };
  return {
    async countInWindow(name, at, windowMs) {
      const key = `${store.prefix}watch:${name}`;
      // A unique member per use, so two uses in the same millisecond both count.
      const member = `${at}:${Math.random().toString(36).slice(2)}`;
      const out = await run((m) =>
        m
          .zadd(key, at, member)
          .zremrangebyscore(key, 0, at - windowMs)
          .zcard(key)
          .pexpire(key, windowMs),
      );
      return Number(out[2]);
    },
    async remember(name, member, at, ttlMs, max) {
      // A sorted set scored by last use: ZADD answers 1 for a new member, 0 for a known one
      // (whose score it moves), and the oldest beyond `max` are trimmed.
      const key = `${store.prefix}watch:z${name}`;
      const out = await run((m) =>
        m
          .zadd(key, at, member)
          .zcard(key)
          .zremrangebyrank(key, 0, -(max + 1))
          .pexpire(key, ttlMs),
      );
      return Number(out[0]) === 1 && Number(out[1]) > 1;
    },
    async firstInWindow(name, windowMs) {
      if (windowMs <= 0) return true;
      const key = `${store.prefix}watch:${name}`;
      const out = await run((m) => m.set(key, "1", "PX", windowMs, "NX"));
      return out[0] === "OK";
    },
  };
}
