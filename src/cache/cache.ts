/**
 * The freshness engine: expiry from the provider or maxAge, refresh ahead,
 * single flight, stale-on-error for static secrets (with a short stale wait
 * behind a slow refresh), an LRU bound, and renewal timers for expiring
 * values. Values are opaque here; leases are handed to the hooks when their
 * entry lets go of them.
 */

import { type ErrorCode, SecretsError } from "../errors.js";
import type { Emitter } from "../events.js";
import type { Issued, Lease } from "../types.js";
import {
  coarseNow,
  epochFromMono,
  type LongTimer,
  longTimeout,
  monoFromEpoch,
  monoNow,
  wallNow,
} from "./clock.js";

/** Resolved cache settings, in milliseconds. */
export interface CacheSettings {
  maxAge: number;
  refreshAhead: number;
  maxStale: number;
  maxEntries: number;
  credentialRefreshLead: number;
  /** How long a caller waits on a refresh, when a stale value exists, before it is served that value. */
  staleWait: number;
  /** The longest wait before retrying a failing provider. */
  maxBackoff: number;
}

/** `secret` values may be served stale on error; `credential` values never. */
export type EntryKind = "secret" | "credential";

/** Who an entry belongs to, for events. */
export interface EntryMeta {
  provider: string;
  reference: string;
  kind: EntryKind;
}

/** Why an entry let go of its value. */
export type DropReason = "lru" | "invalidate" | "clear" | "expired" | "error";

/** Loads a value; `previous` is the value being refreshed, if any (its lease may be renewed in place). */
export type Loader<V> = (previous: Issued<V> | undefined) => Promise<Issued<V>>;

interface Entry<V> {
  readonly key: string;
  readonly meta: EntryMeta;
  readonly load: Loader<V>;
  current: Issued<V> | undefined;
  /** Serve as fresh until here. All instants of an entry are on the monotonic clock (clock.ts). */
  expiresAt: number;
  /** The provider's own expiry, never crossed. */
  hardExpiresAt: number | undefined;
  /** `expiresAt` and `hardExpiresAt` on the wall clock: either clock saying so expires a value. */
  wallExpiresAt: number;
  wallHardExpiresAt: number | undefined;
  /** Start a background refresh from here. */
  refreshAt: number;
  /** Serve stale (after a failed refresh) until here; 0 when the value may not be served stale. */
  staleUntil: number;
  /** No new provider call before here, after a failure. */
  retryAt: number;
  failures: number;
  /** Code of the last failure, reported with stale values. */
  lastCode: ErrorCode;
  pending: Promise<V> | undefined;
  usedSinceFetch: boolean;
  timer: LongTimer | undefined;
}

/** Hooks the client uses to keep redaction and leases in step with the cache. */
export interface CacheHooks<V> {
  /** A value is handed out (cached or not). */
  onStore(issued: Issued<V>, meta: EntryMeta): void;
  /**
   * A value is let go of: dropped (`next` undefined), replaced by `next`, or
   * handed out uncached because its entry was dropped while it loaded (`orphan`).
   */
  onDrop(issued: Issued<V>, meta: EntryMeta, next: Issued<V> | undefined, orphan?: boolean): void;
}

/** Failures that say nothing about the value itself; only these may be answered with a stale value. */
const TRANSIENT: ReadonlySet<ErrorCode> = new Set(["UNAVAILABLE", "THROTTLED", "PROVIDER_ERROR"]);

/** True when two values hold the same lease (a renewal in place, not a re-issue). */
export function sameLease(a: Lease | undefined, b: Lease | undefined): boolean {
  return a !== undefined && b !== undefined && a.id === b.id;
}

/**
 * The same credential extended (a renewal), not a new one: the same lease, or,
 * without leases, the same loggable version (a Vault token's accessor, an
 * access key id).
 */
function sameCredential<V>(a: Issued<V>, b: Issued<V>): boolean {
  if (a.lease || b.lease) return sameLease(a.lease, b.lease);
  return a.version !== undefined && a.version === b.version;
}

/**
 * A keyed cache of values with expiry. `fresh()` is the allocation-free hot
 * path; `get()` handles misses, expiry, single flight and stale-on-error.
 */
export class FreshnessCache<V> {
  readonly #entries = new Map<string, Entry<V>>();
  readonly #settings: CacheSettings;
  readonly #events: Emitter;
  readonly #hooks: CacheHooks<V> | undefined;
  #newest: Entry<V> | undefined;

  constructor(settings: CacheSettings, events: Emitter, hooks?: CacheHooks<V>) {
    this.#settings = settings;
    this.#events = events;
    this.#hooks = hooks;
  }

