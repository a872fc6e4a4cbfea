/**
 * A coarse clock for the cache-hit path. Reading the system clock costs
 * ~115 ns on these VMs (clock_gettime), more than the rest of a cache hit, so a
 * reading is reused for at most 64 calls and never past the current
 * event-loop turn (an unref'd setImmediate drops it). Awaited hits in one turn
 * take microseconds, far below the seconds-to-minutes granularity of expiry.
 * Every decision that stores state (fetch, expiry, renewal) reads `Date.now()`.
 *
 * The reading is also dropped when `Date.now` itself is replaced, so fake
 * timers installed or removed between tests never see another clock's time.
 */

const REUSES = 64;
let cached = 0;
let left = 0;
let source: () => number = Date.now;

function drop(): void {
  left = 0;
}

export function coarseNow(): number {
  if (left > 0 && Date.now === source) {
    left--;
    return cached;
  }
  source = Date.now;
  cached = source();
  left = REUSES - 1;
  // One immediate per reading, not a shared "scheduled" flag: a flag would
  // stick if an immediate never ran (fake timers removed before it fired).
  setImmediate(drop).unref();
  return cached;
}
