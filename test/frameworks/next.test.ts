/**
 * The Next.js example (examples/nextjs), installed from the packed tarball with no cloud SDK,
 * built by `next build` with Turbopack and with webpack, served by `next start`. Test-only
 * routes come from test/frameworks/next/* (copied over the example): the runtime read, a
 * missing SDK, the shared cache, a prerendered page; then an edge route and a client component
 * import, each in a build that must fail.
 */
import { createHash, randomBytes } from "node:crypto";
import {
  cpSync,
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apps, cacheDir, root } from "./cache.ts";
import { freePort, type Outcome, runTool, type Server, startServer } from "./run.ts";

const dir = apps.next.dir;
const next = join(dir, "node_modules/next/dist/bin/next");
const overlay = (name: string) => join(root, "test/frameworks/next", name);
// Fake, distinctive values, made at run time: one for the build, another for the server.
const buildValue = `fw-build-${randomBytes(8).toString("hex")}`;
const runtimeValue = `fw-runtime-${randomBytes(8).toString("hex")}`;
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/** Builds with `extras` (overlay folders) copied over the app, removed again afterwards. */
async function build(
  bundler: "turbopack" | "webpack",
  distDir: string,
  extras: Array<"client" | "edge" | "middleware"> = [],
): Promise<Outcome> {
  const added = extras.flatMap((e) => filesOf(overlay(e)));
  for (const e of extras) cpSync(overlay(e), dir, { recursive: true });
  // A legacy middleware and Next 16's proxy cannot both exist.
  const proxy = join(dir, "proxy.js");
  const middleware = extras.includes("middleware");
  if (middleware) renameSync(proxy, `${proxy}.off`);
  try {
    return await runTool(process.execPath, [next, "build", `--${bundler}`], {
      cwd: dir,
      env: { WEATHER_API_KEY: buildValue, SL_NEXT_DIST_DIR: distDir },
      timeoutMs: 300_000,
    });
  } finally {
    for (const f of added) rmSync(join(dir, f), { force: true });
    if (middleware) renameSync(`${proxy}.off`, proxy);
  }
}

/** The files under `base`, relative to it. */
function filesOf(base: string, sub = ""): string[] {
  return readdirSync(join(base, sub), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesOf(base, join(sub, e.name)) : [join(sub, e.name)],
  );
}

