/**
 * Providers and the CLI reach the core only through its public entries (the
 * package root, `secrets-loader/provider` and `secrets-loader/keys`), so that what a third party can
 * do, a built-in can do, and the core's internals stay free to change.
 * The keys entry (secrets-loader/keys) stands apart: it never loads the client, so it reaches
 * only its own folder, node builtins and the core's error classes.
 * Import cycles are caught by Biome's noImportCycles.
 */

import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const ENTRIES = new Set(["src/index.ts", "src/provider/index.ts", "src/keys/index.ts"]);

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const rel = join(dir, name);
    if (statSync(join(ROOT, rel)).isDirectory()) return files(rel);
    return rel.endsWith(".ts") ? [rel] : [];
  });
}

/** Every relative import (static, side-effect only, or dynamic) of a file, resolved to a repository path. */
function imports(file: string): string[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  const specs = [
    ...text.matchAll(/\bfrom\s+"(\.[^"]+)"/g),
    ...text.matchAll(/\bimport\(\s*"(\.[^"]+)"\s*\)/g),
    ...text.matchAll(/^\s*import\s+"(\.[^"]+)"/gm),
  ].map((m) => m[1] as string);
  return specs.map((s) => relative(ROOT, resolve(ROOT, dirname(file), s)).replace(/\.js$/, ".ts"));
}

describe("layering", () => {
  it.each(files("src/cli"))("%s imports the core only through its public entries", (file) => {
    const reaching = imports(file).filter(
      (target) =>
        target.startsWith("src/") && !target.startsWith("src/cli/") && !ENTRIES.has(target),
    );
    expect(reaching).toEqual([]);
  });

  // Providers -> core: only the authoring kit, never the root (importing a provider's entry
  // must not load every built-in through the root, and a third party has nothing more).
  it.each(files("providers"))(
    "%s imports the core only through secrets-loader/provider",
    (file) => {
      const reaching = imports(file).filter(
        (target) => target.startsWith("src/") && target !== "src/provider/index.ts",
      );
      expect(reaching).toEqual([]);
    },
  );

  // Core -> providers: only the composition root names a provider, and only its declaration.
  const COMPOSITION_ROOT = "src/builtin-providers.ts";
  const core = files("src").filter((f) => !f.startsWith("src/cli/"));

  it.each(core)("%s names no provider (only the composition root does)", (file) => {
    const named = imports(file).filter((t) => t.startsWith("providers/"));
    if (file === COMPOSITION_ROOT) {
      expect(named.length).toBeGreaterThan(0);
      for (const t of named) expect(t).toMatch(/^providers\/[a-z0-9-]+\/declaration\.ts$/);
    } else {
      expect(named).toEqual([]);
    }
  });

  it("the CLI names no provider either: it works from the declarations", () => {
    for (const file of files("src/cli")) {
      expect(
        imports(file).filter((t) => t.startsWith("providers/")),
        file,
      ).toEqual([]);
    }
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

  describe("the keys entry", () => {
    // errors.ts imports nothing and is one chunk shared by every entry already; any other core
    // module would drag in more code or split into a chunk of its own (see the import-cost test).
    const CORE_ALLOWED = new Set(["src/errors.ts"]);
    const own = files("src/keys").filter((f) => f.split("/").length === 3);
    // Folders bundled into the entry itself (the limiter and the watcher), unlike the adapter
    // folders (http, express, fastify), which are entries of their own.
    const INTERNAL = ["src/keys/limits/", "src/keys/anomaly/", "src/keys/leak-alert/"];
    const inEntry = (t: string) =>
      (t.startsWith("src/keys/") && t.split("/").length === 3) ||
      INTERNAL.some((d) => t.startsWith(d));
    const internal = files("src/keys").filter((f) => INTERNAL.some((d) => f.startsWith(d)));

    it("finds its files", () => {
      expect(own).toContain("src/keys/index.ts");
      expect(own).toContain("src/keys/keyring.ts");
    });

    it.each(own)("%s imports only its folder, node builtins and the core's errors", (file) => {
      const outside = imports(file).filter((t) => !inEntry(t) && !CORE_ALLOWED.has(t));
      expect(outside).toEqual([]);
      // Doc comments quote imports in their examples; only code counts.
      const text = readFileSync(join(ROOT, file), "utf8")
        .replace(/\/\*[\s\S]*?\*\//g, "")
        .replace(/^\s*\/\/.*$/gm, "");
      const packages = [...text.matchAll(/(?:\bfrom|\bimport\(|^\s*import)\s*"([^".][^"]*)"/gm)]
        .map((m) => m[1] as string)
        .filter((spec) => !spec.startsWith("node:"));
      expect(packages).toEqual([]);
    });

    it.each(internal)(
      "%s imports only the entry's files and the core's errors, and its packages on first use",
      (file) => {
        expect(imports(file).filter((t) => !inEntry(t) && !CORE_ALLOWED.has(t))).toEqual([]);
        const text = readFileSync(join(ROOT, file), "utf8")
          .replace(/\/\*[\s\S]*?\*\//g, "")
          .replace(/^\s*\/\/.*$/gm, "");
        // Type-only imports vanish from the build; value imports of packages would load them.
        const staticPackages = [
          ...text.matchAll(/^\s*(?:import|export)\s+(?!type\b)[^;]*?from\s*"([^".][^"]*)"/gm),
        ]
          .map((m) => m[1] as string)
          .filter((spec) => !spec.startsWith("node:"));
        expect(staticPackages).toEqual([]);
        const dynamic = [...text.matchAll(/\bimport\(\s*"([^".][^"]*)"\s*\)/g)].map((m) => m[1]);
        for (const spec of dynamic) expect(["rate-limiter-flexible", "ioredis"]).toContain(spec);
      },
    );

    it("errors.ts, the one core module it shares, imports nothing", () => {
      expect(imports("src/errors.ts")).toEqual([]);
    });

    it("nothing in the keys folder imports the package root or the provider kit", () => {
      for (const file of files("src/keys")) {
        const reaching = imports(file).filter(
          (t) =>
            t === "src/index.ts" || t === "src/provider/index.ts" || t.startsWith("providers/"),
        );
        expect(reaching, file).toEqual([]);
      }
    });
  });
});
