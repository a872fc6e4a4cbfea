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
}

/**
 * A finding as the engine returns it, before it leaves the process: it keeps a
 * one-way digest of the secret so that the doctor can tell whether a key seen
 * in history is still in the tree, without holding or printing the value.
 *
 * @example
 * ```ts
 * const raw: RawFinding = { ...finding, digest: "9f86d081884c7d65" };
 * ```
 */
export interface RawFinding extends Finding {
  /** Truncated SHA-256 of the secret; internal, never printed. */
  digest: string;
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
  /** Detail for `unreadable` (the OS error code). */
  detail?: string;
}
