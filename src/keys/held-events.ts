/**
 * One usage event per request. An adapter verifies through the keyring and then applies the
 * limiter: asked to, the keyring holds its `key-used` event, and the adapter releases it once
 * with the limiter's outcome (a refusal, or `limits: "skipped"`), to the keyring's listener
 * and, when it is another function, the adapter's. Both get the same object, so a watcher fed
 * by both counts it once.
 * @internal
 */
import type { KeyEvent, KeyUsageEvent, VerifyResult } from "./types.js";

/** Passed in `verifyKey`'s options by the adapters: hold the event for {@link releaseEvent}. */
export const HOLD_EVENT: unique symbol = Symbol("secrets-loader.keys.holdEvent");

interface Held {
  event: KeyUsageEvent;
  emit: (event: KeyEvent) => void;
  listener: unknown;
}

const held = new WeakMap<VerifyResult, Held>();

/** Keeps `event` for `result` until the adapter releases it. */
export function holdEvent(
  result: VerifyResult,
  event: KeyUsageEvent,
  emit: (event: KeyEvent) => void,
  listener: unknown,
): void {
  held.set(result, { event, emit, listener });
}

/**
 * Emits the held event of `result`, patched, to the keyring's listener and to `also` unless it
 * is the same function. False when nothing was held (a `verify` of the caller's own).
 */
export function releaseEvent(
  result: VerifyResult,
  patch: Partial<KeyUsageEvent>,
  also: ((event: KeyUsageEvent) => void) | undefined,
): boolean {
  const h = held.get(result);
  if (h === undefined) return false;
  held.delete(result);
  const event = { ...h.event, ...patch };
  h.emit(event);
  if (also !== undefined && also !== h.listener) {
    try {
      also(event);
    } catch {
      // A listener's failure must not change the answer.
    }
  }
  return true;
}
