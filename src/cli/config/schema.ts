/**
 * The project config (`secrets.config.json`, or a `secrets` key in
 * `package.json`), as a zod schema. Unknown keys are errors, so a typo such
 * as `polcy` is reported instead of silently ignored.
 */

import { z } from "zod";
import { isValidPrefix } from "../../keys/index.js";
import { ISSUED_KEY_RULE_ID } from "../scan/issued-keys.js";
import { MAX_READABLE_FILE_SIZE } from "../scan/limits.js";
import { RULES } from "../scan/rules.js";

// Every pattern rule, the project's own keys (`keys.prefixes`), and `known-value` (the app's
// own values, `scan --values`).
const RULE_IDS = [...RULES.map((r) => r.id), ISSUED_KEY_RULE_ID, "known-value"] as unknown as [
  string,
  ...string[],
];

const REFERENCE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const Reference = z.union([
  z.string().min(1),
  z.strictObject({
    ref: z.string().min(1),
    type: z.enum(["string", "json", "binary"]).optional(),
    optional: z.boolean().optional(),
  }),
]);

const Providers = z.record(
  z.string().regex(/^[a-z][a-z0-9-]*$/, {
    message: "a provider name is lower-case letters, digits and dashes",
  }),
  z.record(z.string(), z.unknown(), { error: "must be an object of options" }),
);
// Each provider's own options are checked by its declaration (config/provider-options.ts).

const Allowlist = z.strictObject({
  /** gitignore-style patterns of paths never scanned. */
  paths: z.array(z.string().min(1)).default([]),
  /** Rule ids turned off. */
  rules: z.array(z.enum(RULE_IDS)).default([]),
  /** Regexes; a finding whose secret matches one is dropped. */
  regexes: z
    .array(
      z.string().refine(
        (s) => {
          try {
            new RegExp(s);
            return true;
          } catch {
            return false;
          }
        },
        { message: "not a valid regular expression" },
      ),
    )
    .default([]),
  /** Fingerprints of single findings (`file:rule:line`, or `commit:file:rule:line`). */
  fingerprints: z.array(z.string().min(1)).default([]),
});

/**
 * The config schema.
 */
export const ConfigSchema = z.strictObject({
  $schema: z.string().optional(),
  /** Secrets the app uses, by name: a reference, or `{ ref, type, optional }`. */
  references: z
    .record(
      z.string().regex(REFERENCE_NAME, {
        message: "a reference name is letters, digits and underscores, not starting with a digit",
      }),
      Reference,
    )
    .default({}),
  /** Options per provider name (`env`, `aws`, `vault` ...), passed to its factory. */
  providers: Providers.default({}),
  /** Policy the doctor enforces. */
  policy: z
    .strictObject({
      /** Fail when a provider uses long-lived credentials. */
      requireShortLived: z.union([z.boolean(), z.literal("strict")]).default(false),
      /** Oldest a secret may be since its last rotation, in days. */
      rotationMaxDays: z.number().int().positive().default(90),
    })
    .default({ requireShortLived: false, rotationMaxDays: 90 }),
  /** Where the SDK's audit events go (checklist: usage logging). */
  audit: z
    .strictObject({
      /** `stderr`, `stdout`, `file:<path>`, or `module:<path>` exporting a listener. */
      sink: z.string().regex(/^(?:stderr|stdout|file:.+|module:.+)$/, {
        message: 'must be "stderr", "stdout", "file:<path>" or "module:<path>"',
      }),
    })
    .optional(),
  /** Leak-scan settings. */
  scan: z
    .strictObject({
      allowlist: Allowlist.default({ paths: [], rules: [], regexes: [], fingerprints: [] }),
      /** Files larger than this many bytes are skipped. */
      maxFileSize: z.number().int().positive().max(MAX_READABLE_FILE_SIZE).optional(),
    })
    .default({ allowlist: { paths: [], rules: [], regexes: [], fingerprints: [] } }),
  /** API keys this project issues with secrets-loader/keys. */
  keys: z
    .strictObject({
      /** Prefixes of the keys, so `secrets scan` finds them (confirmed by their checksum). */
      prefixes: z
        .array(
          z.string().refine(isValidPrefix, {
            message:
              'must be lower-case letters and digits in "_"-separated words, ending in "_" (at most 32 characters)',
          }),
        )
        .default([]),
    })
    .optional(),
});

/**
 * A validated config with defaults filled in.
 */
export type SecretsConfig = z.infer<typeof ConfigSchema>;

/**
 * Top-level and nested keys, for "did you mean" hints on typos.
 */
export const KNOWN_KEYS: Record<string, readonly string[]> = {
  "": ["$schema", "references", "providers", "policy", "audit", "scan", "keys"],
  policy: ["requireShortLived", "rotationMaxDays"],
  audit: ["sink"],
  scan: ["allowlist", "maxFileSize"],
  "scan.allowlist": ["paths", "rules", "regexes", "fingerprints"],
  keys: ["prefixes"],
};

/**
 * How to fix a bad value, by config key path.
 */
export const FIXES: ReadonlyArray<[RegExp, string]> = [
  [
    /^references\.[^.]+(\.ref)?$/,
    'give a reference URI such as "aws-sm://prod/db#password" or { "ref": "env://API_KEY" }',
  ],
  [/^references\.[^.]+\.type$/, 'use "string", "json" or "binary"'],
  [/^references$/, 'use an object of NAME: "reference" pairs'],
  [
    /^providers/,
    'use an object of provider name to options, such as { "aws": { "region": "eu-west-1" } }',
  ],
  [/^policy\.rotationMaxDays$/, "use a whole number of days, such as 90"],
  [/^policy\.requireShortLived$/, 'use true, false or "strict"'],
  [
    /^audit\.sink$/,
    'use "stderr", "stdout", "file:logs/secrets-audit.jsonl" or "module:./audit.js"',
  ],
  [/^scan\.allowlist\.rules/, `use rule ids: ${RULE_IDS.join(", ")}`],
  [/^scan\.allowlist\.regexes/, 'use JavaScript regular expression source, such as "^sk_test_"'],
  [/^scan\.allowlist/, "use arrays of strings"],
  [/^scan\.maxFileSize$/, "use a size in bytes, such as 5000000 (at most about 512 MB)"],
  [/^keys\.prefixes/, 'use an array of key prefixes, such as ["acme_live_", "acme_test_"]'],
  [/^keys$/, 'use { "prefixes": ["acme_live_"] }'],
];
