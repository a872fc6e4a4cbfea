/**
 * Secret Manager failures -> the core's typed errors. Both paths (our REST reads and an
 * injected official client) are first reduced to one shape, {@link GcpFailure}: the
 * canonical status (`NOT_FOUND`, `PERMISSION_DENIED` ...), the HTTP code, the
 * `google.rpc.ErrorInfo` reason and the message. The message itself is only matched,
 * never copied (it quotes resource names, not values, but stays the cause's business);
 * the original error is kept as `cause`.
 */

import {
  AccessDeniedError,
  classifyFailure,
  NotFoundError,
  ProviderError,
  SecretsError,
  ThrottledError,
  UnavailableError,
} from "../../src/provider/index.js";

/**
 * A Google API error, from either transport.
 *
 * @example
 * ```ts
 * const f: GcpFailure = { status: "PERMISSION_DENIED", httpCode: 403 };
 * ```
 */
export interface GcpFailure {
  /** Canonical status name, such as `NOT_FOUND`. */
  status?: string;
  /** HTTP status of the answer (REST); absent for a gRPC-coded error without one. */
  httpCode?: number;
  /** `google.rpc.ErrorInfo` reason, such as `CONSUMER_INVALID` or `SERVICE_DISABLED`. */
  reason?: string;
  /** The service's message, matched for the version state; never copied into ours. */
  message?: string;
}

/**
 * What was read, for the message.
 *
 * @example
 * ```ts
 * const s: GcpSubject = { reference: "gcp-sm://db", project: "acme-prod", secret: "db", version: "latest" };
 * ```
 */
export interface GcpSubject {
  /** The reference as written. */
  reference?: string;
  project: string;
  secret: string;
  version: string;
  location?: string;
}

/**
 * Thrown by our REST transport for a non-2xx answer: the parsed failure, no value.
 *
 * @example
 * ```ts
 * throw new GcpApiError(restFailure(404, body));
 * ```
 */
export class GcpApiError extends Error {
  readonly failure: GcpFailure;
  constructor(failure: GcpFailure) {
    super(
      `Secret Manager answered ${failure.status ?? "an error"}${failure.httpCode ? ` (HTTP ${failure.httpCode})` : ""}`,
    );
    this.name = "GcpApiError";
    this.failure = failure;
  }
}

// gRPC codes (google.rpc.Code) -> names, for the official client's errors.
const GRPC: Record<number, string> = {
  1: "CANCELLED",
  2: "UNKNOWN",
  3: "INVALID_ARGUMENT",
  4: "DEADLINE_EXCEEDED",
  5: "NOT_FOUND",
  6: "ALREADY_EXISTS",
  7: "PERMISSION_DENIED",
  8: "RESOURCE_EXHAUSTED",
  9: "FAILED_PRECONDITION",
  10: "ABORTED",
  13: "INTERNAL",
  14: "UNAVAILABLE",
  16: "UNAUTHENTICATED",
};
const HTTP_OF: Record<string, number> = {
  NOT_FOUND: 404,
  PERMISSION_DENIED: 403,
  UNAUTHENTICATED: 401,
  RESOURCE_EXHAUSTED: 429,
  FAILED_PRECONDITION: 400,
  INVALID_ARGUMENT: 400,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
  INTERNAL: 500,
};

/**
 * Statuses worth another attempt after a pause.
 *
 * @example
 * ```ts
 * RETRYABLE.has("UNAVAILABLE"); // true
 * ```
 */
export const RETRYABLE = new Set(["RESOURCE_EXHAUSTED", "UNAVAILABLE", "DEADLINE_EXCEEDED"]);

/**
 * The failure of a REST answer's body (`{ error: { code, status, message, details } }`).
 *
 * @example
 * ```ts
 * restFailure(403, { error: { code: 403, status: "PERMISSION_DENIED" } }).status; // "PERMISSION_DENIED"
 * ```
 * @internal
 */
export function restFailure(httpCode: number, body: unknown): GcpFailure {
  const e = (body as { error?: Record<string, unknown> } | null)?.error;
  const details = Array.isArray(e?.details) ? (e.details as Array<Record<string, unknown>>) : [];
  const info = details.find((d) => String(d["@type"] ?? "").endsWith("google.rpc.ErrorInfo"));
  return {
    httpCode,
    ...(typeof e?.status === "string" ? { status: e.status } : {}),
    ...(typeof info?.reason === "string" ? { reason: info.reason } : {}),
    ...(typeof e?.message === "string" ? { message: e.message } : {}),
  };
}

/**
 * The failure of any error: ours, the official client's (gax `GoogleError`, numeric gRPC
 * `code`), or none (a network failure, an abort).
 *
 * @example
 * ```ts
 * failureOf(Object.assign(new Error("not found"), { code: 5 }))?.status; // "NOT_FOUND"
 * ```
 * @internal
 */
