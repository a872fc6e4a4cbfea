/**
 * The keys module's own errors: a check that could not be made (lookup, pepper, store, or a
 * stored record that does not parse), and a rotation that is refused.
 */

/**
 * The check itself failed: a lookup, pepper or limiter store threw, or the stored record has a
 * field that does not parse (`field` names it). Its message is fixed, so a framework's error
 * page shows nothing of the lookup's own error (which may quote a hash or a query) nor any
 * stored value; the original error is the `cause`.
 *
 * @example
 * ```ts
 * app.use((err, req, res, next) => err instanceof ApiKeyCheckError ? res.sendStatus(503) : next(err));
 * ```
 */
export class ApiKeyCheckError extends Error {
  /** The record's field that did not parse, when that is what failed. */
  readonly field?: string;
  constructor(cause?: unknown, options: { field?: string; problem?: string } = {}) {
    super(
      options.field === undefined
        ? "The API key could not be checked (lookup, pepper or limiter store failed)."
        : `The API key could not be checked: the stored record's "${options.field}" ${options.problem ?? "does not parse"}. Fix the stored record or the lookup's mapping.`,
      cause === undefined ? undefined : { cause },
    );
    this.name = "ApiKeyCheckError";
    if (options.field !== undefined) this.field = options.field;
  }
}

/**
 * Why {@link KeyRotationError} refused: the record is revoked, expired, or already rotated
 * (its `rotatedTo` names the successor: rotate that one).
 *
 * @example
 * ```ts
 * const code: KeyRotationCode = "KEY_EXPIRED";
 * ```
 */
export type KeyRotationCode = "KEY_REVOKED" | "KEY_EXPIRED" | "KEY_ROTATED";

/**
 * `rotateKey` refused the record. `code` says why; the message names the record's id only.
 *
 * @example
 * ```ts
 * try { await keys.rotateKey(record); } catch (e) {
 *   if (e instanceof KeyRotationError && e.code === "KEY_EXPIRED") await issueNewKey();
 * }
 * ```
 */
export class KeyRotationError extends Error {
  /** Why the rotation was refused. */
  readonly code: KeyRotationCode;
  /** The record's id. */
  readonly keyId: string;
  constructor(code: KeyRotationCode, keyId: string, message: string) {
    super(message);
    this.name = "KeyRotationError";
    this.code = code;
    this.keyId = keyId;
  }
}