describe.each(["turbopack", "webpack"] as const)("Next.js 16 (%s)", (bundler) => {
  const distDir = bundler === "turbopack" ? ".next" : ".next-webpack";
  let built: Outcome;
  let server: Server | undefined;

  beforeAll(async () => {
    cpSync(overlay("runtime"), dir, { recursive: true });
    built = await build(bundler, distDir);
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

  // Builds that must fail. Turbopack reports every error of a build, so one build has both
  // cases; webpack stops at the first failing compiler, so it gets one build per case.
  const edgeCase = bundler === "turbopack" ? "edge" : "middleware";
  let together: Promise<Outcome> | undefined;
  const failing = (extra: "client" | "edge" | "middleware"): Promise<Outcome> => {
    if (bundler === "turbopack") {
      together ??= build(bundler, `${distDir}-failing`, ["client", "edge"]);
      return together;
    }
    return build(bundler, `${distDir}-${extra}`, [extra]);
  };

  it("a client component importing secrets-loader fails the build, naming the package", async () => {
    const r = await failing("client");
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/'server-only' cannot be imported from a Client Component module/);
    expect(r.output).toContain("node_modules/secrets-loader/dist/src/browser.js");
    expect(r.output).toContain("app/fw-client/leaky.jsx");
  });

  // Measured: Next 16.5's webpack build fails every edge app route for a reason of its own
  // (ENOENT route_client-reference-manifest.js, with or without secrets-loader), so under
  // webpack the edge case is a legacy edge middleware.
  it(`an edge ${edgeCase === "edge" ? "route" : "middleware"} is refused at build, naming the edge runtime and the fix`, async () => {
    const r = await failing(edgeCase);
    expect(r.code).not.toBe(0);
    expect(r.output).toContain("secrets-loader cannot run in the edge runtime");
    expect(r.output).toContain('export const runtime = "nodejs"');
  });

  // Once is enough (on the Turbopack build, in .next where the doctor looks).
  if (bundler === "turbopack")
    it("secrets doctor fails item 3 on the value the build baked into a prerendered page", async () => {
      const config = join(dir, "secrets.config.json");
      writeFileSync(
        config,
        JSON.stringify({ references: { WEATHER_API_KEY: "env://WEATHER_API_KEY" } }),
      );
      try {
        const r = await runTool(
          process.execPath,
          [join(root, "dist/src/cli/main.js"), "doctor", dir, "--json"],
          {
            cwd: dir,
            env: { WEATHER_API_KEY: buildValue },
            timeoutMs: 120_000,
          },
        );
        const report = JSON.parse(r.stdout) as { checks: Array<{ item: number }> };
        const three = JSON.stringify(report.checks.find((i) => i.item === 3));
        expect(three).toMatch(
          /\.next\/server\/app\/fw-prerendered\.(html|rsc)[^"]*known-value[^"]*prerendered output sent to browsers/,
        );
        expect(r.output).not.toContain(buildValue);
      } finally {
        rmSync(config, { force: true });
      }
    });

  it("Next 16's proxy (Node.js) reads secrets", async () => {
    const v = await (await get("/fw-proxied")).json();
    expect(v.sha256).toBe(sha256(runtimeValue));
  });
});

// next dev (Turbopack, Next 16's default), on the same install: compiles on request.
describe("Next.js 16 next dev", () => {
  let server: Server | undefined;
  const clientFiles = filesOf(overlay("client"));

  beforeAll(async () => {
    cpSync(overlay("runtime"), dir, { recursive: true });
    // Present from the start (a page added later may 404 until the watcher sees it); dev
    // compiles per route, so the other routes are unaffected.
    cpSync(overlay("client"), dir, { recursive: true });
    const port = await freePort();
    server = await startServer(
      process.execPath,
      [next, "dev", "-p", String(port), "-H", "127.0.0.1"],
      {
        cwd: dir,
        env: { WEATHER_API_KEY: runtimeValue, SL_NEXT_DIST_DIR: ".next-dev" },
        url: `http://127.0.0.1:${port}/api/weather`,
        timeoutMs: 180_000,
      },
    );
  }, 240_000);

  afterAll(async () => {
    await server?.stop();
    for (const f of clientFiles) rmSync(join(dir, f), { force: true });
  });

  const get = (path: string) => {
    if (!server) throw new Error("next dev did not start");
    return fetch(`${server.url.replace("/api/weather", "")}${path}`, {
      signal: AbortSignal.timeout(120_000),
    });
  };

  it("the route handler answers with the value set at run time", async () => {
    const r = await get("/api/weather?city=Lyon");
    expect(await r.json()).toEqual({ city: "Lyon", tempC: 21 });
    const v = await (await get("/api/fw/value")).json();
    expect(v.sha256).toBe(sha256(runtimeValue));
  });

  it("a client component importing secrets-loader shows the server-only error, naming the package", async () => {
    const r = await get("/fw-client");
    const body = await r.text();
    expect(r.status).toBe(500);
    const shown = `${body}\n${server?.output()}`;
    expect(shown).toMatch(/'server-only' cannot be imported from a Client Component module/);
    expect(shown).toContain("node_modules/secrets-loader/dist/src/browser.js");
    expect(server?.output()).not.toContain(runtimeValue);
  });
});

// After both bundlers (one file, so never beside the other builds of the same app folder).
describe('Next.js 16 output: "standalone" with node-vault installed (Turbopack)', () => {
  const distDir = ".next-standalone";
  const shipped = join(cacheDir, "standalone"); // outside the app: no node_modules above it
  let built: Outcome;
  let server: Server | undefined;

  beforeAll(async () => {
    cpSync(overlay("runtime"), dir, { recursive: true });
    // The one SDK of this case, pinned; removed again afterwards (the other cases have none).
    const installed = await runTool(
      "npm",
      ["install", "--no-save", "--no-audit", "--no-fund", "--prefer-offline", "node-vault@0.12.0"],
      { cwd: dir, timeoutMs: 180_000 },
    );
    if (installed.code !== 0)
      throw new Error(`npm install node-vault failed:\n${installed.output}`);
    built = await runTool(process.execPath, [next, "build", "--turbopack"], {
      cwd: dir,
      env: { WEATHER_API_KEY: buildValue, SL_NEXT_DIST_DIR: distDir, NEXT_OUTPUT: "standalone" },
      timeoutMs: 300_000,
    });
    rmSync(shipped, { recursive: true, force: true });
    if (built.code !== 0) return;
    cpSync(join(dir, distDir, "standalone"), shipped, { recursive: true, verbatimSymlinks: true });
    const port = await freePort();
    server = await startServer(process.execPath, ["server.js"], {
      cwd: shipped,
      env: {
        PORT: String(port),
        HOSTNAME: "127.0.0.1",
        WEATHER_API_KEY: runtimeValue,
        VAULT_ADDR: `http://127.0.0.1:${await freePort()}`, // closed
        VAULT_TOKEN: `fw-token-${randomBytes(4).toString("hex")}`,
      },
      url: `http://127.0.0.1:${port}/api/weather`,
    });
  }, 600_000);

  afterAll(async () => {
    await server?.stop();
    rmSync(join(dir, "node_modules/node-vault"), { recursive: true, force: true });
    rmSync(shipped, { recursive: true, force: true });
  });

  it("withSecretsLoader ships the installed SDK and its dependencies in the standalone output", () => {
    expect(built.code, built.output).toBe(0);
    expect(existsSync(join(shipped, "node_modules/node-vault/package.json"))).toBe(true);
    // node-vault's own dependencies come with it.
    const { dependencies } = JSON.parse(
      readFileSync(join(shipped, "node_modules/node-vault/package.json"), "utf8"),
    ) as { dependencies: Record<string, string> };
    for (const dep of Object.keys(dependencies))
      expect(existsSync(join(shipped, "node_modules", dep, "package.json")), dep).toBe(true);
  });

  it("node server.js: a vault:// read loads the shipped SDK (the closed port answers, not MISSING_DEPENDENCY)", async () => {
    if (!server) throw new Error(`no server: the build failed:\n${built.output}`);
    const r = await fetch(server.url.replace("/api/weather", "/api/fw/vault"), {
      signal: AbortSignal.timeout(30_000),
    });
    const e = await r.json();
    expect(e.code).not.toBe("MISSING_DEPENDENCY");
    expect(e, JSON.stringify(e)).toMatchObject({ code: "UNAVAILABLE" });
    const v = await (
      await fetch(server.url.replace("/api/weather", "/api/fw/value"), {
        signal: AbortSignal.timeout(30_000),
      })
    ).json();
    expect(v.sha256).toBe(sha256(runtimeValue));
  });
});
