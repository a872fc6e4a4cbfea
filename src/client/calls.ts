/**
 * Every provider call runs under a deadline: its own signal fires on the
 * deadline (as an UnavailableError, so a stale value may answer instead) or
 * when the client closes, and the caller gets an answer by then even if the
 * provider ignores the signal. A call whose answer may carry a lease keeps
 * reading it for a bounded time after the caller gave up (`answerSignal`), so
 * the client can revoke what the backend issued.
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
  /** The deadline to name in the message, when `timeoutMs` is what is left of it. */
  deadlineMs?: number;
}

/** How long an answer that may carry a lease is still read after its caller gave up. */
export const LATE_ANSWER_MS = 10_000;

/**
 * One listener on a client-wide signal for every call in flight: each call
 * joins a set and leaves it when it settles, so a call costs O(1) however
 * many are running (Node's addEventListener on one signal is O(listeners)).
 *
 * @internal
 */
export class SignalFanout {
  readonly signal: AbortSignal;
  readonly #calls = new Set<() => void>();

  constructor(signal: AbortSignal) {
    this.signal = signal;
    signal.addEventListener(
      "abort",
      () => {
        const calls = [...this.#calls];
        this.#calls.clear();
        for (const onAbort of calls) onAbort();
      },
      { once: true },
    );
  }

  /** Runs `onAbort` when the signal fires, unless removed first; returns the removal. */
  add(onAbort: () => void): () => void {
    this.#calls.add(onAbort);
    return () => this.#calls.delete(onAbort);
  }
}

/** Where the answer of a call goes when it arrives after its caller was answered. */
export interface LateAnswers<T> {
  /** Fires at close()'s deadline: late answers are no longer read. */
  readonly stop: SignalFanout;
  /** Receives an answer that arrived after the caller was answered. */
  accept(value: T): void;
  /** Told of a call still running after its caller was answered (close() waits for it). */
  track(running: Promise<unknown>): void;
}

/**
 * Runs `fn` with a call context whose signal fires after `timeoutMs` or on
 * `closed`. Settles by then at the latest. The call's signals are its own
 * (never `AbortSignal.any` over the client's): the shared signals reach it
 * through one listener each, for every call.
 *
 * @internal
 */
export function callWithDeadline<T>(
  context: ProviderContext,
  closed: SignalFanout,
  timeoutMs: number,
  subject: CallSubject,
  fn: (call: CallContext) => Promise<T>,
  previous?: Issued<unknown>,
  late?: LateAnswers<T>,
): Promise<T> {
  if (closed.signal.aborted) {
    return Promise.reject(
      new ClientClosedError({ provider: subject.provider, reference: subject.reference }),
    );
  }
  // Fires on the deadline or when the client closes.
  const own = new AbortController();
  const signal = own.signal;
  // Fires LATE_ANSWER_MS after the caller gave up, or at close()'s deadline.
  const gaveUp = new AbortController();
  const answerSignal = late ? gaveUp.signal : signal;
  let leaveStop: (() => void) | undefined;
  if (late) {
    const stop = late.stop.signal;
    if (stop.aborted) gaveUp.abort(stop.reason);
    else leaveStop = late.stop.add(() => gaveUp.abort(stop.reason));
  }
  const call: CallContext = {
    ...context,
    signal,
    answerSignal,
    ...(previous ? { previous } : {}),
  };
  let answered = false;
  let lateTimer: ReturnType<typeof setTimeout> | undefined;
  let p: Promise<T> | undefined;
  /** The caller is answered before the provider: keep reading a late answer, for a bounded time. */
  const giveUp = (reason: unknown) => {
    if (answered) return; // the deadline, then close(): once
    answered = true;
    if (!late || !p) return;
    lateTimer = setTimeout(() => gaveUp.abort(reason), LATE_ANSWER_MS);
    lateTimer.unref?.();
    late.track(p.catch(() => undefined));
  };
  let leaveClosed: (() => void) | undefined;
  return new Promise<T>((resolve, reject) => {
    const onClose = () => {
      own.abort(closed.signal.reason);
      const err = new ClientClosedError({
        provider: subject.provider,
        reference: subject.reference,
      });
      reject(err);
      giveUp(err);
    };
    const timer = setTimeout(() => {
      const err = new UnavailableError({
        provider: subject.provider,
        ...(subject.reference ? { reference: subject.reference } : {}),
        message: `${subject.provider}: no answer for ${subject.what} within ${subject.deadlineMs ?? timeoutMs} ms, so the call was aborted. Check that the backend is reachable, or raise the deadline (createSecrets({ timeout }) or the call's { timeout }).`,
      });
      own.abort(err);
      reject(err);
      giveUp(err);
    }, timeoutMs);
    timer.unref?.();
    leaveClosed = closed.add(onClose);
    try {
      p = fn(call);
    } catch (err) {
      p = Promise.reject(err);
    }
    // Every backend failure passes here (reads, credentials, the memo, revocations): mask any
    // loaded value an SDK quoted before the error reaches an event, a log or the caller.
    p.then(
      (value) => {
        if (answered) late?.accept(value);
        else resolve(value);
      },
      (err: unknown) => {
        scrub(err);
        reject(err);
      },
    ).finally(() => {
      clearTimeout(timer);
      clearTimeout(lateTimer);
      leaveClosed?.();
      leaveStop?.();
    });
  });
}
