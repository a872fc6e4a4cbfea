/**
 * Item 1: no keys in source code. Scans the working tree (respecting
 * .gitignore, skipping binaries and large files) with every detector.
 */

import { KNOWN_VALUE_RULE } from "../../scan/engine.js";
import { ISSUED_KEY_FIX, ISSUED_KEY_RULE_ID } from "../../scan/issued-keys.js";
import { RULES } from "../../scan/rules.js";
import type { RawFinding } from "../../scan/types.js";
import { type Check, type CheckResult, fail, manual, pass } from "../types.js";
import { KNOWN_VALUE_FIX, valuesNotChecked, valuesNote } from "./known-values.js";

const FIX = new Map<string, string>([
  ...RULES.map((r) => [r.id, r.fix] as const),
  [ISSUED_KEY_RULE_ID, ISSUED_KEY_FIX],
  [KNOWN_VALUE_RULE, KNOWN_VALUE_FIX],
]);

const CLASS: Record<string, string> = {
  source: "source, lower confidence",
  "test-fixture": "test fixture",
  "docs-example": "docs or example",
  local: "present on this machine, not committed",
};

/**
 * Findings that do not count (tests, docs, dummies, uncommitted files, half a
 * key): one `manual` result to review, never "revoke at issuer now".
 *
 * @example
 * ```ts
 * notCounted(tree.findings); // [] or one manual result
 * ```
 */
export function notCounted(findings: readonly RawFinding[]): CheckResult[] {
  const other = findings.filter((f) => !f.counted);
  if (other.length === 0) return [];
  const listed = other
    .slice(0, 5)
    .map(
      (f) =>
        `${f.file}:${f.line} ${f.rule} (${CLASS[f.context === "source" ? "source" : f.context]})`,
    )
    .join(", ");
  return [
    manual(
      `${other.length} finding(s) not counted: ${listed}${other.length > 5 ? ", ..." : ""}`,
      "Review them: a stand-in value needs nothing; a real key needs rotating, and a committed file in a test or docs folder is as public as any other.",
    ),
  ];
}

/**
 * The check.
 */
export const noKeysInSource: Check = {
  id: "no-keys-in-source",
  item: 1,
  title: "No keys in source code",
  async run(ctx) {
    // The values first: the tree is scanned once, for patterns and values.
    const values = await ctx.values();
    const tree = ctx.tree();
    const counted = tree.findings.filter((f) => f.counted);
    const results: CheckResult[] = counted.map((f) =>
      fail(`${f.file}:${f.line} ${f.rule} ${f.match}`, FIX.get(f.rule) ?? "Rotate the key.", {
        file: f.file,
        line: f.line,
      }),
    );
    results.push(...notCounted(tree.findings));
    const unreadable = tree.skipped.filter((s) => s.reason === "unreadable");
    if (unreadable.length > 0) {
      results.push(
        manual(
          `${unreadable.length} file(s) could not be read: ${unreadable
            .slice(0, 5)
            .map((s) => `${s.file} (${s.detail})`)
            .join(", ")}${unreadable.length > 5 ? ", ..." : ""}`,
          "Fix their permissions and run the doctor again, or review them by hand.",
        ),
      );
    }
    // Files not read (binary, over the size limit, special files) were not
    // checked: the item cannot pass on them.
    const notRead = tree.skipped.filter((s) => s.reason !== "unreadable" && s.reason !== "symlink");
    if (notRead.length > 0) {
      results.push(
        manual(
          `${notRead.length} file(s) not scanned: ${notRead
            .slice(0, 5)
            .map((s) => `${s.file} (${s.reason}${s.detail ? `, ${s.detail}` : ""})`)
            .join(", ")}${notRead.length > 5 ? ", ..." : ""}`,
          "Review them by hand, raise scan.maxFileSize in secrets.config.json for large text files, or exclude them with scan.allowlist.paths.",
        ),
      );
    }
    if (counted.length === 0) {
      results.unshift(
        pass(
          `scanned ${tree.files} files (${(tree.bytes / 1e6).toFixed(1)} MB) with ${RULES.length} detectors${valuesNote(values)}: no keys${tree.findings.length ? ` counted (${tree.findings.length} in tests, docs, dummies or uncommitted files listed below)` : ""}`,
        ),
      );
    }
    results.push(
      ...valuesNotChecked(values, ctx.options.offline, "the working tree", ctx.references().length),
    );
    return results;
  },
};
