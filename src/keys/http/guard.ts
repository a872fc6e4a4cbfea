/**
 * The framework-neutral part of the HTTP adapters: read the presented key from a header,
 * verify it, rate-limit it, log the outcome, and turn a refusal into an RFC 9457 problem.
 * The node `http`, Express and Fastify entries only translate requests and responses.
 *
 * A refusal never echoes the presented key: bodies and headers are built from fixed texts and
 * the refusal's reason.
 */
import type { Keyring } from "../keyring.js";
import type { KeyLimiter, LimitDecision } from "../limits/limiter.js";
import type { KeyLookup, KeyRecord, KeyUsageEvent, VerifyReason, VerifyResult } from "../types.js";

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
  /** Method and path (or route pattern), e.g. `GET /v1/items/:id`: for scopes and the log. */
  route: string;
  /** The peer's IP address. */
  ip?: string;
  /** A request header by lower-case name. */
  header(name: string): string | string[] | undefined;
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
   * The node `http` adapter calls it when the check itself fails (a lookup, pepper or store
   * that throws) and answers 500; default: one line on stderr. Express passes the same error
   * to `next()`, Fastify rejects the hook. Its message is fixed; the original is its `cause`.
   */
  onError?: (error: ApiKeyCheckError) => void;
}

/**
 * The check itself failed: a lookup, pepper or limiter store threw. Its message is fixed, so a
 * framework's error page shows nothing of the lookup's own error (which may quote a hash or a
 * query); the original error is the `cause`.
 *
 * @example
 * ```ts
 * app.use((err, req, res, next) => err instanceof ApiKeyCheckError ? res.sendStatus(503) : next(err));
 * ```
 */
export class ApiKeyCheckError extends Error {
  constructor(cause: unknown) {
    super("The API key could not be checked (lookup, pepper or limiter store failed).", {
      cause,
    });
    this.name = "ApiKeyCheckError";
  }
}

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
  reason: VerifyReason | "missing" | "rate-limited" | "quota" | "unavailable";
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
      /** 401, 403, 429 or 503. */
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
  401: "Unauthorized",
  403: "Forbidden",
  429: "Too Many Requests",
  503: "Service Unavailable",
};

// Fixed texts: nothing from the request ever goes into a refusal.
const DETAILS: Record<Problem["reason"], [status: number, detail: string]> = {
  missing: [401, "This request needs an API key."],
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
    if (reason === "scope")
      return { "www-authenticate": 'Bearer realm="api", error="insufficient_scope"' };
    return { "www-authenticate": 'Bearer realm="api", error="invalid_token"' };
  };

  const refuse = (reason: Problem["reason"], retryAfter?: number): GuardOutcome => {
    const [status, detail] = DETAILS[reason];
    const headers: Record<string, string> = { "cache-control": "no-store" };
    if (status === 401 || reason === "scope") Object.assign(headers, challenge(reason));
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
        throw new ApiKeyCheckError(err);
      }
    },
  };

  async function check(request: RequestInfo): Promise<GuardOutcome> {
    const t0 = performance.now();
    const ip = options.ip ? options.ip(request) : request.ip;
    const route = options.route ? options.route(request) : request.route;
    const scope = typeof options.scope === "function" ? options.scope(request) : options.scope;
    const event = (result: KeyUsageEvent["result"], record?: KeyRecord) => {
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
        });
      } catch {
        // The answer stands.
      }
    };

    const presented = readKey(request.header(header), bearer);
    if (presented === undefined) {
      event("malformed");
      return refuse("missing");
    }
    const result = await verify(presented, {
      route,
      ...(scope !== undefined ? { scope } : {}),
      ...(ip !== undefined ? { ip } : {}),
    });
    if (!result.ok) return refuse(result.reason);
    if (result.rehashed && options.onRehashed) {
      // Storing the re-hashed record must not fail the request: the next use retries it.
      await Promise.resolve()
        .then(() => options.onRehashed?.(result.rehashed as KeyRecord))
        .catch(() => {});
    }
    if (!options.limiter) return { ok: true, record: result.record };
    const limit = await options.limiter.consume({
      keyId: result.record.id,
      ...(scope !== undefined ? { scope } : {}),
    });
    if (!limit.allowed) {
      event(limit.reason === "quota" ? "quota" : "rate-limited", result.record);
      return refuse(limit.reason, limit.retryAfterSeconds);
    }
    return { ok: true, record: result.record, limit };
  }
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

/** The key from the header's value, or undefined when there is none. */
function readKey(value: string | string[] | undefined, bearer: boolean): string | undefined {
  // A repeated header is ambiguous: refuse it rather than pick one.
  if (value === undefined || Array.isArray(value)) return undefined;
  const v = value.trim();
  if (!bearer) return v === "" ? undefined : v;
  const m = /^Bearer[ \t]+(\S+)$/i.exec(v);
  return m?.[1];
}

/**
 * The JSON body of a refusal, as sent with `content-type: application/problem+json`.
 * @internal
 */
export const PROBLEM_CONTENT_TYPE = "application/problem+json";
