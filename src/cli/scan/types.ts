/**
 * Shapes shared by the leak scanner: a finding, and where it came from.
 * A finding never holds a secret: at most the public prefix of a key.
 */

/**
 * One detected secret.
 *
 * @example
 * ```ts
 * const f: Finding = {
 *   rule: "stripe-secret-key", title: "Stripe secret key", file: "src/pay.ts",
 *   line: 3, column: 15, match: "sk_live_… (32 chars)", fingerprint: "src/pay.ts:stripe-secret-key:3",
 *   confidence: "high", context: "source",
 * };
 * ```
 */
export interface Finding {
  /** Rule id, for example `aws-access-key`. */
  rule: string;
  /** Human-readable rule title. */
  title: string;
  /** Path relative to the scanned root (forward slashes). */
  file: string;
  /** 1-based line of the secret. */
  line: number;
  /** 1-based column of the secret. */
  column: number;
  /**
   * Masked preview: the key's public prefix when it has one (`sk_live_`),
   * then only the length, as `sk_live_… (32 chars)`; for a known value, the
   * reference and the form it was found in. Never a character of the secret
   * part, never a hash of it.
   */
  match: string;
  /** Stable id to allowlist this one finding: `file:rule:line`, prefixed with `commit:` in history. */
  fingerprint: string;
  /** The reference whose value this is (rule `known-value` only). */
  reference?: string;
  /** The commit that added it (history scans only). */
  commit?: string;
  /** Author date of that commit, ISO 8601 (history scans only). */
  date?: string;
  /**
   * How sure the rule is that this is a live secret: `high` for a key
   * format or a verified pair, `medium` for a lone AWS key id (half a key).
   */
  confidence: Confidence;
  /** Where it was found: see {@link FindingContext}. */
  context: FindingContext;
}

/**
 * How sure a rule is.
 *
 * @example
 * ```ts
 * const c: Confidence = "medium";
 * ```
 */
export type Confidence = "high" | "medium" | "low";

/**
 * Where a finding is: `source` (the code that ships), `test-fixture` (test
 * folders and files, or a well-known dummy value such as `password1`),
 * `docs-example` (READMEs, docs and example folders), `local` (a file that
 * is on this machine but not committed, such as a git-ignored `.env.local`).
 *
 * @example
 * ```ts
 * const where: FindingContext = "test-fixture";
 * ```
 */
export type FindingContext = "source" | "test-fixture" | "docs-example" | "local";

/**
 * A finding as the engine returns it, before it leaves the process: it keeps a
 * one-way digest of the secret so that the doctor can tell whether a key seen
 * in history is still in the tree, without holding or printing the value.
 *
 * @example
 * ```ts
 * const raw: RawFinding = { ...finding, digest: "9f86d081884c7d65", counted: true };
 * ```
 */
export interface RawFinding extends Finding {
  /** Truncated SHA-256 of the secret; internal, never printed. */
  digest: string;
  /** True when it fails the scan (see classify.ts `counts`); printed as the `findings` list versus `other`. */
  counted: boolean;
}

/**
 * A file or path the scanner did not read, and why.
 *
 * @example
 * ```ts
 * const s: Skipped = { file: "assets/logo.png", reason: "binary" };
 * ```
 */
export interface Skipped {
  /** Path relative to the scanned root. */
  file: string;
  /** Why it was not scanned. */
  reason: "binary" | "too-large" | "unreadable" | "symlink" | "not-a-file";
  /** Detail: the OS error code for `unreadable`, the size for `too-large`. */
  detail?: string;
  /** The commit whose added lines were skipped (history and staged scans). */
  commit?: string;
}
