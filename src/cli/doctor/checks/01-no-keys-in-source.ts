/**
 * Item 1: no keys in source code. Scans the working tree (respecting
 * .gitignore, skipping binaries and large files) with every detector.
 */

import { KNOWN_VALUE_RULE } from "../../scan/engine.js";
import { ISSUED_KEY_FIX, ISSUED_KEY_RULE_ID } from "../../scan/issued-keys.js";
import { RULES } from "../../scan/rules.js";
import { type Check, type CheckResult, fail, manual, pass } from "../types.js";
import { KNOWN_VALUE_FIX, valuesNotChecked, valuesNote } from "./known-values.js";

const FIX = new Map<string, string>([
  ...RULES.map((r) => [r.id, r.fix] as const),
  [ISSUED_KEY_RULE_ID, ISSUED_KEY_FIX],
  [KNOWN_VALUE_RULE, KNOWN_VALUE_FIX],
]);

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
    const results: CheckResult[] = tree.findings.map((f) =>
      fail(`${f.file}:${f.line} ${f.rule} ${f.match}`, FIX.get(f.rule) ?? "Rotate the key.", {
        file: f.file,
        line: f.line,
      }),
    );
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
    if (tree.findings.length === 0) {
      const skipped = tree.skipped.length - unreadable.length;
      results.unshift(
        pass(
          `scanned ${tree.files} files (${(tree.bytes / 1e6).toFixed(1)} MB) with ${RULES.length} detectors${valuesNote(values)}: no keys${skipped ? `; ${skipped} binary/large/link entries skipped` : ""}`,
        ),
      );
    }
    results.push(
      ...valuesNotChecked(values, ctx.options.offline, "the working tree", ctx.references().length),
    );
    return results;
  },
};
