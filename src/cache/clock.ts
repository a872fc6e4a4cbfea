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
 * Two clocks, one seam (`setClockSource`): the monotonic clock does not jump
 * with the wall clock, but it stops while a VM is suspended, and the wall
 * clock is what the backend's expiries are measured on. So a value stops
 * being served when EITHER says it expired, and a revocation is skipped only
 * when BOTH say its lease ended (a redundant revocation is harmless).
 */

/** The two clocks the client reads; tests (and the testing kit) replace them. */
export interface ClockSource {
  /** Monotonic ms (default `performance.now`). */
  mono: () => number;
  /** Epoch ms (default `Date.now`). */
  wall: () => number;
}

/** The largest delay a Node timer takes (2^31-1 ms, about 24.8 days). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

const REUSES = 64;
let cached = 0;
let left = 0;
let source: () => number = performance.now;
let custom: Partial<ClockSource> | undefined;

/**
 * Replaces either clock (or both); `undefined` restores the real ones.
 *
 * @internal
 */
export function setClockSource(clocks?: Partial<ClockSource>): void {
  custom = clocks;
  left = 0;
}

function drop(): void {
  left = 0;
}

/** Monotonic milliseconds (not epoch: compare only with other readings of this clock). */
export function monoNow(): number {
  return custom?.mono ? custom.mono() : performance.now();
}

/** Epoch milliseconds (the wall clock, through the seam). */
export function wallNow(): number {
  return custom?.wall ? custom.wall() : Date.now();
}

/** `monoNow()`, reused within one event-loop turn for the hot path. */
export function coarseNow(): number {
  if (custom?.mono) return custom.mono();
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
