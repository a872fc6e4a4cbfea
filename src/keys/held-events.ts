/**
 * One usage event per request. An adapter verifies through the keyring and then applies the
 * limiter: asked to, the keyring holds its `key-used` event, and the adapter releases it once
 * with the limiter's outcome (a refusal, or `limits: "skipped"`), to the keyring's listener
 * and, when it is another function, the adapter's. Both get the same object, so a watcher fed
 * by both counts it once.
 *
 * The two sides meet through registry symbols (`Symbol.for`), not through an import: the
 * adapters' code then shares no module with the keys entry but its public index, so neither
 * entry loads an extra file.
 * @internal
 */
import type { KeyEvent, KeyUsageEvent, VerifyResult } from "./types.js";

/** Passed in `verifyKey`'s options by the adapters: hold the event (see release). */
export const HOLD_EVENT: unique symbol = Symbol.for("secrets-loader.keys.holdEvent") as never;
/** Where a held result keeps its release function (non-enumerable). */
const RELEASE = Symbol.for("secrets-loader.keys.releaseEvent");

/**
 * The release function of a held result: emits the held event, patched, to the keyring's
 * listener and to `also` unless it is the same function; once only.
 */
export type ReleaseEvent = (
  patch: Partial<KeyUsageEvent>,
  also: ((event: KeyUsageEvent) => void) | undefined,
) => void;

/** Keeps `event` for `result` until the adapter releases it. */
export function holdEvent(
  result: VerifyResult,
  event: KeyUsageEvent,
  emit: (event: KeyEvent) => void,
  listener: unknown,
): void {
  let released = false;
  const release: ReleaseEvent = (patch, also) => {
    if (released) return;
    released = true;
    const final = { ...event, ...patch };
    emit(final);
    if (also !== undefined && also !== listener) {
      try {
        also(final);
      } catch {
        // A listener's failure must not change the answer.
      }
    }
  };
  Object.defineProperty(result, RELEASE, { value: release, enumerable: false });
}
