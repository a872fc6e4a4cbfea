/**
 * Errors the CLI reports as one line and exit code 2 (a usage or input
 * problem, as opposed to findings, which exit 1).
 */

/**
 * A problem with how the CLI was called or with its input.
 */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/**
 * A path given to scan does not exist or cannot be resolved (exit 2).
 */
export class ScanInputError extends Error {
  override readonly name = "ScanInputError";
}

/**
 * A config file that cannot be used. The message is one line:
 * `<file>: <key path>: <problem>. Fix: <fix>`.
 */
export class ConfigFileError extends Error {
  override readonly name = "ConfigFileError";
  constructor(
    /** The config file. */
    readonly file: string,
    /** Dot path of the bad key ("" for the whole file). */
    readonly keyPath: string,
    /** What is wrong. */
    readonly problem: string,
    /** How to fix it. */
    readonly fix: string,
  ) {
    super(`${file}: ${keyPath ? `${keyPath}: ` : ""}${problem}. Fix: ${fix}`);
  }
}

/**
 * Exit codes shared by every command.
 */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;
