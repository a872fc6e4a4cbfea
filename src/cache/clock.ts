/**
 * The cache's clock: monotonic, so a wall-clock step (NTP, a VM resume, a
 * manual change) can neither keep an entry fresh nor expire it early.
 * Providers speak epoch ms (a lease end, a token's `exp`); those are converted
 * to this clock once, when stored, and back to epoch ms for events.
 *
 * The cache-hit path reads it through `coarseNow()`: a reading is reused for
 * at most 64 calls and never past the current event-loop turn (an unref'd
 * setImmediate drops it), because reading a clock costs more than the rest of
 * a hit. Awaited hits in one turn take microseconds, far below the
 * seconds-to-minutes granularity of expiry. Every decision that stores state
 * reads `monoNow()` afresh. The reading is also dropped when
 * `performance.now` itself is replaced, so fake timers installed or removed
 * between tests never see another clock's time.
 *
 * The one seam for tests (`secrets-loader/testing`'s clock): a replacement
 * source of both readings, the monotonic one and the wall (epoch) one that
 * providers' expiries are converted through. While one is set, no reading is
 * reused, so advancing it is seen at once.
 *
 * Two clocks: the monotonic one does not jump with the wall clock, but it
 * stops while a VM is suspended, and the wall clock is what the backend's
 * expiries are measured on. So a value stops being served when EITHER says it
 * expired, and a revocation is skipped only when BOTH say its lease ended (a
 * redundant revocation is harmless).
 */

/** A replacement for the system clocks: `mono` monotonic ms, `wall` epoch ms. */
export interface ClockSource {
  mono(): number;
  wall(): number;
}

const REUSES = 64;
let cached = 0;
let left = 0;
let source: () => number = performance.now;
let replaced: ClockSource | undefined;

/** Replaces the clocks (`undefined`: back to the system's); returns the previous replacement. @internal */
export function setClockSource(next: ClockSource | undefined): ClockSource | undefined {
  const previous = replaced;
  replaced = next;
  left = 0;
  return previous;
}

function drop(): void {
  left = 0;
}

/** Monotonic milliseconds (not epoch: compare only with other readings of this clock). */
export function monoNow(): number {
  return replaced ? replaced.mono() : performance.now();
}

/** Epoch milliseconds (`Date.now()`, or the replacement's wall clock). */
export function wallNow(): number {
  return replaced ? replaced.wall() : Date.now();
}

/** `monoNow()`, reused within one event-loop turn for the hot path. */
export function coarseNow(): number {
  if (replaced) return replaced.mono();
  if (left > 0 && performance.now === source) {
    left--;
    return cached;
  }
  source = performance.now;
  cached = monoNow();
  left = REUSES - 1;
  // One immediate per reading, not a shared "scheduled" flag: a flag would
  // stick if an immediate never ran (fake timers removed before it fired).
  setImmediate(drop).unref();
  return cached;
}

/** An epoch-ms instant (from a provider) on the monotonic clock, relative to now. */
export function monoFromEpoch(epochMs: number, mono = monoNow()): number {
  return mono + (epochMs - wallNow());
}

/** A monotonic instant as epoch ms, for events. */
export function epochFromMono(at: number, mono = monoNow()): number {
  return wallNow() + (at - mono);
}

/** The largest delay a Node timer takes (2^31-1 ms, about 24.8 days). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A timer that may be cleared. */
export interface LongTimer {
  clear(): void;
}

/**
 * `setTimeout` for any delay: one longer than the timer limit (a 768 h
 * lease) is waited out in steps below it, so it neither overflows (Node
 * would warn and fire at once) nor fires early. Unref'd.
 */
export function longTimeout(fn: () => void, ms: number): LongTimer {
  let t: ReturnType<typeof setTimeout>;
  const step = (left: number) => {
    t = setTimeout(
      () => (left > MAX_TIMER_MS ? step(left - MAX_TIMER_MS) : fn()),
      Math.min(Math.max(0, left), MAX_TIMER_MS),
    );
    t.unref?.();
  };
  step(ms);
  return { clear: () => clearTimeout(t) };
}
