/**
 * The `--json` output shapes, as zod schemas. The e2e tests validate the
 * CLI's output against the JSON Schema generated from these
 * (`z.toJSONSchema`), so the documented shape and the real one cannot drift.
 * They live with the tests: the CLI itself never loads them.
 */

import { z } from "zod";

/**
 * One finding as printed (no secret: `match` holds at most the key's public
 * prefix and its length, or for `known-value` the reference and the form).
 */
export const FindingSchema = z.strictObject({
  rule: z.string(),
  title: z.string(),
  file: z.string(),
  line: z.number().int().min(1),
  column: z.number().int().min(1),
  match: z
    .string()
    .regex(
      /^(?:[A-Za-z0-9_.-]{0,16}… \(\d+ chars\)|[A-Za-z_][A-Za-z0-9_]* \([a-z0-9-]+, \d+ chars\))$/,
    ),
  fingerprint: z.string(),
  /** The reference whose value was found (`known-value` only). */
  reference: z.string().optional(),
  commit: z
    .string()
    .regex(/^[0-9a-f]{40,64}$/)
    .optional(),
  date: z.string().optional(),
  /** How sure the rule is (`medium`: half a credential, such as a lone AWS key id). */
  confidence: z.enum(["high", "medium", "low"]),
  /** Where it was found. */
  context: z.enum(["source", "test-fixture", "docs-example", "local"]),
});

/**
 * `secrets scan --json`.
 */
export const ScanOutputSchema = z.strictObject({
  schemaVersion: z.literal(1),
  mode: z.enum(["tree", "staged", "history"]),
  /** Findings that count: they make the exit code 1. */
  findings: z.array(FindingSchema),
  /** Findings listed but not counted (tests, docs, dummies, uncommitted files, lower confidence). */
  other: z.array(FindingSchema),
  skipped: z.array(
    z.strictObject({
      file: z.string(),
      reason: z.enum(["binary", "too-large", "unreadable", "symlink", "not-a-file"]),
      detail: z.string().optional(),
      commit: z
        .string()
        .regex(/^[0-9a-f]{40,64}$/)
        .optional(),
    }),
  ),
  /** Sentences about the scope (for example a --since before the first commit). */
  notes: z.array(z.string()).optional(),
  /** Entries left out on purpose, by rule (.gitignore files, .git/info/exclude, scan.allowlist.paths). */
  ignored: z
    .array(
      z.strictObject({
        rule: z.string(),
        source: z.string(),
        entries: z.number().int().min(1),
      }),
    )
    .optional(),
  /** With --values: what was searched for (never a value). */
  values: z
    .strictObject({
      references: z.number().int().min(0),
      searched: z.number().int().min(0),
      tooShort: z.array(z.string()),
      unresolved: z.array(z.strictObject({ name: z.string(), code: z.string() })),
    })
    .optional(),
  stats: z.strictObject({
    /** Files read (history: blocks of added lines, one per file per commit). */
    files: z.number().int().min(0),
    /** Bytes read. */
    bytes: z.number().int().min(0),
    commits: z.number().int().min(0),
    durationMs: z.number().min(0),
    /** Entries not scanned (the length of `skipped`). */
    skipped: z.number().int().min(0),
    /** Findings not counted (the length of `other`). */
    other: z.number().int().min(0),
  }),
});

/**
 * Doctor statuses, worst last.
 */
export const STATUSES = ["pass", "manual", "warn", "fail"] as const;

/**
 * One line of evidence inside a doctor check.
 */
export const CheckResultSchema = z.strictObject({
  status: z.enum(STATUSES),
  evidence: z.string(),
  fix: z.string().optional(),
  file: z.string().optional(),
  line: z.number().int().min(1).optional(),
});

/**
 * `secrets doctor --json`.
 */
export const DoctorOutputSchema = z.strictObject({
  schemaVersion: z.literal(1),
  dir: z.string(),
  config: z.string().nullable(),
  strict: z.boolean(),
  summary: z.strictObject({
    pass: z.number().int(),
    warn: z.number().int(),
    fail: z.number().int(),
    manual: z.number().int(),
  }),
  checks: z.array(
    z.strictObject({
      id: z.string(),
      item: z.number().int().min(1).max(11),
      title: z.string(),
      status: z.enum(STATUSES),
      results: z.array(CheckResultSchema),
    }),
  ),
});

/**
 * `secrets get --json`: metadata, never the value.
 */
export const GetOutputSchema = z.strictObject({
  reference: z.string(),
  provider: z.string(),
  version: z.string().optional(),
  /**
   * When the client's cache stops serving this value (ISO 8601): the cache's
   * maximum age, or the provider's own expiry when that comes first. Not the
   * secret's expiry, which the core does not report separately.
   */
  cachedUntil: z.string().optional(),
  latencyMs: z.number().min(0),
});
