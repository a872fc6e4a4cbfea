/**
 * Ends leases exactly once: at once when their entry is dropped (invalidate,
 * LRU eviction, clear) or when an answer arrived after its caller gave up,
 * after a grace period when a re-issue replaced them (so callers still
 * holding the old credentials can finish), and all that are still waiting on
 * `close()`. A refused or failed revocation is retried with backoff: a few
 * times under the client's timeout, and until `close()`'s deadline once it
 * runs. What could not be revoked by then is listed by `unrevoked()`.
 */

import type { UnrevokedLease } from "../api.js";
import { type LongTimer, longTimeout } from "../cache/clock.js";
import { pause } from "../provider/batch.js";
import type { Lease } from "../types.js";
import { leaseKey } from "./cache-keys.js";

/** Why a lease is ended. */
export type LeaseEndReason = "dropped" | "replaced" | "late" | "close";

/** Revokes one lease through its provider under `signal`; rejects when the backend did not agree. */
export type Revoke = (
  provider: string,
  reference: string,
  lease: Lease,
  reason: LeaseEndReason,
  signal: AbortSignal,
) => Promise<void>;

/** Told once per lease: revoked, or given up on (it then ends at its expiry). */
export type RevokeOutcome = (
  provider: string,
  reference: string,
  lease: Lease,
  reason: LeaseEndReason,
  revoked: boolean,
) => void;

interface Pending {
  provider: string;
  reference: string;
  lease: Lease;
  reason: LeaseEndReason;
  timer?: LongTimer | undefined;
  /** A revocation loop is running for it. */
  running?: boolean;
}

/** Attempts per revocation before close(); under close() it retries until its deadline. */
const ATTEMPTS = 3;
const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 1_000;

/** @internal */
export class LeaseKeeper {
  readonly #revoke: Revoke;
  readonly #outcome: RevokeOutcome;
  readonly #graceMs: number;
  readonly #attemptMs: number;
  /** Leases already revoked or scheduled, by provider and id: never twice. */
  readonly #ended = new Set<string>();
  /** Not yet revoked: waiting out their grace, being revoked, or given up on. */
  readonly #pending = new Map<string, Pending>();
  readonly #running = new Set<Promise<void>>();
  /** Aborted at close()'s deadline. */
  readonly #stop = new AbortController();
  #closing = false;

  constructor(revoke: Revoke, outcome: RevokeOutcome, graceMs: number, attemptMs: number) {
    this.#revoke = revoke;
    this.#outcome = outcome;
    this.#graceMs = graceMs;
    this.#attemptMs = attemptMs;
  }

  /**
   * Schedules the end of a lease (once). `ended` says whether the lease has
   * already ended by itself; it is skipped only then (a redundant revocation is
   * harmless, a missed one leaves credentials live).
   */
  end(
    provider: string,
    reference: string,
    lease: Lease,
    reason: LeaseEndReason,
    ended?: () => boolean,
  ): void {
    const key = leaseKey(provider, lease.id);
    if (this.#ended.has(key)) return;
    this.#ended.add(key);
    if (ended?.()) return;
    const p: Pending = { provider, reference, lease, reason };
    this.#pending.set(key, p);
    if (reason === "replaced" && this.#graceMs > 0 && !this.#closing) {
      p.timer = longTimeout(() => {
        p.timer = undefined;
        this.#run(key, p);
      }, this.#graceMs);
      return;
    }
    this.#run(key, p);
  }

  #run(key: string, p: Pending): void {
    if (p.running) return;
    p.running = true;
    const run = this.#attempts(key, p).finally(() => {
      p.running = false;
      this.#running.delete(run);
    });
    this.#running.add(run);
  }

  async #attempts(key: string, p: Pending): Promise<void> {
    let backoff = FIRST_BACKOFF_MS;
    for (let attempt = 1; ; attempt++) {
      const closing = this.#closing;
      const signal = closing
        ? this.#stop.signal
        : AbortSignal.any([this.#stop.signal, AbortSignal.timeout(this.#attemptMs)]);
      try {
        await this.#revoke(p.provider, p.reference, p.lease, p.reason, signal);
        this.#pending.delete(key);
        this.#outcome(p.provider, p.reference, p.lease, p.reason, true);
        return;
      } catch {
        // Refused, unreachable or out of time: retried below while the budget lasts.
      }
      if (this.#stop.signal.aborted || (!this.#closing && attempt >= ATTEMPTS)) {
        this.#outcome(p.provider, p.reference, p.lease, p.reason, false);
        return; // Still pending: close() tries again, and lists it if it stays live.
      }
      try {
        await pause(backoff * (0.5 + Math.random() / 2), this.#stop.signal);
      } catch {
        this.#outcome(p.provider, p.reference, p.lease, p.reason, false);
        return;
      }
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
  }

  /**
   * close(): revokes every pending lease now (in parallel, retrying until
   * `deadline`), and resolves when all are done or the deadline fired.
   */
  async drain(deadline: AbortSignal): Promise<void> {
    this.#closing = true;
    const stop = () => this.#stop.abort(deadline.reason);
    if (deadline.aborted) stop();
    else deadline.addEventListener("abort", stop, { once: true });
    for (const [key, p] of this.#pending) {
      p.timer?.clear();
      p.timer = undefined;
      p.reason = "close";
      this.#run(key, p);
    }
    while (this.#running.size > 0 && !deadline.aborted) {
      await Promise.race([
        Promise.allSettled([...this.#running]),
        new Promise((r) => deadline.addEventListener("abort", r, { once: true })),
      ]);
    }
  }

  /** Leases the client caused that are not known to be revoked. */
  unrevoked(): UnrevokedLease[] {
    return [...this.#pending.values()].map((p) =>
      Object.freeze({ provider: p.provider, reference: p.reference, lease: p.lease.id }),
    );
  }
}
