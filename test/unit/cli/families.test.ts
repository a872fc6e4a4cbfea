/**
 * Recall and false positives per token family on test/fixtures/leaks/families.json:
 * the fixed-prefix families of gitleaks' default list and the shapes people
 * leak without a prefix (registry auth files, connection strings, curl,
 * API-key headers, getenv defaults, PHP/Ruby/Java forms, a lone AWS key id).
 * Each case is expanded with fresh fakes in several rounds. A positive must be
 * found by its rule, counted or listed as the case says; a decoy must draw
 * no finding at all. The table is printed.
 */

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Scanner } from "../../../src/cli/scan/engine.js";
import { expand } from "./support/fakes.js";

interface FamilyCase {
  id: string;
  family: string;
  expect: string | null;
  counted?: boolean;
  file: string;
  text: string;
}

const { cases } = JSON.parse(
  readFileSync(new URL("../../fixtures/leaks/families.json", import.meta.url), "utf8"),
) as { cases: FamilyCase[] };

const ROUNDS = 10;

describe("token families", () => {
  const scanner = new Scanner();
  const stats = new Map<
    string,
    { positives: number; found: number; decoys: number; falsePositives: number }
  >();
  const misses: string[] = [];
  const wrong: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of cases) {
      const s = stats.get(c.family) ?? { positives: 0, found: 0, decoys: 0, falsePositives: 0 };
      stats.set(c.family, s);
      const findings = scanner.scanText(expand(c.text), { file: c.file });
      if (c.expect) {
        s.positives++;
        const hit = findings.find((f) => f.rule === c.expect);
        const counted = c.counted ?? true;
        if (hit && hit.counted === counted) s.found++;
        else
          misses.push(
            `${c.id}: ${hit ? `counted=${hit.counted}` : "not found"} (${findings.map((f) => f.rule).join(", ")})`,
          );
      } else s.decoys++;
      for (const f of findings) {
        if (f.rule !== c.expect) {
          s.falsePositives++;
          wrong.push(`${c.id} -> ${f.rule} ${f.match}`);
        }
      }
    }
  }

  it("has positives and decoys for the families the issue names", () => {
    const families = new Set(cases.map((c) => c.family));
    for (const f of [
      ".npmrc",
      "docker-config",
      "connection-string",
      "curl",
      "api-key-header",
      "slack-webhook",
      "gitlab",
      "sendgrid",
      "shopify",
      "digitalocean",
      "getenv-default",
      "php-define",
      "java-property",
      "ruby",
      "aws-key-id",
    ]) {
      expect(families.has(f), f).toBe(true);
      expect(
        cases.some((c) => c.family === f && c.expect === null) || f === "ruby",
        `${f} decoy`,
      ).toBe(true);
    }
  });

  it("reports recall and false positives per family", () => {
    const rows = [...stats].map(([family, s]) => ({
      family,
      positives: s.positives / ROUNDS,
      recall: s.positives ? `${((100 * s.found) / s.positives).toFixed(0)}%` : "-",
      decoys: s.decoys / ROUNDS,
      falsePositives: s.falsePositives,
    }));
    console.log(`Token families, ${ROUNDS} rounds of fresh fakes:`);
    console.table(rows);
    expect([...new Set(misses)]).toEqual([]);
    expect([...new Set(wrong)]).toEqual([]);
  });
});
