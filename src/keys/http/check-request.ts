/**
 * The framework-neutral part of the HTTP adapters: read the presented key from a header,
 * verify it, rate-limit it, log the outcome, and turn a refusal into an RFC 9457 problem.
 * The node `http`, Express and Fastify entries only translate requests and responses.
 *
 * A refusal never echoes the presented key: bodies and headers are built from fixed texts and
 * the refusal's reason.
 */
import type { ReleaseEvent } from "../held-events.js";
// The keys entry's own index, not its modules: importing a module of it directly would split
// that module into a chunk of its own, one more file for every importer of secrets-loader/keys.
import { ApiKeyCheckError } from "../index.js";
import type { Keyring } from "../keyring.js";
import type { KeyLimiter, LimitDecision } from "../limits/limiter.js";
import type { KeyLookup, KeyRecord, KeyUsageEvent, VerifyReason, VerifyResult } from "../types.js";

export { ApiKeyCheckError } from "../index.js";

/** The keyring's registry symbols (held-events.ts): hold the event, and release it. */
const HOLD_EVENT = Symbol.for("secrets-loader.keys.holdEvent");
const RELEASE_EVENT = Symbol.for("secrets-loader.keys.releaseEvent");

/** Releases the keyring's held event of `result`; false when none was held. */
function releaseEvent(
  result: VerifyResult,
  patch: Partial<KeyUsageEvent>,
  also: ((event: KeyUsageEvent) => void) | undefined,
): boolean {
  const release = (result as { [RELEASE_EVENT]?: ReleaseEvent })[RELEASE_EVENT];
  if (typeof release !== "function") return false;
  release(patch, also);
  return true;
}

/**
 * What the adapters know about a request, whatever the framework.
 *
 * @example
 * ```ts
 * const info: RequestInfo = { method: "GET", route: "GET /v1/items", ip: "203.0.113.7", header: (n) => req.headers[n] };
 * ```
 */
export interface RequestInfo {
  /** The HTTP method. */
  method: string;
  /**
   * Method and route pattern (`GET /v1/items/:id`), or method and path with id-like segments
   * replaced (see `routeName`): for scopes and the log. Never the raw path.
   */
  route: string;
  /** The peer's IP address. */
  ip?: string;
  /** A request header by lower-case name. */
  header(name: string): string | string[] | undefined;
  /**
   * Every value of a header as sent, by lower-case name (from the raw headers: Node keeps only
   * the first of a repeated `Authorization`). When given, a repeated key header is refused.
   */
  headerValues?(name: string): string[];
}

/**
 * What the adapter passes to a `verify` function besides the key.
 *
 * @example
 * ```ts
 * const verify = (key: string, ctx: VerifyContext) => keys.verifyKey(key, lookup, ctx);
 * ```
 */
export interface VerifyContext {
  /** The scope the route needs. */
  scope?: string;
  /** The caller's IP. */
  ip?: string;
  /** The route, for the usage log. */
  route: string;
}

/**
 * Options shared by the three adapters.
 *
 * @example
 * ```ts
 * const options: ApiKeyOptions = {
 *   keyring, lookup: (hash) => db.keyByHash(hash),
 *   scope: "orders:read",
 *   limiter: createKeyLimiter({ limits: [{ by: "key", points: 100, per: 60 }] }),
 *   onEvent: jsonLinesLogger(process.stdout),
 * };
 * ```
 */
