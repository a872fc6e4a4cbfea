/**
 * Error classification every provider needs: HTTP statuses and network
 * failures into the core's typed errors, with provider-prefixed messages that
 * name what was read (never a value) and keep the original as `cause`.
 */

import {
  AccessDeniedError,
  ConfigError,
  ExpiredError,
  MissingDependencyError,
  NotFoundError,
  PolicyViolationError,
  ProviderError,
  SecretsError,
  type SecretsErrorOptions,
  ThrottledError,
  UnavailableError,
} from "../errors.js";

/**
 * What was being done when an error happened, for its message.
 *
 * @example
 * ```ts
 * const what: ErrorSubject = { provider: "vault", subject: 'secret "secret/app"', reference: "vault://secret/app" };
 * ```
 */
export interface ErrorSubject {
  /** Provider name; every message starts with it. */
  provider: string;
  /** What was asked for, e.g. `secret "prod/db"`. */
  subject: string;
  /** The reference as written, when there is one. */
  reference?: string;
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ECONNABORTED",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

interface ErrorLike {
  name?: string;
  code?: string;
  cause?: unknown;
}

/**
 * The network error code (`ECONNRESET` …) or `AbortError`/`TimeoutError` in
 * an error's cause chain: the request got no complete answer.
 *
 * @example
 * ```ts
 * networkFailure(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })); // "ECONNRESET"
 * ```
 */
export function networkFailure(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === "object" && depth < 6; depth++) {
    const x = e as ErrorLike;
    if (x.code && NETWORK_CODES.has(x.code)) return x.code;
    if (x.name === "AbortError" || x.name === "TimeoutError") return x.name;
    e = x.cause;
  }
  return undefined;
}

/** Error classes by code, to re-raise a typed error for one reference. */
const BY_CODE: Partial<Record<string, new (o: SecretsErrorOptions) => SecretsError>> = {
  ACCESS_DENIED: AccessDeniedError,
  EXPIRED: ExpiredError,
  NOT_FOUND: NotFoundError,
  THROTTLED: ThrottledError,
  UNAVAILABLE: UnavailableError,
  INVALID_CONFIG: ConfigError,
  POLICY_VIOLATION: PolicyViolationError,
};

/**
 * A typed error of the same code as `err`, for one reference: a shared
 * failure (a login, a role session) reported by each read that it failed,
 * naming what that read was, with `err` as the cause.
 *
 * @example
 * ```ts
 * throw sameCodeFor(loginError, { provider: "vault", subject: 'secret "secret/app"', reference: ref.raw });
 * ```
 */
export function sameCodeFor(err: SecretsError, what: ErrorSubject): SecretsError {
  const options = {
    provider: what.provider,
    cause: err,
    ...(what.reference ? { reference: what.reference } : {}),
    message: `${what.provider}: cannot read ${what.subject}: ${err.message}`,
  };
  // Its constructor also needs the package name, which the caller must still be told. By code,
  // not instanceof: a bundler may have made more than one copy of the error classes.
  const packageName = (err as { packageName?: unknown }).packageName;
  if (err.code === "MISSING_DEPENDENCY" && typeof packageName === "string")
    return new MissingDependencyError({ ...options, packageName });
  const Same = BY_CODE[err.code] ?? ProviderError;
  return new Same(options);
}

/**
 * Classifies an HTTP status (and any network failure) into a typed error.
 * 404 is NotFound, 401/403 AccessDenied, 429 Throttled, 408/5xx and network
 * failures Unavailable; anything else a ProviderError. `detail` (an error
 * code of the backend's, never a value) is quoted in the message.
 *
 * @example
 * ```ts
 * throw classifyFailure(err, { provider: "vault", subject: 'secret "secret/app"' }, { status: 403, detail: "permission denied" });
 * ```
 */
export function classifyFailure(
  cause: unknown,
  what: ErrorSubject,
  response: { status?: number; detail?: string } = {},
): SecretsError {
  if (SecretsError.is(cause)) {
    return cause.reference !== undefined || what.reference === undefined
      ? cause
      : sameCodeFor(cause, what);
  }
  const base = {
    provider: what.provider,
    cause,
    ...(what.reference ? { reference: what.reference } : {}),
  };
  const { status, detail } = response;
  const tag =
    status !== undefined || detail
      ? ` (${[detail, status && `HTTP ${status}`].filter(Boolean).join(", ")})`
      : "";
  const p = what.provider;
  if (status === undefined) {
    const net = networkFailure(cause);
    if (net) {
      return new UnavailableError({
        ...base,
        message: `${p}: could not get an answer for ${what.subject} (${net}). Check the network and the endpoint, then retry.`,
      });
    }
    return new ProviderError({ ...base, message: `${p}: reading ${what.subject} failed${tag}.` });
  }
  if (status === 404) {
    return new NotFoundError({
      ...base,
      message: `${p}: ${what.subject} was not found${tag}. Check the name and the version.`,
    });
  }
  if (status === 401 || status === 403) {
    return new AccessDeniedError({
      ...base,
      message: `${p}: access denied to ${what.subject}${tag}. Grant the caller read access to it.`,
    });
  }
  if (status === 429) {
    return new ThrottledError({
      ...base,
      message: `${p}: throttled while reading ${what.subject}${tag}. Lower the call rate or raise the cache maxAge.`,
    });
  }
  if (status === 408 || status >= 500) {
    return new UnavailableError({
      ...base,
      message: `${p}: the service failed while reading ${what.subject}${tag}. Retry later.`,
    });
  }
  return new ProviderError({ ...base, message: `${p}: reading ${what.subject} failed${tag}.` });
}
