/**
 * Vite 8 (client build, dev server, SSR build with secrets-loader external and bundled) and
 * esbuild (a minified node bundle, a browser bundle), with the packed package and no cloud SDK.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { apps } from "./cache.ts";
import { freePort, runTool, startServer } from "./run.ts";

const dir = apps.vite.dir;
const vite = join(dir, "node_modules/vite/bin/vite.js");
const esbuild = join(dir, "node_modules/esbuild/bin/esbuild");
const value = `fw-vite-${randomBytes(8).toString("hex")}`;
const PACKAGE_WORDS = "secrets-loader is server-only and must not be imported from client code";
const FIX =
  "Move the call to a server component, route handler, server action or instrumentation.ts";

/** Runs a built server bundle's render() in a plain Node process. */
async function render(bundle: string) {
  const r = await runTool(process.execPath, ["src/run-server.js", bundle], {
    cwd: dir,
    env: { SL_FW_SECRET: value },
    timeoutMs: 60_000,
  });
  expect(r.code, r.output).toBe(0);
  return JSON.parse(r.output) as {
    value: string;
    missing: { name: string; code: string; packageName: string; message: string };
    notFound: { name: string; code: string };
  };
}

const missingDependency = {
  name: "MissingDependencyError",
  code: "MISSING_DEPENDENCY",
  packageName: "@aws-sdk/client-secrets-manager",
};

describe("Vite 8", () => {
  it("vite build of a client entry importing secrets-loader fails with the package's message", async () => {
    const r = await runTool(process.execPath, [vite, "build", "--outDir", "dist-client"], {
      cwd: dir,
    });
    expect(r.code).not.toBe(0);
    expect(r.output).toContain(`failed to resolve import "${PACKAGE_WORDS}`);
    expect(r.output).toContain(FIX);
    expect(r.output).toContain("node_modules/secrets-loader/dist/src/browser.js");
  });

  it("vite dev shows the package's message for the client import", async () => {
    const port = await freePort();
    const server = await startServer(
      process.execPath,
      [vite, "--port", String(port), "--strictPort", "--host", "127.0.0.1"],
      { cwd: dir, url: `http://127.0.0.1:${port}/` },
    );
    try {
      await fetch(`http://127.0.0.1:${port}/src/client.js`, { signal: AbortSignal.timeout(30_000) })
        .then((r) => r.text())
        .catch(() => "");
      await server.waitFor(PACKAGE_WORDS, 60_000);
      expect(server.output()).not.toMatch(/SyntaxError/);
    } finally {
      await server.stop();
    }
  });

  it.each([
    ["secrets-loader left in node_modules (the default)", "0", "dist-ssr"],
    ["secrets-loader bundled (ssr.noExternal)", "1", "dist-ssr-bundled"],
  ])(
    "SSR build, %s: reads at run time; a missing SDK is MISSING_DEPENDENCY",
    async (_, bundled, out) => {
      const r = await runTool(
        process.execPath,
        [vite, "build", "--ssr", "src/server.js", "--outDir", out],
        {
          cwd: dir,
          env: { SL_SSR_BUNDLE: bundled },
        },
      );
      expect(r.code, r.output).toBe(0);
      const code = readFileSync(join(dir, out, "server.js"), "utf8");
      expect(/from\s*["']secrets-loader["']/.test(code)).toBe(bundled === "0");
      const answer = await render(`${out}/server.js`);
      expect(answer.value).toBe(value);
      expect(answer.missing).toMatchObject(missingDependency);
    },
  );
});

describe("esbuild", () => {
  it("a minified node bundle builds with no SDK, and names its errors MissingDependencyError", async () => {
    const r = await runTool(
      esbuild,
      [
        "src/server.js",
        "--bundle",
        "--platform=node",
        "--format=esm",
        "--minify",
        "--outfile=dist-esbuild/server.mjs",
      ],
      { cwd: dir },
    );
    expect(r.code, r.output).toBe(0);
    const answer = await render("dist-esbuild/server.mjs");
    expect(answer.value).toBe(value);
    expect(answer.missing).toMatchObject(missingDependency);
    expect(answer.missing.message).toContain("npm install @aws-sdk/client-secrets-manager");
    expect(answer.notFound).toEqual({ name: "NotFoundError", code: "NOT_FOUND" });
    // Minified: the classes were renamed, their names were not.
    const code = readFileSync(join(dir, "dist-esbuild/server.mjs"), "utf8");
    expect(code).not.toMatch(/class MissingDependencyError\b/);
  });

  it("a browser bundle fails, naming the package and the fix", async () => {
    const r = await runTool(
      esbuild,
      ["src/client.js", "--bundle", "--platform=browser", "--outfile=dist-esbuild/client.js"],
      { cwd: dir },
    );
    expect(r.code).not.toBe(0);
    expect(r.output).toContain(`Could not resolve "${PACKAGE_WORDS}`);
    expect(r.output).toContain("node_modules/secrets-loader/dist/src/browser.js");
  });
});