export interface ApiKeyOptions {
  /** Verifies with this keyring and lookup (the keyring logs each verification itself). */
  keyring?: Pick<Keyring, "verifyKey">;
  /** Finds a record by its hash (with `keyring`). */
  lookup?: KeyLookup;
  /** Or any verification of your own (instead of `keyring` and `lookup`). */
  verify?: (presented: string, context: VerifyContext) => Promise<VerifyResult> | VerifyResult;
  /** The scope the route needs: fixed, or chosen per request. */
  scope?: string | ((request: RequestInfo) => string | undefined);
  /**
   * The header carrying the key. `authorization` (the default) expects `Bearer <key>`; any
   * other header (such as `x-api-key`) carries the key alone.
   */
  header?: string;
  /** Rate limits and quotas, applied after a successful verification. */
  limiter?: KeyLimiter;
  /**
   * Receives the events the keyring cannot see: a request without a key (`malformed`) and a
   * request the limiter refused (`rate-limited`, `quota`). Verifications are the keyring's to
   * log (its `onEvent`), so one logger given to both records each request once per step.
   */
  onEvent?: (event: KeyUsageEvent) => void;
  /** Called with the re-hashed record when a key verified under a previous pepper: store it. */
  onRehashed?: (record: KeyRecord) => unknown;
  /** The caller's IP (default: the socket's peer). Behind a proxy, read it from your proxy. */
  ip?: (request: RequestInfo) => string | undefined;
  /**
   * The route as logged and watched (default: method and path, or the framework's route
   * pattern). Map ids out of paths (`/keys/:id`), or every id is a "new route" to the watcher.
   */
  route?: (request: RequestInfo) => string;
  /**
   * Told when the check itself fails (a lookup, pepper or store that throws, or a stored record
   * that does not parse: an `ApiKeyCheckError`) or the request's handler throws (an
   * `ApiKeyHandlerError`); the adapter answers 500 with a problem body. Default: one line on
   * stderr. Messages are fixed; the original error is the `cause`.
   */
  onError?: (error: ApiKeyCheckError | ApiKeyHandlerError) => void;
}

/**
 * The request's handler threw (or rejected) after its key was verified. Its message is fixed;
 * the handler's error is the `cause`. The adapter answers 500 and reports it to `onError`.
 *
 * @example
 * ```ts
 * withApiKey({ keyring, lookup, onError: (e) => log.error(e.cause) }, handler);
 * ```
 */
export class ApiKeyHandlerError extends Error {
  constructor(cause: unknown) {
    super("The request handler failed.", { cause });
    this.name = "ApiKeyHandlerError";
  }
}

/**
 * Reports an adapter error to `onError`, or as one line on stderr. A reporter that throws is
 * ignored: the 500 answer stands.
 * @internal
 */
export function reportError(
  options: Pick<ApiKeyOptions, "onError">,
  error: ApiKeyCheckError | ApiKeyHandlerError,
): void {
  try {
    if (options.onError) options.onError(error);
    else console.error(`secrets-loader/keys: ${error.message} (pass onError for the cause)`);
  } catch {
    // The answer stands.
  }
}

/**
 * The 500 problem body the adapters send when the check or the handler fails.
 * @internal
 */
export const INTERNAL_PROBLEM = JSON.stringify({
  type: "about:blank",
  title: "Internal Server Error",
  status: 500,
  detail: "The request could not be completed.",
});

/**
 * An RFC 9457 problem body. `reason` is the machine-readable refusal.
 *
 * @example
 * ```ts
 * const p: Problem = { type: "about:blank", title: "Too Many Requests", status: 429, detail: "…", reason: "rate-limited" };
 * ```
 */
export interface Problem {
  /** The problem type: `about:blank` (the status says it all). */
  type: string;
  /** The HTTP status phrase. */
  title: string;
  /** The HTTP status. */
  status: number;
  /** A fixed explanation (never anything from the request). */
  detail: string;
  /** Why the request was refused, for programs. */
  reason: VerifyReason | "missing" | "repeated" | "rate-limited" | "quota" | "unavailable";
}

/**
 * The guard's verdict on one request.
 *
 * @example
 * ```ts
 * const outcome = await guard.check(info);
 * if (!outcome.ok) send(outcome.status, outcome.headers, outcome.problem);
 * ```
 */
export type GuardOutcome =
  | {
      /** The request may go ahead. */
      ok: true;
      /** The verified key's record. */
      record: KeyRecord;
      /** The limiter's decision, when a limiter is set. */
      limit?: LimitDecision;
    }
  | {
      /** The request is refused. */
      ok: false;
      /** 400, 401, 403, 429 or 503. */
      status: number;
      /** `www-authenticate`, `retry-after` and `cache-control` as they apply. */
      headers: Record<string, string>;
      /** The RFC 9457 body. */
      problem: Problem;
    };

