/**
 * Typed events: a usage log of every key read, ready for any logger (the API-key
 * checklist asks that every use be logged). Events carry references,
 * provider names, versions, timings and expiries, never a value.
 */

import type { ErrorCode } from "./errors.js";

/**
 * Fields every event has.
 *
 * @example
 * ```ts
 * const base: EventBase = { time: Date.now(), provider: "env", reference: "env://API_KEY" };
 * ```
 */
export interface EventBase {
  /** Epoch ms when the event happened. */
  time: number;
  /** Provider name, for example `aws`. */
  provider: string;
  /** The reference (or `provider:credentials` for credentials). */
  reference: string;
}

/**
 * Every event the client emits. Switch on `type`.
 *
 * @example
 * ```ts
 * const secrets = createSecrets({
 *   onEvent(e) {
 *     if (e.type === "error") logger.warn({ ref: e.reference, code: e.code });
 *   },
 * });
 * ```
 */
export type SecretsEvent =
  | (EventBase & {
      /** A provider call succeeded (a cold fetch or a refresh). */
      type: "fetch";
      /** Why the call was made. */
      reason: "miss" | "refresh" | "expired";
      /** Duration of the provider call in ms. */
      durationMs: number;
      /** The provider's version id, if any. */
      version?: string;
      /** When the cached value stops being served (epoch ms). */
      expiresAt: number;
    })
  | (EventBase & {
      /** Served from a fresh cache entry. */
      type: "hit";
    })
  | (EventBase & {
      /** Not in the cache (or expired); a provider call follows or is joined. */
      type: "miss";
    })
  | (EventBase & {
      /** A background refresh started: ahead of expiry, or a retry behind a stale value. */
      type: "refresh";
      /** When the current value expires (epoch ms). */
      expiresAt: number;
    })
  | (EventBase & {
      /** A refresh failed and the last value was served instead. */
      type: "stale";
      /** The refresh failure's code. */
      code: ErrorCode;
      /** How long past its normal expiry the served value is, in ms. */
      staleForMs: number;
      /** The last instant it may still be served (epoch ms). */
      staleUntil: number;
    })
  | (EventBase & {
      /** A provider call failed. */
      type: "error";
      /** The error's code. */
      code: ErrorCode;
      /** The error's message (never contains a value). */
      message: string;
      /** Duration of the failed call in ms. */
      durationMs: number;
    })
  | (EventBase & {
      /** Short-lived credentials were issued, renewed or rotated. `reference` is the provider's label for the request, such as `vault:database/creds/readonly`. */
      type: "credentials";
      /** `issued`: the first time; `renewed`: the same lease extended; `rotated`: replaced by new credentials. */
      action: "issued" | "renewed" | "rotated";
      /** A loggable id such as an access key id or lease id. */
      version?: string;
      /** When they expire (epoch ms), if they do. */
      expiresAt?: number;
      /** Duration of the provider call in ms. */
      durationMs: number;
    })
  | (EventBase & {
      /** A lease was renewed in place, revoked, or its revocation failed (it then ends at its expiry). */
      type: "lease";
      /** What happened to it. */
      action: "renewed" | "revoked" | "revoke-failed";
      /** The backend's lease id (an identifier, not a credential). */
      lease: string;
      /** Its expiry after a renewal (epoch ms). */
      expiresAt?: number;
      /** Why it was revoked: its entry was dropped, replaced by a re-issue, its answer arrived after the caller gave up (`late`), or the client closed. */
      reason?: "dropped" | "replaced" | "late" | "close";
    })
  | (EventBase & {
      /**
       * Something works but is probably a mistake: `READ_AT_BUILD`, a read during `next build`;
       * `LOAD_EXCEEDS_CACHE`, a `load()` of more distinct references than `cache.maxEntries`
       * (provider `*`, reference `load()`): the cache cannot keep them all.
       */
      type: "warning";
      /** What kind of mistake. */
      code: "READ_AT_BUILD" | "LOAD_EXCEEDS_CACHE";
      /** What happened and how to fix it (never a value). */
      message: string;
    })
  | (EventBase & {
      /** An entry left the cache (`error`: the provider said the value is gone or no longer readable). */
      type: "evict";
      /** Why it left. */
      reason: "lru" | "invalidate" | "clear" | "expired" | "error";
    });

/**
 * A function that receives events. It may return a promise (an async audit
 * log). A listener that throws or rejects never changes the outcome of a
 * secret request: the failure is caught, and reported once per listener as a
 * process warning (`SECRETS_LOADER_LISTENER_ERROR`, naming the event type and
 * the error), never as an unhandled rejection.
 *
 * @example
 * ```ts
 * const listener: SecretsListener = (e) => console.log(e.type, e.reference);
 * ```
 */
export type SecretsListener = (event: SecretsEvent) => void;

/** The warning code of a listener's failure (see `SecretsListener`). */
const LISTENER_ERROR = "SECRETS_LOADER_LISTENER_ERROR";

/** A tiny synchronous emitter; `active` lets hot paths skip building events. */
export class Emitter {
  #listeners: SecretsListener[] = [];
  /** Listeners whose failure was reported: once each. */
  readonly #reported = new WeakSet<SecretsListener>();

  get active(): boolean {
    return this.#listeners.length > 0;
  }

  on(listener: SecretsListener): () => void {
    this.#listeners = [...this.#listeners, listener];
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  emit = (event: SecretsEvent): void => {
    for (const listener of this.#listeners) {
      try {
        const r: unknown = listener(event);
        if (
          r !== null &&
          typeof r === "object" &&
          typeof (r as Promise<unknown>).then === "function"
        ) {
          (r as Promise<unknown>).then(undefined, (err: unknown) =>
            this.#failed(listener, event, err),
          );
        }
      } catch (err) {
        // A listener's failure must not change the outcome of a secret request.
        this.#failed(listener, event, err);
      }
    }
  };

  #failed(listener: SecretsListener, event: SecretsEvent, err: unknown): void {
    if (this.#reported.has(listener)) return;
    this.#reported.add(listener);
    const what =
      err instanceof Error
        ? `${err.name}: ${err.message.split("\n")[0]?.slice(0, 200)}`
        : typeof err;
    try {
      globalThis.process?.emitWarning?.(
        `secrets-loader: an event listener failed on a "${event.type}" event (${what}). Loading is unaffected; later failures of this listener are not reported. Catch errors inside the listener (onEvent) to handle them yourself.`,
        { code: LISTENER_ERROR },
      );
    } catch {
      // A warning handler that throws must not break loading either.
    }
  }
}
