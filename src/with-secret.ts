/**
 * Rotation awareness: a value cached before a rotation (AWSCURRENT moved, a
 * new version) is stale the moment the backend (a database, an API) stops
 * accepting it. `withSecret` treats an authentication failure from `fn` as
 * that signal: drop the cached value, fetch the reference again, retry once.
 */

import type { Secrets, ValueOf } from "./api.js";
import { defaultSecrets } from "./default.js";
import { SecretsError } from "./errors.js";
import type { ValueType } from "./types.js";

/**
 * Options of {@link withSecret}.
 *
 * @example
 * ```ts
 * await withSecret("aws-sm://prod/db#password", connect, {
 *   secrets,
 *   isAuthError: (err) => (err as { code?: string }).code === "28P01",
 * });
 * ```
 */
export interface WithSecretOptions<T extends ValueType = "string"> {
  /** The client to read through. Default: the zero-config client. */
  secrets?: Secrets;
  /** Value shape: `string` (default), `json` or `binary`. */
  type?: T;
  /** Decides whether an error from `fn` means "credentials rejected". Default: {@link isAuthFailure}. */
  isAuthError?: (err: unknown) => boolean;
  /**
   * The reference of the version a rotation is rolling out (for AWS:
   * `pendingReference(ref)`, `?versionStage=AWSPENDING`). Tried when the
   * target refuses a value that a fresh read still returns: between a
   * rotation's deploy and finish, the target already holds the pending value.
   * Not found (no rotation under way, or it just finished): the reference is
   * read once more instead.
   */
  pending?: string;
  /** Called before the retry (for logging); never receives a value. */
  onRetry?: (info: { reference: string; error: unknown }) => void;
}

const AUTH_CODES = new Set([
  "28P01", // PostgreSQL invalid_password
  "28000", // PostgreSQL / SQL standard invalid_authorization_specification
  "ER_ACCESS_DENIED_ERROR", // MySQL / MariaDB
  "ER_DBACCESS_DENIED_ERROR",
  "EAUTH", // nodemailer, many SMTP / LDAP clients
  "ERR_AUTH",
  "NOAUTH", // Redis
  "WRONGPASS", // Redis 6+
  "UnrecognizedClientException",
  "InvalidClientTokenId",
  "SignatureDoesNotMatch",
  "AuthFailure",
]);

/**
 * The default test for "the secret was rejected": HTTP 401 or 403 (on `status`,
 * `statusCode`, `response.status` or `$metadata.httpStatusCode`), or a
 * well-known authentication error code (PostgreSQL `28P01`, MySQL
 * `ER_ACCESS_DENIED_ERROR`, Redis `WRONGPASS`, `EAUTH`, AWS signature errors).
 *
 * @example
 * ```ts
 * isAuthFailure(Object.assign(new Error("bad password"), { code: "28P01" })); // true
 * isAuthFailure({ status: 401 }); // true
 * ```
 */
export function isAuthFailure(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return false;
  const e = err as {
    status?: unknown;
    statusCode?: unknown;
    response?: { status?: unknown };
    $metadata?: { httpStatusCode?: unknown };
    code?: unknown;
    name?: unknown;
  };
  const statuses = [e.status, e.statusCode, e.response?.status, e.$metadata?.httpStatusCode];
  if (statuses.some((s) => s === 401 || s === 403)) return true;
  if (typeof e.code === "string" && AUTH_CODES.has(e.code)) return true;
  if (typeof e.code === "string" && /^WRONGPASS|^NOAUTH/.test(e.code)) return true;
  return typeof e.name === "string" && AUTH_CODES.has(e.name);
}

/**
 * Calls `fn` with the secret's value. If `fn` fails with an authentication
 * error, the secret was probably rotated since it was cached: the cached value
 * is dropped, the reference is fetched again (an unpinned `aws-sm://`
 * reference reads AWSCURRENT), and `fn` is retried once with the new value.
 * Any other error, or a second failure, is thrown as is.
 *
 * A reference pinned with `?versionId=` or a non-current `?versionStage=`
 * fetches the same version again; leave rotating references unpinned.
 *
 * @param ref - the reference, such as `aws-sm://prod/db#password`
 * @param fn - uses the value; its result is returned
 * @example
 * ```ts
 * import { withSecret } from "secrets-loader";
 *
 * const rows = await withSecret("aws-sm://prod/db#password", async (password) => {
 *   const db = await connect({ user: "app", password }); // throws code 28P01 after a rotation
 *   return db.query("select 1");
 * });
 * ```
 */
export async function withSecret<R, T extends ValueType = "string">(
  ref: string,
  fn: (value: ValueOf<T>) => R | Promise<R>,
  options: WithSecretOptions<T> = {},
): Promise<R> {
  const secrets = options.secrets ?? defaultSecrets();
  const isAuth = options.isAuthError ?? isAuthFailure;
  const readRef = (r: string) =>
    (options.type ? secrets.getSecret(r, { type: options.type }) : secrets.getSecret(r)) as Promise<
      ValueOf<T>
    >;
  const read = () => readRef(ref);
  // A failed read is not a rotation: only fn's own auth failure triggers the retry.
  const value = await read();
  try {
    return await fn(value);
  } catch (err) {
    if (!isAuth(err)) throw err;
    options.onRetry?.({ reference: ref, error: err });
    secrets.invalidate(ref);
    const fresh = await read();
    if (options.pending === undefined || !sameValue(fresh, value)) return await fn(fresh);
    // Refused, yet still the stored value: a rotation may be between deploy and finish.
    secrets.invalidate(options.pending);
    let pending: ValueOf<T>;
    try {
      pending = await readRef(options.pending);
    } catch (e) {
      if (!SecretsError.is(e, "NOT_FOUND")) throw e;
      // No version is pending: the rotation finished meanwhile, or none was under way.
      secrets.invalidate(ref);
      const last = await read();
      if (sameValue(last, value)) throw err;
      return await fn(last);
    }
    return await fn(pending);
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Uint8Array && b instanceof Uint8Array)
    return a.length === b.length && a.every((x, i) => x === b[i]);
  if (typeof a === "object" && a !== null) return JSON.stringify(a) === JSON.stringify(b);
  return a === b;
}