  /** Number of entries, fresh or not. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The value if it is fresh, else `undefined`. Starts a background refresh
   * when the value is inside its refresh-ahead window. Emits `hit`.
   */
  fresh(key: string): V | undefined {
    return this.#fresh(key, true);
  }

  #fresh(key: string, emitHit: boolean): V | undefined {
    const e = this.#entries.get(key);
    if (e === undefined || e.current === undefined) return undefined;
    const now = coarseNow();
    if (now >= e.expiresAt || wallNow() >= e.wallExpiresAt) return undefined;
    e.usedSinceFetch = true;
    if (this.#newest !== e) this.#touch(e);
    if (now >= e.refreshAt && e.pending === undefined && now >= e.retryAt) {
      this.#refreshInBackground(e, e.load);
    }
    if (emitHit && this.#events.active) {
      this.#events.emit({
        type: "hit",
        time: Date.now(),
        provider: e.meta.provider,
        reference: e.meta.reference,
      });
    }
    return e.current.value;
  }

  /**
   * The value for `key`, calling a loader at most once for any number of
   * concurrent callers. `load` serves this call's fetch; the loader of the
   * call that created the entry serves later background refreshes.
   * `hitCounted`: the caller already emitted `hit` through `fresh()`.
   */
  get(key: string, meta: EntryMeta, load: Loader<V>, hitCounted = false): Promise<V> {
    const hit = this.#fresh(key, !hitCounted);
    if (hit !== undefined) return Promise.resolve(hit);
    const now = monoNow();
    const e = this.#entries.get(key);
    if (e !== undefined) {
      e.usedSinceFetch = true;
      // Already failing: answer from the stale value at once, retrying behind it.
      if (e.failures > 0 && this.#canServeStale(e, now)) {
        if (e.pending === undefined && now >= e.retryAt) this.#refreshInBackground(e, load);
        this.#emitStale(e, now, e.lastCode);
        return Promise.resolve(e.current?.value as V);
      }
      if (e.pending)
        return this.#canServeStale(e, now) ? this.#staleAfterWait(e, e.pending) : e.pending;
    }
    if (this.#events.active) {
      this.#events.emit({
        type: "miss",
        time: Date.now(),
        provider: meta.provider,
        reference: meta.reference,
      });
    }
    if (e === undefined) return this.#fetch(this.#create(key, meta, load), "miss", load);
    const p = this.#fetch(e, "expired", load);
    return this.#canServeStale(e, now) ? this.#staleAfterWait(e, p) : p;
  }

  /** True when a `get()` now would call the provider: no fresh value and no fetch in flight. */
  needsFetch(key: string): boolean {
    const e = this.#entries.get(key);
    if (e === undefined) return true;
    if (e.pending !== undefined) return false;
    return !(e.current !== undefined && this.#live(e, monoNow()));
  }

  /** Drops one entry; a fetch already under way for it is not cached. */
  invalidate(key: string): boolean {
    const e = this.#entries.get(key);
    if (!e) return false;
    this.#drop(e, "invalidate");
    return true;
  }

  /** Drops every entry whose key satisfies `match`. */
  invalidateWhere(match: (key: string) => boolean): number {
    let n = 0;
    for (const e of [...this.#entries.values()]) {
      if (match(e.key)) {
        this.#drop(e, "invalidate");
        n++;
      }
    }
    return n;
  }

  /** Drops every entry and cancels every timer. */
  clear(): void {
    for (const e of [...this.#entries.values()]) this.#drop(e, "clear");
  }

  #create(key: string, meta: EntryMeta, load: Loader<V>): Entry<V> {
    const e: Entry<V> = {
      key,
      meta,
      load,
      current: undefined,
      expiresAt: 0,
      hardExpiresAt: undefined,
      wallExpiresAt: 0,
      wallHardExpiresAt: undefined,
      refreshAt: 0,
      staleUntil: 0,
      retryAt: 0,
      failures: 0,
      lastCode: "UNAVAILABLE",
      pending: undefined,
      usedSinceFetch: true,
      timer: undefined,
    };
    this.#entries.set(key, e);
    this.#newest = e;
    if (this.#entries.size > this.#settings.maxEntries) this.#evictOldest(e);
    return e;
  }

  #touch(e: Entry<V>): void {
    this.#entries.delete(e.key);
    this.#entries.set(e.key, e);
    this.#newest = e;
  }

  /** Evicts the least recently used idle entry; the map may overflow while all are in flight. */
  #evictOldest(keep?: Entry<V>): void {
    for (const e of this.#entries.values()) {
      // An entry with a fetch in flight is about to be used; skip it.
      if (e.pending === undefined && e !== keep) {
        this.#drop(e, "lru");
        return;
      }
    }
  }

  #drop(e: Entry<V>, reason: DropReason): void {
    if (this.#entries.get(e.key) === e) this.#entries.delete(e.key);
    if (this.#newest === e) this.#newest = undefined;
    e.timer?.clear();
    e.timer = undefined;
    const old = e.current;
    e.current = undefined;
    if (old !== undefined) this.#hooks?.onDrop(old, e.meta, undefined);
    if (this.#events.active) {
      this.#events.emit({
        type: "evict",
        time: Date.now(),
        provider: e.meta.provider,
        reference: e.meta.reference,
        reason,
      });
    }
  }

  #isCurrent(e: Entry<V>): boolean {
    return this.#entries.get(e.key) === e;
  }

  #canServeStale(e: Entry<V>, now: number): boolean {
    return (
      e.current !== undefined &&
      e.meta.kind === "secret" &&
      now < e.staleUntil &&
      (e.hardExpiresAt === undefined || now < e.hardExpiresAt) &&
      (e.wallHardExpiresAt === undefined || wallNow() < e.wallHardExpiresAt)
    );
  }

  /** Fresh on both clocks. */
  #live(e: Entry<V>, now: number): boolean {
    return now < e.expiresAt && wallNow() < e.wallExpiresAt;
  }

  /**
   * A caller behind a slow refresh, while a stale value exists: the refresh's
   * answer if it comes within `staleWait`, else the stale value.
   */
  #staleAfterWait(e: Entry<V>, pending: Promise<V>): Promise<V> {
    return new Promise<V>((resolve, reject) => {
      let done = false;
      const timer = setTimeout(() => {
        const now = monoNow();
        if (done) return;
        if (this.#canServeStale(e, now)) {
          done = true;
          this.#emitStale(e, now, "UNAVAILABLE");
          resolve(e.current?.value as V);
        }
      }, this.#settings.staleWait);
      timer.unref?.();
      pending.then(
        (v) => {
          clearTimeout(timer);
          if (!done) {
            done = true;
            resolve(v);
          }
        },
        (err: unknown) => {
          clearTimeout(timer);
          if (!done) {
            done = true;
            reject(err);
          }
        },
      );
    });
  }

  #refreshInBackground(e: Entry<V>, load: Loader<V>): void {
    if (this.#events.active) {
      this.#events.emit({
        type: "refresh",
        time: Date.now(),
        provider: e.meta.provider,
        reference: e.meta.reference,
        expiresAt: epochFromMono(e.expiresAt),
      });
    }
    this.#fetch(e, "refresh", load).catch(() => {
      // Reported through the "error" event; the current value keeps serving.
    });
  }

  #fetch(e: Entry<V>, reason: "miss" | "refresh" | "expired", load: Loader<V>): Promise<V> {
    const started = monoNow();
    const previous = e.current;
    // Deferred by one microtask so `pending` is set before any outcome, even
    // when `load` throws synchronously.
    const p: Promise<V> = Promise.resolve()
      .then(() => load(previous))
      .then(
        (issued) => {
          if (e.pending === p) e.pending = undefined;
          if (this.#isCurrent(e)) this.#store(e, issued, started, reason);
          else {
            // Dropped meanwhile: the waiting callers still get this value, so
            // redact() must know it, and its lease ends once they had time to use it.
            this.#hooks?.onStore(issued, e.meta);
            this.#hooks?.onDrop(issued, e.meta, undefined, true);
          }
          return issued.value;
        },
        (err: unknown) => {
          if (e.pending === p) e.pending = undefined;
          return this.#failed(e, err, started, reason);
        },
      );
    e.pending = p;
    return p;
  }

  #store(
    e: Entry<V>,
    issued: Issued<V>,
    started: number,
    reason: "miss" | "refresh" | "expired",
  ): void {
    const now = monoNow();
    const s = this.#settings;
    // The provider's instants are epoch ms; the entry keeps them on the monotonic clock.
    const hard = issued.expiresAt === undefined ? undefined : monoFromEpoch(issued.expiresAt, now);
    const credential = e.meta.kind === "credential";
    const expiresAt =
      hard !== undefined && (credential || hard < now + s.maxAge) ? hard : now + s.maxAge;
    const life = Math.max(0, expiresAt - now);
    let refreshAt = now + life * (1 - s.refreshAhead);
    if (hard !== undefined) {
      // Renew expiring values early enough, but never sooner than half their life.
      const lead = Math.min(credential || issued.lease ? s.credentialRefreshLead : 0, life / 2);
      refreshAt = Math.min(refreshAt, expiresAt - lead);
    }
    const wanted =
      issued.refreshAt === undefined ? undefined : monoFromEpoch(issued.refreshAt, now);
    if (wanted !== undefined && wanted < refreshAt) refreshAt = Math.max(now, wanted);
    const previous = e.current;
    e.current = issued;
    e.expiresAt = expiresAt;
    e.hardExpiresAt = hard;
    const wall = wallNow();
    e.wallExpiresAt = wall + (expiresAt - now);
    e.wallHardExpiresAt = hard === undefined ? undefined : wall + (hard - now);
    e.refreshAt = refreshAt;
    // Stale-on-error, decided once per value: secrets only, unless the provider said no;
    // #canServeStale also never crosses the provider's own expiry.
    const stale = e.meta.kind === "secret" && issued.staleOnError !== false;
    e.staleUntil = stale ? expiresAt + s.maxStale : 0;
    e.retryAt = 0;
    e.failures = 0;
    e.usedSinceFetch = false;
    this.#hooks?.onStore(issued, e.meta);
    if (previous !== undefined) this.#hooks?.onDrop(previous, e.meta, issued);
    this.#schedule(e, now);
    if (this.#entries.size > s.maxEntries) this.#evictOldest(e);
    if (this.#events.active) {
      const base = {
        time: Date.now(),
        provider: e.meta.provider,
        reference: e.meta.reference,
        durationMs: Math.round(now - started),
      };
      const version = issued.version === undefined ? {} : { version: issued.version };
      if (credential) {
        const action =
          previous === undefined
            ? "issued"
            : sameCredential(previous, issued)
              ? "renewed"
              : "rotated";
        this.#events.emit({
          ...base,
          ...version,
          type: "credentials",
          action,
          expiresAt: epochFromMono(hard ?? expiresAt, now),
        });
      } else {
        this.#events.emit({
          ...base,
          ...version,
          type: "fetch",
          reason,
          expiresAt: epochFromMono(expiresAt, now),
        });
      }
    }
  }

  #failed(e: Entry<V>, err: unknown, started: number, reason: "miss" | "refresh" | "expired"): V {
    const now = monoNow();
    const code = SecretsError.is(err) ? err.code : "PROVIDER_ERROR";
    if (this.#events.active) {
      const message = err instanceof Error ? err.message : "non-error thrown";
      this.#events.emit({
        type: "error",
        time: Date.now(),
        provider: e.meta.provider,
        reference: e.meta.reference,
        code,
        message,
        durationMs: Math.round(now - started),
      });
    }
    if (!this.#isCurrent(e)) throw err;
    e.lastCode = code;
    if (!TRANSIENT.has(code)) {
      // A definitive answer (deleted, access revoked ...): never serve this value again.
      this.#drop(e, "error");
      throw err;
    }
    e.failures++;
    const max = this.#settings.maxBackoff;
    e.retryAt = now + Math.min(max, Math.min(1000, max) * 2 ** (e.failures - 1));
    if (e.current !== undefined && this.#live(e, now)) {
      // A refresh-ahead failed; the value is still good until it expires.
      this.#schedule(e, now);
      if (reason === "refresh") return e.current.value;
    }
    if (this.#canServeStale(e, now)) {
      this.#emitStale(e, now, code);
      return e.current?.value as V;
    }
    this.#drop(e, e.current !== undefined ? "expired" : "invalidate");
    throw err;
  }

  #emitStale(e: Entry<V>, now: number, code: ErrorCode): void {
    if (!this.#events.active) return;
    this.#events.emit({
      type: "stale",
      time: Date.now(),
      provider: e.meta.provider,
      reference: e.meta.reference,
      code,
      staleForMs: Math.round(Math.max(0, now - e.expiresAt)),
      staleUntil: epochFromMono(e.staleUntil, now),
    });
  }

  /** Expiring values get a timer so that they are renewed before expiry, if still in use. */
  #schedule(e: Entry<V>, now: number): void {
    e.timer?.clear();
    e.timer = undefined;
    if (e.hardExpiresAt === undefined) return;
    const at = Math.max(e.refreshAt, e.retryAt);
    if (at >= e.expiresAt) return;
    e.timer = longTimeout(
      () => {
        e.timer = undefined;
        if (!this.#isCurrent(e) || e.pending) return;
        if (e.usedSinceFetch) this.#refreshInBackground(e, e.load);
      },
      Math.max(0, at - now),
    );
  }
}