/**
 * Checks requests. Created by {@link createGuard}; the adapters wrap it.
 *
 * @example
 * ```ts
 * const outcome = await createGuard(options).check(info);
 * ```
 */
export interface Guard {
  /** Reads, verifies and rate-limits the request's key. */
  check(request: RequestInfo): Promise<GuardOutcome>;
}

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  429: "Too Many Requests",
  503: "Service Unavailable",
};

// Fixed texts: nothing from the request ever goes into a refusal.
const DETAILS: Record<Problem["reason"], [status: number, detail: string]> = {
  missing: [401, "This request needs an API key."],
  repeated: [400, "The request carries the API key header more than once."],
  malformed: [401, "The API key is not in the expected format."],
  "bad-checksum": [401, "The API key is not valid (checksum mismatch: check for a typo)."],
  unknown: [401, "The API key is not valid."],
  expired: [401, "The API key has expired."],
  revoked: [401, "The API key has been revoked."],
  scope: [403, "The API key does not grant the scope this request needs."],
  ip: [403, "The API key may not be used from this address."],
  "rate-limited": [429, "Too many requests for this API key: retry later."],
  quota: [429, "The API key's quota for this period is used up."],
  unavailable: [503, "Requests cannot be counted right now: retry later."],
};

/**
 * Builds the guard from the adapter options.
 *
 * @example
 * ```ts
 * const guard = createGuard({ verify: (key, ctx) => keys.verifyKey(key, lookup, ctx) });
 * ```
 */
export function createGuard(options: ApiKeyOptions): Guard {
  const header = (options.header ?? "authorization").toLowerCase();
  const bearer = header === "authorization";
  const verify = resolveVerify(options);
  const challenge = (reason: Problem["reason"]): Record<string, string> => {
    if (!bearer) return { "www-authenticate": `APIKey header="${header}"` };
    if (reason === "missing") return { "www-authenticate": 'Bearer realm="api"' };
    if (reason === "repeated") {
      return { "www-authenticate": 'Bearer realm="api", error="invalid_request"' };
    }
    if (reason === "scope")
      return { "www-authenticate": 'Bearer realm="api", error="insufficient_scope"' };
    return { "www-authenticate": 'Bearer realm="api", error="invalid_token"' };
  };

  const refuse = (reason: Problem["reason"], retryAfter?: number): GuardOutcome => {
    const [status, detail] = DETAILS[reason];
    const headers: Record<string, string> = { "cache-control": "no-store" };
    if (status === 401 || reason === "scope" || reason === "repeated") {
      Object.assign(headers, challenge(reason));
    }
    if (retryAfter !== undefined) headers["retry-after"] = String(retryAfter);
    return {
      ok: false,
      status,
      headers,
      problem: { type: "about:blank", title: TITLES[status] as string, status, detail, reason },
    };
  };

  return {
    async check(request) {
      try {
        return await check(request);
      } catch (err) {
        throw err instanceof ApiKeyCheckError ? err : new ApiKeyCheckError(err);
      }
    },
  };

  async function check(request: RequestInfo): Promise<GuardOutcome> {
    const t0 = performance.now();
    const ip = options.ip ? options.ip(request) : request.ip;
    const route = options.route ? options.route(request) : request.route;
    const scope = typeof options.scope === "function" ? options.scope(request) : options.scope;
    const event = (
      result: KeyUsageEvent["result"],
      record?: KeyRecord,
      extra: Partial<KeyUsageEvent> = {},
    ) => {
      // A listener that throws must not change the answer (as in the keyring's own events).
      try {
        options.onEvent?.({
          type: "key-used",
          at: Date.now(),
          ...(record ? { keyId: record.id, prefix: record.prefix } : {}),
          ...(scope !== undefined ? { scope } : {}),
          result,
          ...(ip !== undefined ? { ip } : {}),
          route,
          latencyMs: performance.now() - t0,
          ...extra,
        });
      } catch {
        // The answer stands.
      }
    };

    const read = readKey(request, header, bearer);
    if (read.reason !== undefined) {
      event("malformed");
      return refuse(read.reason);
    }
    const context: VerifyContext & { [HOLD_EVENT]?: true } = {
      route,
      ...(scope !== undefined ? { scope } : {}),
      ...(ip !== undefined ? { ip } : {}),
    };
    // The keyring holds its event: one event per request, with the limiter's outcome.
    if (!options.verify) context[HOLD_EVENT] = true;
    const result = await verify(read.key, context);
    // Emits the keyring's held event (to its listener and, if another, the adapter's); with a
    // `verify` of the caller's own, the adapter's listener hears the limiter's outcomes only.
    const finish = (patch: Partial<KeyUsageEvent>, own?: KeyUsageEvent["result"]) => {
      if (!releaseEvent(result, patch, options.onEvent) && own !== undefined) {
        event(own, result.ok ? result.record : undefined, patch);
      }
    };
    if (!result.ok) {
      finish({});
      return refuse(result.reason);
    }
    if (result.rehashed && options.onRehashed) {
      // Storing the re-hashed record must not fail the request: the next use retries it.
      await Promise.resolve()
        .then(() => options.onRehashed?.(result.rehashed as KeyRecord))
        .catch(() => {});
    }
    if (!options.limiter) {
      finish({});
      return { ok: true, record: result.record };
    }
    let limit: LimitDecision;
    try {
      limit = await options.limiter.consume(limitSubject(result.record, scope));
    } catch (err) {
      finish({});
      throw err;
    }
    if (!limit.allowed) {
      const r = limit.reason === "quota" ? "quota" : limit.reason;
      finish({ result: r }, r);
      return refuse(limit.reason, limit.retryAfterSeconds);
    }
    if (limit.failedOpen) finish({ limits: "skipped" }, "ok");
    else finish({});
    return { ok: true, record: result.record, limit };
  }
}

