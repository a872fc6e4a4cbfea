/**
 * The two new entries cost nothing unless imported: the root loads no file of
 * secrets-loader/config or secrets-loader/testing, the config entry adds one
 * file and loads no schema library, and the testing kit (node:assert and all)
 * is never loaded by a runtime entry.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const root = new URL("../..", import.meta.url).pathname;

function modulesLoadedBy(body: string): string[] {
  const script = `
    import { registerHooks } from "node:module";
    const seen = [];
    registerHooks({ resolve(s, c, next) { const r = next(s, c); seen.push(r.url); return r; } });
    ${body}
    process.stdout.write(JSON.stringify(seen));
  `;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: root,
    encoding: "utf8",
    env: { PATH: process.env.PATH, SL_ENTRY_COST: "entry-cost-value" },
  });
  return [...new Set(JSON.parse(out) as string[])];
}
const ours = (urls: string[]) => urls.filter((u) => u.includes("/dist/"));
const text = (urls: string[]) =>
  ours(urls)
    .map((u) => readFileSync(new URL(u), "utf8"))
    .join("\n");

describe("entry costs", () => {
  it("the root loads nothing of the config or testing entries", () => {
    const urls = modulesLoadedBy(`await import("secrets-loader");`);
    expect(ours(urls).filter((u) => /\/dist\/src\/(config|testing)\//.test(u))).toEqual([]);
    expect(text(urls)).not.toMatch(/DefinedConfig|MemoryBackend|useTestClock/);
    expect(urls).not.toContain("node:assert");
  });

  it("secrets-loader/config adds its own file only, and loads no schema library", () => {
    // The same read through the root: the env provider's chunks load on first use either way.
    const rootFiles = ours(
      modulesLoadedBy(`await (await import("secrets-loader")).load({ A: "env://SL_ENTRY_COST" });`),
    );
    const urls = modulesLoadedBy(`
      const { defineConfig } = await import("secrets-loader/config");
      await defineConfig({ A: "SL_ENTRY_COST" }).load();
    `);
    const extra = ours(urls).filter((u) => !rootFiles.includes(u));
    expect(extra).toEqual([expect.stringMatching(/\/dist\/src\/config\/index\.js$/)]);
    expect(urls.filter((u) => /node_modules\/(zod|valibot|arktype|@ark)\//.test(u))).toEqual([]);
    expect(text(urls)).not.toMatch(/MemoryBackend/);
  });

  it("the check can fail: importing the testing entry is seen", () => {
    const urls = modulesLoadedBy(`await import("secrets-loader/testing");`);
    expect(text(urls)).toMatch(/MemoryBackend/);
    expect(urls).toContain("node:assert");
  });
});
