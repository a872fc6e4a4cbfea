/**
 * The test clock: replaces the cache's clocks (monotonic and wall) through
 * the one seam in `src/cache/clock.ts`, so a test moves time instead of
 * waiting for it.
 */

import { setClockSource } from "../cache/clock.js";
import { toMillis } from "../duration.js";
import type { Duration } from "../index.js";

/**
 * A clock a test moves by hand. While installed, every client's cache (expiry, refresh ahead,
 * stale windows) and the memory provider's expiries and leases read it.
 *
 * @example
 * ```ts
 * const clock = useTestClock();
 * clock.advance("55m"); // the next read refreshes ahead, renews a lease, or re-reads an expired value
 * clock.restore();
 * ```
 */
export interface TestClock {
  /** The current epoch ms of this clock. */
  now(): number;
  /** Moves time forward (ms, or `"5m"`). */
  advance(by: Duration): void;
  /** Puts the system clocks back. */
  restore(): void;
}

/**
 * Installs a test clock, starting at `start` (epoch ms; default: now). What moves with it: the
 * cache's expiry and refresh points, and the memory provider's `expiresAt`s and leases. What does
 * not: timers (`setTimeout`), so a refresh or renewal happens on the next read after `advance`,
 * and `memory.idle()` waits for one running in the background.
 *
 * @example
 * ```ts
 * import { afterEach } from "vitest";
 * import { useTestClock } from "secrets-loader/testing";
 *
 * const clock = useTestClock();
 * afterEach(() => clock.restore());
 * ```
 */
export function useTestClock(start: number = Date.now()): TestClock {
  if (typeof start !== "number" || !Number.isFinite(start)) {
    throw new TypeError("useTestClock(start): start must be epoch milliseconds.");
  }
  let offset = 0;
  const monoStart = performance.now();
  const source = { mono: () => monoStart + offset, wall: () => start + offset };
  const previous = setClockSource(source);
  let installed = true;
  return {
    now: () => start + offset,
    advance(by: Duration) {
      const ms = toMillis(by, "advance");
      if (!(ms >= 0)) throw new TypeError("advance(by): time only moves forward.");
      offset += ms;
    },
    restore() {
      if (!installed) return;
      installed = false;
      setClockSource(previous);
    },
  };
}
