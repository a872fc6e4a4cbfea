/**
 * The labelled corpus, end to end: every case is written as a real file
 * (fresh fakes) into a temp tree, and the built CLI scans the tree. Each true
 * leak must be reported once under its rule; no look-alike may be reported.
 */

import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { loadCorpus } from "../../unit/cli/support/corpus.js";
import { expand } from "../../unit/cli/support/fakes.js";
import { makeProject } from "../../unit/cli/support/project.js";
import { assertBuilt, cli } from "./support.js";

const corpus = loadCorpus();

beforeAll(() => assertBuilt());

describe("leak corpus through the CLI", () => {
  it("reports every true leak under its rule and no look-alike", () => {
    const files: Record<string, string> = {};
    for (const c of corpus.cases) files[`${c.id}/${c.file}`] = expand(c.text);
    const dir = makeProject(files);
    const r = cli(["scan", "--json"], { cwd: dir });
    expect(r.code).toBe(1);
    const found = new Map<string, string[]>();
    // Counted findings and those listed apart (a lone AWS key id is half a key: listed, not counted).
    const out = JSON.parse(r.stdout) as Record<
      "findings" | "other",
      Array<{ file: string; rule: string }>
    >;
    for (const f of [...out.findings, ...out.other]) {
      const id = f.file.split("/")[0] as string;
      found.set(id, [...(found.get(id) ?? []), f.rule]);
    }
    const got = Object.fromEntries(corpus.cases.map((c) => [c.id, found.get(c.id) ?? []]));
    const want = Object.fromEntries(corpus.cases.map((c) => [c.id, c.expect ? [c.expect] : []]));
    expect(got).toEqual(want);
  });
});

describe("token families through the CLI", () => {
  it("reports every family's positives under its rule, counted or listed apart as labelled, and no decoy", () => {
    const { cases } = JSON.parse(
      readFileSync(new URL("../../fixtures/leaks/families.json", import.meta.url), "utf8"),
    ) as {
      cases: Array<{
        id: string;
        expect: string | null;
        counted?: boolean;
        file: string;
        text: string;
      }>;
    };
    const files: Record<string, string> = {};
    for (const c of cases) files[`${c.id}/${c.file}`] = expand(c.text);
    const dir = makeProject(files);
    // --no-gitignore: some cases live under node_modules/ (README examples of installed packages).
    const r = cli(["scan", "--json", "--no-gitignore"], { cwd: dir });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as Record<
      "findings" | "other",
      Array<{ file: string; rule: string }>
    >;
    const found = new Map<string, string[]>();
    for (const [list, counted] of [
      [out.findings, "counted"],
      [out.other, "listed"],
    ] as const) {
      for (const f of list) {
        const id = f.file.split("/")[0] as string;
        found.set(id, [...(found.get(id) ?? []), `${f.rule} ${counted}`]);
      }
    }
    // One entry per rule and class (a case may hold two keys of its family).
    const got = Object.fromEntries(cases.map((c) => [c.id, [...new Set(found.get(c.id) ?? [])]]));
    const want = Object.fromEntries(
      cases.map((c) => [
        c.id,
        c.expect ? [`${c.expect} ${c.counted === false ? "listed" : "counted"}`] : [],
      ]),
    );
    expect(got).toEqual(want);
  });
});
