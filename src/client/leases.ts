/**
 * Ends leases exactly once: at once when their entry is dropped (invalidate,
 * LRU eviction, clear), after a grace period when a re-issue replaced them (so
 * callers still holding the old credentials can finish), and all that are
 * still waiting on `close()`, which awaits every revocation.
 */

import type { Lease } from "../types.js";
import { leaseKey } from "./cache-keys.js";

/** Why a lease is ended. */
export type LeaseEndReason = "dropped" | "replaced" | "close";

/** Revokes one lease through its provider; resolves whether or not the backend agreed. */
export type Revoke = (
  provider: string,
  reference: string,
  lease: Lease,
  reason: LeaseEndReason,
) => Promise<void>;

interface Waiting {
  timer: ReturnType<typeof setTimeout>;
  provider: string;
  reference: string;
  lease: Lease;
}

/** @internal */
export class LeaseKeeper {
  readonly #revoke: Revoke;
  readonly #graceMs: number;
  /** Leases already revoked or scheduled, by provider and id: never twice. */
  readonly #ended = new Set<string>();
  readonly #waiting = new Map<string, Waiting>();
  readonly #running = new Set<Promise<void>>();

  constructor(revoke: Revoke, graceMs: number) {
    this.#revoke = revoke;
    this.#graceMs = graceMs;
  }

  /** Schedules the end of a lease (once); `expiresAt` past means it already ended by itself. */
  end(
    provider: string,
    reference: string,
    lease: Lease,
    reason: LeaseEndReason,
    expiresAt?: number,
  ): void {
    const key = leaseKey(provider, lease.id);
    if (this.#ended.has(key)) return;
    this.#ended.add(key);
    if (expiresAt !== undefined && Date.now() >= expiresAt) return;
    if (reason === "replaced" && this.#graceMs > 0) {
      const timer = setTimeout(() => {
        this.#waiting.delete(key);
        this.#run(provider, reference, lease, reason);
      }, this.#graceMs);
      timer.unref?.();
      this.#waiting.set(key, { timer, provider, reference, lease });
      return;
    }
    this.#run(provider, reference, lease, reason);
  }

  #run(provider: string, reference: string, lease: Lease, reason: LeaseEndReason): void {
    const p = this.#revoke(provider, reference, lease, reason)
      .catch(() => {
        // Reported as a revoke-failed event by the revoker.
      })
      .finally(() => this.#running.delete(p));
    this.#running.add(p);
  }

  /** Revokes every lease still in its grace period now, and waits for all revocations. */
  async drain(): Promise<void> {
    for (const [key, w] of this.#waiting) {
      clearTimeout(w.timer);
      this.#waiting.delete(key);
      this.#run(w.provider, w.reference, w.lease, "close");
    }
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }
}
