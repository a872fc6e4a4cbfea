/** The labelled leak corpus (test/fixtures/leaks/corpus.json), shared by the unit and e2e corpus tests. */
import { readFileSync } from "node:fs";

/** One labelled case: `expect` is the rule that must fire, or null for a look-alike. */
export interface Case {
  id: string;
  expect: string | null;
  file: string;
  text: string;
}

export function loadCorpus(): { cases: Case[] } {
  return JSON.parse(
    readFileSync(new URL("../../../fixtures/leaks/corpus.json", import.meta.url), "utf8"),
  ) as { cases: Case[] };
}
