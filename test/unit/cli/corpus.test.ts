/**
 * Recall and false positives of every rule on the labelled corpus in
 * test/fixtures/leaks/corpus.json. The corpus is expanded several times with
 * fresh random fakes, so a rule that only works on lucky values fails.
 */

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Scanner } from "../../../src/cli/scan/engine.js";
import { RULES } from "../../../src/cli/scan/rules.js";
import { loadCorpus } from "./support/corpus.js";
import { expand } from "./support/fakes.js";

const corpus = loadCorpus();

const ROUNDS = 20;

describe("leak corpus", () => {
  const scanner = new Scanner();
  const stats = new Map(RULES.map((r) => [r.id, { positives: 0, found: 0, falsePositives: 0 }]));
  // Rules whose cases all live in families.json are left out of this table.
  const here = new Set(corpus.cases.map((c) => c.expect));
  const misses: string[] = [];
  const wrong: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of corpus.cases) {
      const findings = scanner.scanText(expand(c.text), { file: c.file });
      if (c.expect) {
        const s = stats.get(c.expect);
        if (!s) throw new Error(`corpus case ${c.id}: unknown rule ${c.expect}`);
        s.positives++;
        if (findings.some((f) => f.rule === c.expect)) s.found++;
        else misses.push(c.id);
      }
      for (const f of findings) {
        if (f.rule !== c.expect) {
          const s = stats.get(f.rule);
          if (s) s.falsePositives++;
          wrong.push(`${c.id} -> ${f.rule} ${f.match}`);
        }
      }
    }
  }

  it("has true leaks for every rule (here or in families.json)", () => {
    const families = JSON.parse(
      readFileSync(new URL("../../fixtures/leaks/families.json", import.meta.url), "utf8"),
    ) as { cases: Array<{ expect: string | null }> };
    for (const r of RULES)
      expect(
        [...corpus.cases, ...families.cases].some((c) => c.expect === r.id),
        r.id,
      ).toBe(true);
    expect(corpus.cases.filter((c) => c.expect === null).length).toBeGreaterThanOrEqual(20);
  });

  it("reports recall and false positives per rule", () => {
    const rows = [...stats]
      .filter(([rule]) => here.has(rule))
      .map(([rule, s]) => ({
        rule,
        positives: s.positives,
        recall: s.positives ? `${((100 * s.found) / s.positives).toFixed(1)}%` : "-",
        falsePositives: s.falsePositives,
      }));
    const lookAlikes = corpus.cases.filter((c) => c.expect === null).length;
    console.log(
      `Leak corpus, ${ROUNDS} rounds of fresh fakes: ${corpus.cases.length - lookAlikes} true leaks, ${lookAlikes} look-alikes (placeholders, public keys, hashes, UUIDs, base64 images, code)`,
    );
    console.table(rows);
    expect([...new Set(misses)]).toEqual([]);
    expect([...new Set(wrong.map((w) => w.replace(/ \S+\*\*\*\*$/, "")))]).toEqual([]);
  });

  it("never prints more than a key's public prefix, nor a hash of it", () => {
    const prefixes = new Map(RULES.map((r) => [r.id, r.publicPrefix]));
    for (const c of corpus.cases.filter((k) => k.expect)) {
      for (const f of scanner.scanText(expand(c.text), { file: c.file })) {
        const m = /^(.*)… \((\d+) chars\)$/.exec(f.match);
        expect(m, f.match).not.toBeNull();
        const shown = m?.[1] ?? "";
        if (shown) expect(prefixes.get(f.rule)?.exec(shown)?.[0]).toBe(shown);
      }
    }
  });
});
