/**
 * Providers and the CLI reach the core only through its public entries (the
 * package root and `secrets-loader/provider`), so that what a third party can
 * do, a built-in can do, and the core's internals stay free to change.
 * Import cycles are caught by Biome's noImportCycles.
 */

import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const ENTRIES = new Set(["src/index.ts", "src/provider/index.ts"]);

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const rel = join(dir, name);
    if (statSync(join(ROOT, rel)).isDirectory()) return files(rel);
    return rel.endsWith(".ts") ? [rel] : [];
  });
}

/** Every relative import (static or dynamic) of a file, resolved to a repository path. */
function imports(file: string): string[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  const specs = [
    ...text.matchAll(/\bfrom\s+"(\.[^"]+)"/g),
    ...text.matchAll(/\bimport\(\s*"(\.[^"]+)"\s*\)/g),
  ].map((m) => m[1] as string);
  return specs.map((s) => relative(ROOT, resolve(ROOT, dirname(file), s)).replace(/\.js$/, ".ts"));
}

describe("layering", () => {
  const layers = [...files("providers"), ...files("src/cli")];

  it.each(layers)("%s imports the core only through its public entries", (file) => {
    const reaching = imports(file).filter(
      (target) =>
        target.startsWith("src/") && !target.startsWith("src/cli/") && !ENTRIES.has(target),
    );
    expect(reaching).toEqual([]);
  });

  it("keeps provider folders apart: no provider imports another", () => {
    for (const file of files("providers")) {
      const own = file.split("/")[1];
      const others = imports(file).filter(
        (t) => t.startsWith("providers/") && t.split("/")[1] !== own,
      );
      expect(others, file).toEqual([]);
    }
  });
});
