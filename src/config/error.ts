/**
 * The one error `config.load()` fails with: every entry that could not be
 * read or did not pass its schema, by name. It keeps no schema issue object
 * (Valibot's carry the input, and Valibot's and ArkType's messages quote it):
 * only each issue's message, passed through `redact()`, and its path.
 */

import { type ErrorCode, SecretsError } from "../index.js";

/**
 * One schema issue of a {@link ConfigFailure}: a message with any loaded value masked, and where.
 *
 * @example
 * ```ts
 * const issue: ConfigIssue = { message: "Invalid URL", path: "db.url" };
 * ```
 */
export interface ConfigIssue {
  /** The schema library's message, through `redact()` (and the entry's own value masked). */
  readonly message: string;
  /** The issue's path inside the value, dot-separated; `""` for the value itself. */
  readonly path: string;
}

/**
 * One failed entry of a {@link ConfigLoadError}.
 *
 * @example
 * ```ts
 * for (const f of err.failures) console.error(f.name, f.reference, f.code, f.issues.map((i) => i.message));
 * ```
 */
export interface ConfigFailure {
  /** The entry's name in `defineConfig({...})`. */
  readonly name: string;
  /** The entry's reference, as it may be shown. */
  readonly reference: string;
  /** `INVALID_VALUE` when the value failed its schema, else the read's own code (`NOT_FOUND`, `UNAVAILABLE` ...). */
  readonly code: ErrorCode;
  /** What went wrong, never a value. */
  readonly message: string;
  /** The schema's issues (empty when the read itself failed). */
  readonly issues: readonly ConfigIssue[];
}

/**
 * `config.load()` (or a `live` entry's read) failed: lists every bad entry at once.
 * Its `cause` holds the read errors only (typed, value-free); schema issues are
 * kept as text.
 *
 * @example
 * ```ts
 * import { ConfigLoadError } from "secrets-loader/config";
 * try { await config.load(); } catch (err) {
 *   if (err instanceof ConfigLoadError) for (const f of err.failures) console.error(`${f.name}: ${f.message}`);
 * }
 * ```
 */
export class ConfigLoadError extends SecretsError {
  /** Every entry that failed, in declaration order. */
  readonly failures: readonly ConfigFailure[];

  constructor(failures: ConfigFailure[], total: number, readErrors: Error[] = []) {
    const lines = failures.map((f) => {
      const issues = f.issues.map((i) => `\n      ${i.path ? `at ${i.path}: ` : ""}${i.message}`);
      return `  - ${f.name} (${f.reference}): [${f.code}] ${f.message}${issues.join("")}`;
    });
    super(
      "CONFIG_LOAD_FAILED",
      `Configuration failed: ${failures.length} of ${total} entr${total === 1 ? "y" : "ies"}:\n${lines.join("\n")}`,
      readErrors.length === 0
        ? {}
        : { cause: readErrors.length === 1 ? readErrors[0] : new AggregateError(readErrors) },
    );
    this.failures = Object.freeze(failures.map((f) => Object.freeze({ ...f })));
  }

  /**
   * A plain summary safe to log, with every failure.
   *
   * @example
   * ```ts
   * JSON.stringify(err); // {"name":"ConfigLoadError","code":"CONFIG_LOAD_FAILED","failures":[...]}
   * ```
   */
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), failures: this.failures };
  }
}
