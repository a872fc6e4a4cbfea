/**
 * Helpers for backends without a batch read (Key Vault, Secret Manager): `load()` reads
 * each reference with a bounded number in flight, and waits between retries honour the
 * call's signal.
 */

import { ConfigError } from "../errors.js";
import type { CallContext, Issued, ParsedRef } from "../types.js";

/**
 * Reads every reference with at most `concurrency` reads in flight: one result (or its
 * error) per reference, in input order; a failure never stops the other reads.
 *
 * @example
 * ```ts
 * const provider = { getSecrets: (refs: readonly ParsedRef[], call: CallContext) => readEach(refs, call, read, 16) };
 * ```
 */
export async function readEach(
  refs: readonly ParsedRef[],
  call: CallContext,
  read: (ref: ParsedRef, call: CallContext) => Promise<Issued>,
  concurrency: number,
): Promise<Array<Issued | Error>> {
  const out: Array<Issued | Error> = new Array(refs.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < refs.length; i = next++) {
      out[i] = await read(refs[i] as ParsedRef, call).catch((e: Error) => e);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, refs.length) }, worker));
  return out;
}

/**
 * A provider's `concurrency` option, checked: a whole number of at least 1, else a
 * `ConfigError` naming the provider.
 *
 * @example
 * ```ts
 * const concurrency = concurrencyOption("gcp", options.concurrency, 16);
 * ```
 */
export function concurrencyOption(
  provider: string,
  value: number | undefined,
  fallback: number,
): number {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n < 1) {
    throw new ConfigError({
      provider,
      message: `${provider}: concurrency must be a whole number >= 1 (got ${JSON.stringify(value)}).`,
    });
  }
  return n;
}

/**
 * Waits `ms`, or rejects with the signal's reason as soon as it fires (a backoff that
 * never outlives the call's deadline or `close()`).
 *
 * @example
 * ```ts
 * await pause(200, call.signal);
 * ```
 */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener("abort", abort);
      resolve();
    }
    function abort() {
      clearTimeout(t);
      reject(signal?.reason);
    }
    signal?.addEventListener("abort", abort, { once: true });
  });
}

/**
 * The promise, or the signal's reason once the signal fires. For SDK calls that take no
 * signal (google-auth-library, some Azure paths): the call runs on, but the caller stops
 * waiting at its deadline or on `close()`.
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
