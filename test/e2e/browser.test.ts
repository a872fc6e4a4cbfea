/**
 * The package must refuse to run in a browser: a client bundle that imports
 * it fails loudly. Proven with a real bundler (esbuild, platform "browser")
 * and a real headless Chromium, plus Node's own condition resolution.
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { chromium } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";

const root = new URL("../..", import.meta.url).pathname;
const CHROMIUM = "/usr/bin/chromium";

beforeAll(() => {
  if (!existsSync(join(root, "dist/src/index.js")))
    throw new Error("dist/ is missing: run `npm run build` first (npm test does).");
});

/**
 * Bundles `import "secrets-loader"` for the browser, resolved by package name
 * through a node_modules link, so the `exports` conditions decide (not an
 * alias to the folder, which would use the top-level "browser" field).
 */
async function bundleForBrowser(
  options: { dropUnresolvable?: boolean } = {},
): Promise<{ code: string; inputs: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), "sl-browser-"));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(root, join(dir, "node_modules", "secrets-loader"), "dir");
  const entry = join(dir, "client.js");
  writeFileSync(
    entry,
    'import { getSecret } from "secrets-loader";\nwindow.__loaded = typeof getSecret;\n',
  );
  const out = await build({
    absWorkingDir: dir,
    entryPoints: [entry],
    bundle: true,
    platform: "browser",
    format: "iife",
    write: false,
    metafile: true,
    preserveSymlinks: true,
    logLevel: "silent",
    // A bundler that drops what it cannot resolve, to reach the last line of defence.
    plugins: options.dropUnresolvable
      ? [
          {
            name: "drop-unresolvable",
            setup(b) {
              b.onResolve({ filter: /^(server-only$|secrets-loader is server-only)/ }, () => ({
                path: "dropped",
                namespace: "dropped",
              }));
              // CommonJS: exports unknown at build time, as a bundler that drops a module makes them.
              b.onLoad({ filter: /.*/, namespace: "dropped" }, () => ({
                contents: "module.exports = {};",
              }));
            },
          },
        ]
      : [],
  });
  return { code: out.outputFiles[0]?.text ?? "", inputs: Object.keys(out.metafile.inputs) };
}

