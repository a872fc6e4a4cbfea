/**
 * The package must refuse to run in a browser: a client bundle that imports
 * it fails loudly. Proven with a real bundler (esbuild, platform "browser")
 * and a real headless Chromium, plus Node's own condition resolution.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
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

async function bundleForBrowser(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "sl-browser-"));
  const entry = join(dir, "client.js");
  writeFileSync(
    entry,
    'import { getSecret } from "secrets-loader";\nwindow.__loaded = typeof getSecret;\n',
  );
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    platform: "browser",
    format: "iife",
    write: false,
    logLevel: "silent",
    nodePaths: [join(root, "node_modules")],
    alias: { "secrets-loader": root },
  });
  return out.outputFiles[0]?.text ?? "";
}

describe("browser refusal", () => {
  it("a browser bundle resolves to the refusing module and fails in headless Chromium", async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} not found: install Debian's chromium (scripts/emulators/install does it)`,
      );
    }
    const code = await bundleForBrowser();
    expect(code).toContain("BROWSER_USAGE");
    expect(code).not.toContain("node:util"); // nothing of the Node build came along
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

  it.each(["browser", "react-native"])(
    "node --conditions=%s fails at import with the same error",
    (condition) => {
      const r = spawnSync(
        process.execPath,
        [`--conditions=${condition}`, "--input-type=module", "-e", 'import "secrets-loader";'],
        { cwd: root, encoding: "utf8" },
      );
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain("BrowserUsageError");
      expect(r.stderr).toContain("Use it from server code only");
    },
  );

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

  it("the runtime guard refuses a browser-like global environment", () => {
    const script =
      'globalThis.window = {}; globalThis.document = {}; await import("secrets-loader");';
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: root,
      encoding: "utf8",
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("BrowserUsageError");
  });
});