export function failureOf(err: unknown): GcpFailure | undefined {
  if (err instanceof GcpApiError) return err.failure;
  const e = err as {
    code?: unknown;
    reason?: unknown;
    message?: unknown;
    statusDetails?: unknown;
    errorInfoMetadata?: unknown;
  } | null;
  if (!e || typeof e !== "object" || typeof e.code !== "number") return undefined;
  const status = GRPC[e.code];
  if (!status) return undefined;
  const http = HTTP_OF[status];
  return {
    status,
    ...(http ? { httpCode: http } : {}),
    ...(typeof e.reason === "string" ? { reason: e.reason } : {}),
    ...(typeof e.message === "string" ? { message: e.message } : {}),
  };
}

const secretName = (s: GcpSubject) =>
  `secret "${s.secret}" (version ${s.version}) in project ${s.project}${s.location ? `, location ${s.location}` : ""}`;

/**
 * Maps a failed read to a typed error that keeps `err` as its cause.
 *
 * @example
 * ```ts
 * throw toGcpError(err, { reference: ref.raw, project: "acme-prod", secret: "db", version: "3" });
 * ```
 * @internal
 */
export function toGcpError(err: unknown, s: GcpSubject): SecretsError {
  const subject = secretName(s);
  const ref = s.reference ? { reference: s.reference } : {};
  if (SecretsError.is(err)) return classifyFailure(err, { provider: "gcp", subject, ...ref });
  const f = failureOf(err);
  if (!f) return classifyFailure(err, { provider: "gcp", subject, ...ref });
  const base = { provider: "gcp", cause: err, ...ref };
  const tag = `(${[f.status, f.reason, f.httpCode && `HTTP ${f.httpCode}`].filter(Boolean).join(", ")})`;
  const text = f.message ?? "";
  // The project itself: does not exist, is not visible, or has the API off.
  if (f.reason === "CONSUMER_INVALID" || f.reason === "USER_PROJECT_DENIED") {
    return new AccessDeniedError({
      ...base,
      message: `gcp: project ${s.project} does not exist or is not visible to the caller ${tag}, so ${subject} cannot be read. Check the project id (or number) in the reference or GOOGLE_CLOUD_PROJECT.`,
    });
  }
  if (f.reason === "SERVICE_DISABLED") {
    return new AccessDeniedError({
      ...base,
      message: `gcp: the Secret Manager API is not enabled in project ${s.project} ${tag}. Enable secretmanager.googleapis.com there (gcloud services enable secretmanager.googleapis.com --project ${s.project}).`,
    });
  }
  switch (f.status) {
    case "NOT_FOUND":
      if (/\bproject\b/i.test(text) && !/\bsecret\b/i.test(text)) {
        return new NotFoundError({
          ...base,
          message: `gcp: project ${s.project} was not found ${tag}, so ${subject} cannot be read. Check the project id (or number).`,
        });
      }
      return new NotFoundError({
        ...base,
        message: `gcp: ${subject} was not found ${tag}. Check the secret's name, its version or alias, and the project.`,
      });
    case "PERMISSION_DENIED":
    case "UNAUTHENTICATED":
      return new AccessDeniedError({
        ...base,
        message: `gcp: permission secretmanager.versions.access denied on ${subject} ${tag}. Grant the caller roles/secretmanager.secretAccessor on this secret.`,
      });
    case "FAILED_PRECONDITION":
      if (/\bDESTROYED\b/.test(text)) {
        return new NotFoundError({
          ...base,
          message: `gcp: ${subject} is destroyed ${tag}: its data is gone for good. Reference another version (or latest).`,
        });
      }
      if (/\bDISABLED\b/.test(text)) {
        return new AccessDeniedError({
          ...base,
          message: `gcp: ${subject} is disabled ${tag}. Enable the version (gcloud secrets versions enable) or reference another one.`,
        });
      }
      return new ProviderError({
        ...base,
        message: `gcp: Secret Manager refused to read ${subject} ${tag}. Check the version's state and the secret's settings.`,
      });
    case "RESOURCE_EXHAUSTED":
      return new ThrottledError({
        ...base,
        message: `gcp: quota exhausted while reading ${subject} ${tag}, after retries with backoff. Lower the read rate (cache longer) or raise the project's Secret Manager quota.`,
      });
    case "UNAVAILABLE":
    case "DEADLINE_EXCEEDED":
      return new UnavailableError({
        ...base,
        message: `gcp: Secret Manager is unavailable for ${subject} ${tag}, after retries. Retry later.`,
      });
    default:
      return classifyFailure(
        err,
        { provider: "gcp", subject, ...ref },
        {
          ...(f.httpCode !== undefined ? { status: f.httpCode } : {}),
          ...(f.status ? { detail: f.status } : {}),
        },
      );
  }
}