describe("browser refusal", () => {
  it("an esbuild browser bundle fails to build, naming the package and the fix", async () => {
    const err = await bundleForBrowser().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toMatch(/Could not resolve "secrets-loader is server-only/);
    expect(err?.message).toMatch(/server component, route handler, server action/);
    expect(err?.message).toMatch(/node_modules\/secrets-loader\/dist\/src\/browser\.js/);
  });

  it("a bundle that drops the unresolvable imports still refuses in headless Chromium", async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} not found: install Debian's chromium (scripts/emulators/install does it)`,
      );
    }
    const { code, inputs } = await bundleForBrowser({ dropUnresolvable: true });
    expect(inputs.some((i) => i.endsWith("dist/src/browser.js"))).toBe(true);
    expect(inputs.some((i) => i.endsWith("dist/src/index.js"))).toBe(false); // nothing of the Node build
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
      ],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(`${e.name}: ${e.message}`));
      await page.setContent("<!doctype html><title>client</title><body></body>");
      await page.addScriptTag({ content: code }).catch(() => {});
      expect(
        await page.evaluate(() => (window as unknown as { __loaded?: string }).__loaded),
      ).toBeUndefined();
      expect(errors.join("\n")).toMatch(
        /BrowserUsageError: secrets-loader must not run in a browser/,
      );
      expect(errors.join("\n")).toMatch(/proxy browser calls through a backend route/);
    } finally {
      await browser.close();
    }
  });

  it("every client-side export condition maps to the refusing module", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    for (const [subpath, conditions] of Object.entries(pkg.exports as Record<string, unknown>)) {
      if (typeof conditions !== "object" || conditions === null) continue;
      // Every entry, the provider kit and ./providers/* included, refuses every client-side runtime.
      for (const c of ["browser", "react-native", "worker"]) {
        const target = (conditions as Record<string, string>)[c];
        expect(target, `exports["${subpath}"].${c}`).toBe("./dist/src/browser.js");
      }
      // Edge runtimes get their own refusal, and must win over "browser" (Next's edge
      // compiler sets both): the first matching key of an exports object wins.
      const keys = Object.keys(conditions);
      for (const c of ["edge-light", "workerd"]) {
        expect((conditions as Record<string, string>)[c], `exports["${subpath}"].${c}`).toBe(
          "./dist/src/edge.js",
        );
        expect(keys.indexOf(c)).toBeLessThan(keys.indexOf("browser"));
      }
    }
  });

  it("every entry's module is marked as having side effects, so no bundler drops its guard", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    for (const [subpath, conditions] of Object.entries(pkg.exports as Record<string, unknown>)) {
      if (typeof conditions !== "object" || conditions === null) continue;
      const target = (conditions as Record<string, string>).default;
      if (subpath === "./provider/testing") continue; // a test helper, no guard of its own
      expect(pkg.sideEffects, `sideEffects lists ${target}`).toContain(target);
    }
  });

  const entries = [
    "secrets-loader",
    "secrets-loader/provider",
    "secrets-loader/providers/aws",
    "secrets-loader/keys",
    "secrets-loader/keys/http",
    "secrets-loader/keys/express",
    "secrets-loader/keys/fastify",
  ];
  it.each(
    ["browser", "react-native", "worker"].flatMap((c) => entries.map((e) => [c, e] as const)),
  )(
    "node --conditions=%s: importing %s fails, naming the package and the fix",
    (condition, entry) => {
      const r = spawnSync(
        process.execPath,
        [`--conditions=${condition}`, "--input-type=module", "-e", `import "${entry}";`],
        { cwd: root, encoding: "utf8" },
      );
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain("secrets-loader is server-only");
      expect(r.stderr).toContain("Move the call to a server component");
    },
  );

  it.each(["edge-light", "workerd"].flatMap((c) => entries.map((e) => [c, e] as const)))(
    "node --conditions=%s: importing %s is refused naming the edge runtime",
    (condition, entry) => {
      const r = spawnSync(
        process.execPath,
        [`--conditions=${condition}`, "--input-type=module", "-e", `import "${entry}";`],
        { cwd: root, encoding: "utf8" },
      );
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain("secrets-loader cannot run in the edge runtime");
      expect(r.stderr).toContain('export const runtime = "nodejs"');
    },
  );

  it("an edge runtime that ignores the conditions is refused by the runtime guard", () => {
    const script = `globalThis.EdgeRuntime = "edge-runtime"; await import("secrets-loader");`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: root,
      encoding: "utf8",
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('export const runtime = "nodejs"');
  });

  it("the error is named BrowserUsageError, not an artefact of the build", () => {
    const script = `globalThis.window = {}; globalThis.document = {};
      try { await import("secrets-loader"); } catch (e) { console.log(e.name, e.code); }`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: root,
      encoding: "utf8",
    });
    expect(out.trim()).toBe("BrowserUsageError BROWSER_USAGE");
  });

  it("plain node imports the package fine", () => {
    const out = execFileSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        'import { getSecret } from "secrets-loader"; console.log(typeof getSecret);',
      ],
      { cwd: root, encoding: "utf8" },
    );
    expect(out.trim()).toBe("function");
  });

  it.each([
    "secrets-loader",
    "secrets-loader/keys",
    "secrets-loader/keys/http",
    "secrets-loader/keys/express",
    "secrets-loader/keys/fastify",
  ])("the runtime guard of %s refuses a browser-like global environment", (entry) => {
    const script = `globalThis.window = {}; globalThis.document = {}; await import("${entry}");`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: root,
      encoding: "utf8",
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("BrowserUsageError");
  });
});
