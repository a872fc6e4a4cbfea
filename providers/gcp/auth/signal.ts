/**
 * google-auth-library takes no AbortSignal: its calls run on, but the caller stops
 * waiting when the call's deadline (or `close()`) fires.
 */

/**
 * The promise, or the signal's reason once it aborts.
 *
 * @example
 * ```ts
 * const token = await raceSignal(client.getAccessToken(), call.signal);
 * ```
 */
export function raceSignal<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
