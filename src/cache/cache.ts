/**
 * The freshness engine (DESIGN.md §5): expiry from the provider or maxAge,
 * refresh ahead, single flight, stale-on-error for static secrets, LRU bound,
 * and proactive renewal timers for expiring values. Values are opaque here.
 */

import { type ErrorCode, SecretsError } from "../errors.js";
import type { Emitter } from "../events.js";
import { coarseNow } from "./clock.js";

/** What a loader returns: the value plus what the cache needs to time it. */
export interface Loaded<V> {
  value: V;
  version?: string | undefined;
  /** The provider's real expiry (epoch ms). */
  expiresAt?: number | undefined;
  /** Desired renewal lead before `expiresAt`, in ms. */
  refreshBefore?: number | undefined;
}

/** Resolved cache settings, in milliseconds. */
export interface CacheSettings {
  maxAge: number;
  refreshAhead: number;
  maxStale: number;
  maxEntries: number;
  credentialRefreshLead: number;
}

/** `secret` values may be served stale on error; `credential` values never. */
export type EntryKind = "secret" | "credential";

/** Who an entry belongs to, for events. */
export interface EntryMeta {
  provider: string;
  reference: string;
  kind: EntryKind;
}

interface Entry<V> {
  readonly key: string;
  readonly meta: EntryMeta;
  readonly load: () => Promise<Loaded<V>>;
  value: V | undefined;
  has: boolean;
  version: string | undefined;
  /** Serve as fresh until here. */
  expiresAt: number;
  /** The provider's own expiry, never crossed. */
  hardExpiresAt: number | undefined;
  /** Start a background refresh from here. */
  refreshAt: number;
  /** Serve stale (after a failed refresh) until here. */
  staleUntil: number;
  /** No new provider call before here, after a failure. */
  retryAt: number;
  failures: number;
  /** Code of the last failure, reported with stale values. */
  lastCode: ErrorCode;
  pending: Promise<V> | undefined;
  usedSinceFetch: boolean;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** Hooks the client uses to keep the redaction registry in step with the cache. */
export interface CacheHooks<V> {
  onStore(value: V): void;
  onDrop(value: V): void;
}

/** Failures that say nothing about the value itself; only these may be answered with a stale value. */
const TRANSIENT: ReadonlySet<ErrorCode> = new Set(["UNAVAILABLE", "THROTTLED", "PROVIDER_ERROR"]);

const MAX_BACKOFF = 60_000;
const backoff = (failures: number) => Math.min(MAX_BACKOFF, 1000 * 2 ** failures);

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
    if (e === undefined || !e.has) return undefined;
    const now = coarseNow();
    if (now >= e.expiresAt) return undefined;
    e.usedSinceFetch = true;
    if (this.#newest !== e) this.#touch(e);
    if (now >= e.refreshAt && e.pending === undefined && now >= e.retryAt) {
      this.#refreshInBackground(e, e.load);
    }
    if (emitHit && this.#events.active) {
      this.#events.emit({
        type: "hit",
        time: now,
        provider: e.meta.provider,
        reference: e.meta.reference,
      });
    }
    return e.value;
  }

  /**
   * The value for `key`, calling a loader at most once for any number of
   * concurrent callers. `load` serves this call's fetch; the loader of the
   * call that created the entry serves later background refreshes.
   * `hitCounted`: the caller already emitted `hit` through `fresh()`.
   */
  get(
    key: string,
    meta: EntryMeta,
    load: () => Promise<Loaded<V>>,
    hitCounted = false,
  ): Promise<V> {
    const hit = this.#fresh(key, !hitCounted);
    if (hit !== undefined) return Promise.resolve(hit);
    const now = Date.now();
    const e = this.#entries.get(key);
    if (e !== undefined) {
      e.usedSinceFetch = true;
      // Already failing: answer from the stale value at once, retrying behind it.
      if (e.failures > 0 && this.#canServeStale(e, now)) {
        if (e.pending === undefined && now >= e.retryAt) this.#refreshInBackground(e, load);
        this.#emitStale(e, now, e.lastCode);
        return Promise.resolve(e.value as V);
      }
      if (e.pending) return e.pending;
    }
    if (this.#events.active) {
      this.#events.emit({
        type: "miss",
        time: now,
        provider: meta.provider,
        reference: meta.reference,
      });
    }
    if (e === undefined) return this.#fetch(this.#create(key, meta, load), "miss", load);
    return this.#fetch(e, "expired", load);
  }

  /** True when a `get()` now would call the provider: no fresh value and no fetch in flight. */
  needsFetch(key: string): boolean {
    const e = this.#entries.get(key);
    if (e === undefined) return true;
    if (e.pending !== undefined) return false;
    return !(e.has && Date.now() < e.expiresAt);
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

  #create(key: string, meta: EntryMeta, load: () => Promise<Loaded<V>>): Entry<V> {
    const e: Entry<V> = {
      key,
      meta,
      load,
      value: undefined,
      has: false,
      version: undefined,
      expiresAt: 0,
      hardExpiresAt: undefined,
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

  #drop(e: Entry<V>, reason: "lru" | "invalidate" | "clear" | "expired" | "error"): void {
    if (this.#entries.get(e.key) === e) this.#entries.delete(e.key);
    if (this.#newest === e) this.#newest = undefined;
    if (e.timer) clearTimeout(e.timer);
    e.timer = undefined;
    if (e.has) {
      e.has = false;
      this.#hooks?.onDrop(e.value as V);
      e.value = undefined;
    }
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
      e.has &&
      e.meta.kind === "secret" &&
      now < e.staleUntil &&
      (e.hardExpiresAt === undefined || now < e.hardExpiresAt)
    );
  }

  #refreshInBackground(e: Entry<V>, load: () => Promise<Loaded<V>>): void {
    if (this.#events.active) {
      this.#events.emit({
        type: "refresh",
        time: Date.now(),
        provider: e.meta.provider,
        reference: e.meta.reference,
        expiresAt: e.expiresAt,
      });
    }
    this.#fetch(e, "refresh", load).catch(() => {
      // Reported through the "error" event; the current value keeps serving.
    });
  }

  #fetch(
    e: Entry<V>,
    reason: "miss" | "refresh" | "expired",
    load: () => Promise<Loaded<V>>,
  ): Promise<V> {
    const started = Date.now();
    // Deferred by one microtask so `pending` is set before any outcome, even
    // when `load` throws synchronously.
    const p: Promise<V> = Promise.resolve()
      .then(load)
      .then(
        (loaded) => {
          if (e.pending === p) e.pending = undefined;
          if (this.#isCurrent(e)) this.#store(e, loaded, started, reason);
          // Invalidated meanwhile: the waiting callers still get this value, so
          // redact() must know it; it is not cached and stays registered.
          else this.#hooks?.onStore(loaded.value);
          return loaded.value;
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
    loaded: Loaded<V>,
    started: number,
    reason: "miss" | "refresh" | "expired",
  ): void {
    const now = Date.now();
    const s = this.#settings;
    const hard = loaded.expiresAt;
    const credential = e.meta.kind === "credential";
    const expiresAt =
      hard !== undefined && (credential || hard < now + s.maxAge) ? hard : now + s.maxAge;
    const life = Math.max(0, expiresAt - now);
    let refreshAt = now + life * (1 - s.refreshAhead);
    if (hard !== undefined) {
      // Renew expiring values early enough, but never sooner than half their life.
      const lead = Math.min(
        loaded.refreshBefore ?? (credential ? s.credentialRefreshLead : 0),
        life / 2,
      );
      refreshAt = Math.min(refreshAt, expiresAt - lead);
    }
    const previous = e.has ? e.value : undefined;
    const hadValue = e.has;
    e.value = loaded.value;
    e.has = true;
    e.version = loaded.version;
    e.expiresAt = expiresAt;
    e.hardExpiresAt = hard;
    e.refreshAt = refreshAt;
    e.staleUntil = expiresAt + s.maxStale;
    e.retryAt = 0;
    e.failures = 0;
    e.usedSinceFetch = false;
    this.#hooks?.onStore(loaded.value);
    if (hadValue) this.#hooks?.onDrop(previous as V);
    this.#schedule(e, now);
    if (this.#entries.size > s.maxEntries) this.#evictOldest(e);
    if (this.#events.active) {
      const base = {
        time: now,
        provider: e.meta.provider,
        reference: e.meta.reference,
        durationMs: now - started,
      };
      const version = loaded.version === undefined ? {} : { version: loaded.version };
      if (credential) {
        this.#events.emit({
          ...base,
          ...version,
          type: "credentials",
          action: hadValue ? "renewed" : "issued",
          expiresAt: hard ?? expiresAt,
        });
      } else {
        this.#events.emit({ ...base, ...version, type: "fetch", reason, expiresAt });
      }
    }
  }

  #failed(e: Entry<V>, err: unknown, started: number, reason: "miss" | "refresh" | "expired"): V {
    const now = Date.now();
    const code = SecretsError.is(err) ? err.code : "PROVIDER_ERROR";
    if (this.#events.active) {
      const message = err instanceof Error ? err.message : "non-error thrown";
      this.#events.emit({
        type: "error",
        time: now,
        provider: e.meta.provider,
        reference: e.meta.reference,
        code,
        message,
        durationMs: now - started,
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
    e.retryAt = now + backoff(e.failures - 1);
    if (e.has && now < e.expiresAt) {
      // A refresh-ahead failed; the value is still good until it expires.
      this.#schedule(e, now);
      if (reason === "refresh") return e.value as V;
    }
    if (this.#canServeStale(e, now)) {
      this.#emitStale(e, now, code);
      return e.value as V;
    }
    this.#drop(e, e.has ? "expired" : "invalidate");
    throw err;
  }

  #emitStale(e: Entry<V>, now: number, code: ErrorCode): void {
    if (!this.#events.active) return;
    this.#events.emit({
      type: "stale",
      time: now,
      provider: e.meta.provider,
      reference: e.meta.reference,
      code,
      staleForMs: Math.max(0, now - e.expiresAt),
      staleUntil: e.staleUntil,
    });
  }

  /** Expiring values get a timer so that they are renewed before expiry, if still in use. */
  #schedule(e: Entry<V>, now: number): void {
    if (e.timer) clearTimeout(e.timer);
    e.timer = undefined;
    if (e.hardExpiresAt === undefined) return;
    const at = Math.max(e.refreshAt, e.retryAt);
    if (at >= e.expiresAt) return;
    const t = setTimeout(
      () => {
        e.timer = undefined;
        if (!this.#isCurrent(e) || e.pending) return;
        if (e.usedSinceFetch) this.#refreshInBackground(e, e.load);
      },
      Math.max(0, at - now),
    );
    t.unref?.();
    e.timer = t;
  }
}
