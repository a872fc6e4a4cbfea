/**
 * The Next.js example (examples/nextjs), installed from the packed tarball with no cloud SDK,
 * built by `next build` with Turbopack and with webpack, served by `next start`. Test-only
 * routes come from test/frameworks/next/* (copied over the example): the runtime read, a
 * missing SDK, the shared cache, a prerendered page; then an edge route and a client component
 * import, each in a build that must fail.
 */
import { createHash, randomBytes } from "node:crypto";
import { cpSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apps, root } from "./cache.ts";
import { freePort, type Outcome, runTool, type Server, startServer } from "./run.ts";

const dir = apps.next.dir;
const next = join(dir, "node_modules/next/dist/bin/next");
const overlay = (name: string) => join(root, "test/frameworks/next", name);
// Fake, distinctive values, made at run time: one for the build, another for the server.
const buildValue = `fw-build-${randomBytes(8).toString("hex")}`;
const runtimeValue = `fw-runtime-${randomBytes(8).toString("hex")}`;
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/** Builds with `overlays` copied over the example (removed again afterwards). */
async function build(
  bundler: "turbopack" | "webpack",
  overlays: string[],
  distDir: string,
): Promise<Outcome> {
  for (const o of overlays) cpSync(overlay(o), dir, { recursive: true });
  try {
    return await runTool(process.execPath, [next, "build", `--${bundler}`], {
      cwd: dir,
      env: { WEATHER_API_KEY: buildValue, SL_NEXT_DIST_DIR: distDir },
      timeoutMs: 300_000,
    });
  } finally {
    if (overlays.includes("edge"))
      rmSync(join(dir, "app/api/fw/edge"), { recursive: true, force: true });
    if (overlays.includes("client"))
      rmSync(join(dir, "app/fw-client"), { recursive: true, force: true });
  }
}

describe.each(["turbopack", "webpack"] as const)("Next.js 16 (%s)", (bundler) => {
  const distDir = bundler === "turbopack" ? ".next" : ".next-webpack";
  let built: Outcome;
  let server: Server | undefined;

  beforeAll(async () => {
    built = await build(bundler, ["runtime"], distDir);
    if (built.code !== 0) return;
    const port = await freePort();
    server = await startServer(
      process.execPath,
      [next, "start", "-p", String(port), "-H", "127.0.0.1"],
      {
        cwd: dir,
        env: { WEATHER_API_KEY: runtimeValue, SL_NEXT_DIST_DIR: distDir },
        url: `http://127.0.0.1:${port}/api/weather`,
      },
    );
  }, 420_000);

  afterAll(async () => {
    await server?.stop();
  });

  const get = async (path: string) => {
    if (!server) throw new Error(`no server: the build failed:\n${built.output}`);
    return fetch(`${server.url.replace("/api/weather", "")}${path}`, {
      signal: AbortSignal.timeout(30_000),
    });
  };

  it("builds the server routes, the server component and instrumentation with no SDK installed", () => {
    expect(built.code, built.output).toBe(0);
    expect(built.output).toMatch(/ƒ \/api\/weather/);
  });

  it("a secret read while prerendering warns, naming the reference", () => {
    expect(built.output).toContain("env://WEATHER_API_KEY was read during `next build`");
    expect(built.output).toContain("await connection()");
  });

  it("next start: the route handler answers, reading at request time", async () => {
    const r = await get("/api/weather?city=Lyon");
    expect(await r.json()).toEqual({ city: "Lyon", tempC: 21 });
    const v = await (await get("/api/fw/value")).json();
    expect(v.sha256).toBe(sha256(runtimeValue)); // the server's value, not the build's
  });

  it("next start: the server component renders at request time", async () => {
    const html = await (await get("/")).text();
    expect(html).toMatch(/<p id="server">Paris(<!-- -->)?: (<!-- -->)?21/);
  });

  it("instrumentation.js loaded the values at start-up; routes read them from the same cache", async () => {
    const { events } = await (await get("/api/fw/cache")).json();
    expect(events).toEqual(["hit"]);
  });

  it("a provider whose SDK is absent fails with MISSING_DEPENDENCY, bundled", async () => {
    const e = await (await get("/api/fw/missing")).json();
    expect(e).toMatchObject({
      name: "MissingDependencyError",
      code: "MISSING_DEPENDENCY",
      packageName: "@aws-sdk/client-secrets-manager",
    });
    expect(e.message).toContain("npm install @aws-sdk/client-secrets-manager");
  });

  it("a client component importing secrets-loader fails the build, naming the package", async () => {
    const r = await build(bundler, ["client"], `${distDir}-client`);
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/'server-only' cannot be imported from a Client Component module/);
    expect(r.output).toContain("node_modules/secrets-loader/dist/src/browser.js");
    expect(r.output).toContain("app/fw-client/leaky.jsx");
  });

  it("an edge route is refused at build, naming the edge runtime and the fix", async () => {
    const r = await build(bundler, ["edge"], `${distDir}-edge`);
    expect(r.code).not.toBe(0);
    expect(r.output).toContain("secrets-loader cannot run in the edge runtime");
    expect(r.output).toContain('export const runtime = "nodejs"');
  });
});
