/**
 * Errors the CLI reports as one line and exit code 2 (a usage or input
 * problem, as opposed to findings, which exit 1).
 */

/**
 * A problem with how the CLI was called or with its input.
 *
 * @example
 * ```ts
 * throw new UsageError("secrets get: --reveal is required on a terminal");
 * ```
 */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;
