/**
 * Every provider call runs under a deadline: its own signal fires on the
 * deadline (as an UnavailableError, so a stale value may answer instead) or
 * when the client closes, and the caller gets an answer by then even if the
 * provider ignores the signal.
 */

import { ClientClosedError, UnavailableError } from "../errors.js";
import type { CallContext, Issued, ProviderContext } from "../types.js";
import { scrub } from "./stored.js";

/** What a call concerns, for its deadline error. */
export interface CallSubject {
  provider: string;
  reference?: string | undefined;
  /** Shown in the message, e.g. `aws-sm://prod/db` or `credentials aws:AssumeRole for …`. */
  what: string;
}

/**
 * Runs `fn` with a call context whose signal fires after `timeoutMs` or on
 * `closed`. Settles by then at the latest.
 *
 * @internal
 */
export function callWithDeadline<T>(
  context: ProviderContext,
  closed: AbortSignal,
  timeoutMs: number,
  subject: CallSubject,
  fn: (call: CallContext) => Promise<T>,
  previous?: Issued<unknown>,
): Promise<T> {
  if (closed.aborted) {
    return Promise.reject(
      new ClientClosedError({ provider: subject.provider, reference: subject.reference }),
    );
  }
  const deadline = new AbortController();
  const signal = AbortSignal.any([closed, deadline.signal]);
  const call: CallContext = previous ? { ...context, signal, previous } : { ...context, signal };
  return new Promise<T>((resolve, reject) => {
    const onClose = () =>
      reject(new ClientClosedError({ provider: subject.provider, reference: subject.reference }));
    const timer = setTimeout(() => {
      const err = new UnavailableError({
        provider: subject.provider,
        ...(subject.reference ? { reference: subject.reference } : {}),
        message: `${subject.provider}: no answer for ${subject.what} within ${timeoutMs} ms, so the call was aborted. Check that the backend is reachable, or raise the deadline (createSecrets({ timeout }) or the call's { timeout }).`,
      });
      deadline.abort(err);
      reject(err);
    }, timeoutMs);
    timer.unref?.();
    closed.addEventListener("abort", onClose, { once: true });
    let p: Promise<T>;
    try {
      p = fn(call);
    } catch (err) {
      p = Promise.reject(err);
    }
    // Every backend failure passes here (reads, credentials, the memo, revocations): mask any
    // loaded value an SDK quoted before the error reaches an event, a log or the caller.
    p.then(resolve, (err: unknown) => {
      scrub(err);
      reject(err);
    }).finally(() => {
      clearTimeout(timer);
      closed.removeEventListener("abort", onClose);
    });
  });
}