/** Counters follow the customer: the owner, else the rotation chain, else the key. */
function limitSubject(record: KeyRecord, scope: string | undefined) {
  return {
    keyId: record.id,
    ...(record.owner !== undefined ? { owner: record.owner } : {}),
    ...(record.lineageId !== undefined ? { lineageId: record.lineageId } : {}),
    ...(scope !== undefined ? { scope } : {}),
  };
}

function resolveVerify(options: ApiKeyOptions): NonNullable<ApiKeyOptions["verify"]> {
  if (options.verify) {
    if (options.keyring)
      throw new TypeError("API key adapter: pass `verify` or `keyring`, not both");
    return options.verify;
  }
  const { keyring, lookup } = options;
  if (!keyring || !lookup) {
    throw new TypeError("API key adapter: pass `verify`, or `keyring` with `lookup`");
  }
  return (presented, context) => keyring.verifyKey(presented, lookup, context);
}

/**
 * The presented key, or why there is none: `missing` (no header, or an empty one),
 * `repeated` (the header sent more than once: ambiguous, so refused rather than picking one),
 * `malformed` (a credential that is not `Bearer <one token>`: answered `invalid_token`).
 */
function readKey(
  request: RequestInfo,
  header: string,
  bearer: boolean,
):
  | { key: string; reason?: undefined }
  | { key?: undefined; reason: "missing" | "repeated" | "malformed" } {
  const all = request.headerValues?.(header);
  if (all !== undefined && all.length > 1) return { reason: "repeated" };
  const value = request.header(header);
  if (Array.isArray(value)) return { reason: value.length > 1 ? "repeated" : "malformed" };
  if (typeof value !== "string") return { reason: "missing" };
  const v = value.trim();
  if (v === "") return { reason: "missing" };
  if (!bearer) return /[\s,]/.test(v) ? { reason: "malformed" } : { key: v };
  const m = /^Bearer[ \t]+([^\s,]+)$/i.exec(v);
  return m?.[1] === undefined ? { reason: "malformed" } : { key: m[1] };
}

/**
 * Every value of header `name` in Node's raw headers (`rawHeaders`: name, value, name, ...).
 * @internal
 */
export function rawHeaderValues(raw: readonly string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if ((raw[i] as string).toLowerCase() === name) out.push(raw[i + 1] as string);
  }
  return out;
}

/**
 * The JSON body of a refusal, as sent with `content-type: application/problem+json`.
 * @internal
 */
export const PROBLEM_CONTENT_TYPE = "application/problem+json";
