/**
 * Item 2: no keys in version control. Scans the added lines of all reachable
 * history. A key found in history but no longer in the tree is still a fail:
 * deleting it does not un-leak it, only rotation does.
 */

import { KNOWN_VALUE_RULE } from "../../scan/engine.js";
import { ISSUED_KEY_FIX, ISSUED_KEY_RULE_ID } from "../../scan/issued-keys.js";
import { RULES } from "../../scan/rules.js";
import { type Check, type CheckResult, fail, manual, pass } from "../types.js";
import { notCounted } from "./01-no-keys-in-source.js";
import { KNOWN_VALUE_FIX, valuesNotChecked, valuesNote } from "./known-values.js";

const FIX = new Map<string, string>([
  ...RULES.map((r) => [r.id, r.fix] as const),
  [ISSUED_KEY_RULE_ID, ISSUED_KEY_FIX],
  [KNOWN_VALUE_RULE, KNOWN_VALUE_FIX],
]);

/**
 * The check.
 */
export const noKeysInHistory: Check = {
  id: "no-keys-in-history",
  item: 2,
  title: "No keys in version control",
  async run(ctx) {
    if (!ctx.isGit()) {
      return [
        manual(
          `${ctx.dir} is not a git repository, so no history was scanned`,
          "Run `secrets scan --history` (or `secrets doctor`) in the repository where this code is versioned.",
        ),
      ];
    }
    const values = await ctx.values();
    const history = await ctx.history();
    if (!history) return [manual("git history could not be read", "Run `secrets scan --history`.")];
    const inTree = new Set(ctx.tree().findings.map((f) => f.digest));
    // One result per distinct key: the oldest commit that added it.
    const byKey = new Map<string, (typeof history.findings)[number][]>();
    for (const f of history.findings) {
      if (f.counted) byKey.set(f.digest, [...(byKey.get(f.digest) ?? []), f]);
    }
    const results: CheckResult[] = [];
    for (const [digest, seen] of byKey) {
      const first = seen[seen.length - 1] ?? seen[0];
      if (!first) continue;
      const where = `${first.file}:${first.line} ${first.rule} ${first.match} in commit ${first.commit?.slice(0, 12)} (${first.date?.slice(0, 10)})${seen.length > 1 ? `, ${seen.length} commits` : ""}`;
      const fix = FIX.get(first.rule) ?? "Rotate the key.";
      if (inTree.has(digest)) {
        results.push(
          fail(`${where}; still in the working tree (item 1)`, fix, {
            file: first.file,
            line: first.line,
          }),
        );
      } else {
        results.push(
          fail(
            `${where}; gone from the working tree but still in history`,
            `Rotate it now: removing a key from the tree does not un-leak it (anyone with a clone has it). ${fix} Rewriting history (git filter-repo) is optional after rotation.`,
            { file: first.file, line: first.line },
          ),
        );
      }
    }
    const bound = ctx.options.since ? ` since ${ctx.options.since}` : "";
    results.push(...notCounted(history.findings));
    if (history.skipped.length > 0) {
      results.push(
        manual(
          `${history.skipped.length} block(s) of added lines not scanned (over the size limit): ${history.skipped
            .slice(0, 5)
            .map((s) => `${s.file} in ${s.commit?.slice(0, 12) ?? "?"} (${s.detail ?? s.reason})`)
            .join(", ")}${history.skipped.length > 5 ? ", ..." : ""}`,
          "Review them by hand, or raise scan.maxFileSize in secrets.config.json and run the doctor again.",
        ),
      );
    }
    if (!results.some((r) => r.status === "fail")) {
      results.unshift(
        pass(
          `scanned the added lines of ${history.commits} commits${bound}${valuesNote(values)}: no keys counted`,
        ),
      );
    }
    results.push(
      ...valuesNotChecked(values, ctx.options.offline, "git history", ctx.references().length),
    );
    if (ctx.options.since) {
      results.push(
        manual(
          `history before ${ctx.options.since} was not scanned (--since)`,
          "Run `secrets scan --history` once without --since to cover all of it.",
        ),
      );
    }
    return results;
  },
};
