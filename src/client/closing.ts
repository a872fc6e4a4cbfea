/**
 * Waits that end at a deadline: close() runs under one budget, and a provider
 * (or its creation) that ignores its signal must not hold a caller past it.
 */

export type { CloseResult } from "../api.js";

/** `p`, or a rejection with `error()` once `signal` fires, whichever comes first. */
export function untilAborted<T>(
  p: Promise<T>,
  signal: AbortSignal,
  error: () => unknown,
): Promise<T> {
  if (signal.aborted) {
    p.catch(() => undefined);
    return Promise.reject(error());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(error());
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** `p`'s value, or `undefined` once `signal` fires (never rejects). */
export function settleBy<T>(p: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  return untilAborted(p, signal, () => undefined).catch(() => undefined);
}
