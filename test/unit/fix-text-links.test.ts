/**
 * Fix texts (errors, doctor checks) point users at docs they have: the guides shipped in the
 * package (`node_modules/secrets-loader/docs/...`, whose headings must exist) or URLs, never
 * at this repository's folders (`docs/`, `examples/`, a README), which an installed package
 * does not contain.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = new URL("../..", import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
    .map((f) => join(dir, f));
}

/** The string literals of a source file, comments left out (`//` lines and block comments). */
function literals(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  return [...code.matchAll(/"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`|'(?:[^'\\\n]|\\.)*'/g)].map(
    (m) => m[0],
  );
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
const anchor = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");

const files = [...sources("src"), ...sources("providers")];

describe("fix texts", () => {
  it("never point at repository folders (docs/, examples/, a README)", () => {
    const bad: string[] = [];
    for (const file of files) {
      for (const lit of literals(readFileSync(join(root, file), "utf8"))) {
        const pointer = /(?<![\w/-])(?:docs|examples)\/[\w./-]+|\bsee (?:the )?README\b/.exec(lit);
        if (pointer) bad.push(`${file}: ${pointer[0]}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("that point at a shipped guide name a file and heading that exist", () => {
    const links = new Set<string>();
    for (const file of files) {
      const text = readFileSync(join(root, file), "utf8");
      for (const m of text.matchAll(
        /node_modules\/secrets-loader\/(docs\/[\w./-]+\.md)(?:#([\w-]+))?/g,
      )) {
        links.add(`${m[1]}#${m[2] ?? ""}`);
      }
    }
    expect(links.size).toBeGreaterThan(0);
    const missing: string[] = [];
    for (const link of links) {
      const [path = "", hash = ""] = link.split("#");
      let guide: string;
      try {
        guide = readFileSync(join(root, path), "utf8");
      } catch {
        missing.push(`${path} (no such guide)`);
        continue;
      }
      const anchors = [...guide.matchAll(/^#{1,6} (.+)$/gm)].map((h) => anchor(h[1] ?? ""));
      if (hash !== "" && !anchors.includes(hash)) missing.push(`${path}#${hash}`);
    }
    expect(missing).toEqual([]);
  });
});
