/**
 * Importing the package root and reading env:// must load no cloud SDK, and
 * every cloud SDK import must be a dynamic import of a declared optional peer.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { BUILTIN_PROVIDERS } from "../../dist/src/index.js";
import { optionalPeersOf } from "../support/peers.js";

const root = new URL("../..", import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
// The cloud SDKs are the optional peers the providers' declarations name.
const SDKS = optionalPeersOf(BUILTIN_PROVIDERS);
const CLOUD_SDK = { test: (name: string) => SDKS.has(packageOf(name)) };

/** Runs `body` in a child Node that records every module it resolves. */
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
    env: { ...process.env, SL_IMPORT_TEST: "import-cost-value" },
  });
  return JSON.parse(out) as string[];
}

const cloud = (urls: string[]) =>
  urls.filter((u) => [...SDKS].some((name) => u.includes(`/node_modules/${name}/`)));

describe("import cost", () => {
  it("the package root plus env:// loads no cloud SDK", () => {
    const urls = modulesLoadedBy(`
      const { getSecret, load } = await import("secrets-loader");
      await getSecret("env://SL_IMPORT_TEST");
      await load({ A: "env://SL_IMPORT_TEST" });
    `);
    // The env provider's code is a chunk loaded on first use (its descriptor's dynamic import).
    const runtimes = urls.filter((u) => /\/dist\/chunks\/runtime-[A-Z0-9]+\.js$/.test(u));
    expect(
      runtimes.map((u) => readFileSync(new URL(u), "utf8").includes("createEnvProvider")),
    ).toEqual([true]);
    expect(cloud(urls)).toEqual([]);
  });

  it("importing the root loads few files (each costs start-up time): 5", () => {
    const urls = modulesLoadedBy(`await import("secrets-loader");`);
    const ours = [...new Set(urls.filter((u) => u.includes("/dist/")))];
    // The root, the client's chunk, the provider kit's, the errors', and one chunk holding every
    // built-in's declaration (scripts/bundle.ts puts them together, not one chunk per provider).
    expect(ours.length, ours.join("\n")).toBeLessThanOrEqual(5);
  });

  it("a provider's entry loads the declarations but no other provider's runtime, nor the root", () => {
    const urls = modulesLoadedBy(`await import("secrets-loader/providers/aws");`);
    const ours = [...new Set(urls.filter((u) => u.includes("/dist/")))];
    const text = ours.map((u) => readFileSync(new URL(u), "utf8")).join("\n");
    expect(ours.length, ours.join("\n")).toBeLessThanOrEqual(6);
    expect(text).not.toMatch(/function (createEnvProvider|createSecrets)\b|BUILTIN_PROVIDERS =/);
    expect(urls.filter((u) => /\/dist\/src\/index\.js$/.test(u))).toEqual([]);
  });

  it("secrets-loader/keys loads neither the client nor any provider, nor any package", () => {
    const urls = modulesLoadedBy(`
      const { createKeyring } = await import("secrets-loader/keys");
      const keys = createKeyring({ pepper: "import-cost-pepper-".repeat(3) });
      const { key, record } = await keys.issueKey({ prefix: "cost_", scopes: [] });
      await keys.verifyKey(key, () => record);
    `);
    const ours = [...new Set(urls.filter((u) => u.includes("/dist/")))];
    const text = ours.map((u) => readFileSync(new URL(u), "utf8")).join("\n");
    // The entry, the keys code (a chunk, because the CLI's scanner shares it) and the errors'
    // chunk. Sharing any other core module would split it into a chunk of its own, and add a
    // file to the root's import too (see the test above).
    expect(ours.length, ours.join("\n")).toBeLessThanOrEqual(3);
    expect(text).not.toMatch(/function createSecrets|BUILTIN_PROVIDERS =/);
    expect(urls.filter((u) => u.includes("/node_modules/"))).toEqual([]);
    expect(urls.filter((u) => /\/dist\/(src\/index|providers\/)/.test(u))).toEqual([]);
  });

  it("importing secrets-loader/keys loads no node builtin yet (crypto, zlib, net on first use)", () => {
    const urls = modulesLoadedBy(`await import("secrets-loader/keys");`);
    expect(urls.filter((u) => u.startsWith("node:"))).toEqual([]);
    // The check can fail: a static builtin import is seen.
    expect(modulesLoadedBy(`await import("node:zlib");`)).toContain("node:zlib");
  });

  it("the keys check can fail: the root's client code is seen", () => {
    const urls = modulesLoadedBy(`await import("secrets-loader");`);
    const text = urls
      .filter((u) => u.includes("/dist/"))
      .map((u) => readFileSync(new URL(u), "utf8"))
      .join("\n");
    expect(text).toMatch(/function createSecrets/);
    expect(text).toMatch(/BUILTIN_PROVIDERS =/);
  });

  it("the AWS runtime chunk carries no doctor-only code (IAM policy walk, key age)", () => {
    const chunks = readdirSync(join(root, "dist/chunks")).filter((f) => f.endsWith(".js"));
    const text = (f: string) => readFileSync(join(root, "dist/chunks", f), "utf8");
    const runtime = chunks.filter(
      (f) => f.startsWith("runtime-") && text(f).includes("createAwsProvider"),
    );
    expect(runtime).toHaveLength(1);
    const doctorOnly = /ListAttachedRolePolicies|ListAccessKeys|GetPolicyVersion/;
    expect(doctorOnly.test(text(runtime[0] as string))).toBe(false);
    // They live in the facet's chunk, which only the CLI loads.
    expect(chunks.some((f) => f.startsWith("doctor-") && doctorOnly.test(text(f)))).toBe(true);
  });

  it("the check can fail: importing an SDK is seen", () => {
    const urls = modulesLoadedBy(`await import("@aws-sdk/client-sts");`);
    expect(cloud(urls).length).toBeGreaterThan(0);
  });
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return p.endsWith(".ts") || p.endsWith(".js") ? [p] : [];
  });
}

function packageOf(spec: string): string {
  const parts = spec.split("/");
  return spec.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] as string);
}

const optionalPeers = Object.keys(pkg.peerDependencies ?? {}).filter(
  (name) => pkg.peerDependenciesMeta?.[name]?.optional === true,
);
// Optional peers no call site loads, and why: the caller passes them in, or they are only types.
const NOT_LOADED: Record<string, string> = {
  "@google-cloud/secret-manager": "gcpProvider({ client }) takes the caller's own client",
  express: "secrets-loader/keys/express uses its types only",
  fastify: "secrets-loader/keys/fastify uses its types only",
  ioredis: "loaded by src/keys/limits/store.ts (the keys entry imports no core module)",
};

describe("optional peers are loaded by name, out of every bundler's sight", () => {
  const files = [...sourceFiles(join(root, "src")), ...sourceFiles(join(root, "providers"))];
  const code = files.map((file) => ({
    rel: relative(root, file),
    // Comments may quote imports (doc examples); only code counts.
    text: readFileSync(file, "utf8")
      .replace(/\/\*[\s\S]*?\*\//g, "")
      .replace(/^\s*\/\/.*$/gm, ""),
  }));
  // importPeer<Type>("provider", "package", [exports]): every call site names its package.
  const calls = code.flatMap(({ rel, text }) =>
    [...text.matchAll(/\bimportPeer(?:<[^;]*?>)?\(\s*"([^"]+)",\s*"([^"]+)",\s*\[/g)].map((m) => ({
      rel,
      provider: m[1] as string,
      name: m[2] as string,
    })),
  );

  it("finds the call sites it checks", () => {
    const names = new Set(calls.map((c) => c.name));
    for (const name of ["@aws-sdk/client-secrets-manager", "@azure/identity", "node-vault"])
      expect(names, name).toContain(name);
  });

  it("every importPeer call site loads a declared optional peer", () => {
    for (const c of calls)
      expect(optionalPeers, `${c.rel} loads ${c.name} for ${c.provider}`).toContain(c.name);
  });

  it("every optional peer is loaded by a call site, or says why not", () => {
    const loaded = new Set(calls.map((c) => c.name));
    for (const name of optionalPeers)
      expect(loaded.has(name) || name in NOT_LOADED, `${name}: no importPeer call site`).toBe(true);
  });

  it("no optional peer is imported with a literal specifier a bundler would have to resolve", () => {
    const literal: string[] = [];
    for (const { rel, text } of code) {
      // `typeof import("x")` is a type; every other import of a peer is code.
      for (const m of text.matchAll(/(typeof\s+)?\bimport\(\s*["']([^"']+)["']\s*\)/g))
        if (!m[1] && optionalPeers.includes(packageOf(m[2] as string)))
          literal.push(`${rel}: ${m[2]}`);
      for (const m of text.matchAll(
        /^\s*(?:import|export)\s+(?!type\b)[^;]*?from\s+["']([^"'./][^"']*)["']/gm,
      ))
        if (optionalPeers.includes(packageOf(m[1] as string)) && !/^\s*import\s+type\b/.test(m[0]))
          literal.push(`${rel}: ${m[1]}`);
    }
    expect(literal).toEqual([]);
  });

  it("the built package has no literal import of an optional peer either", () => {
    const built = sourceFiles(join(root, "dist")).filter((f) => f.endsWith(".js"));
    const found = built.flatMap((f) => {
      const text = readFileSync(f, "utf8");
      return optionalPeers
        .filter((name) =>
          new RegExp(
            `(\\bimport\\(\\s*|\\bfrom\\s*|\\bimport\\s*)["']${name.replace("/", "\\/")}["'/]`,
          ).test(text),
        )
        .map((name) => `${relative(root, f)}: ${name}`);
    });
    expect(found).toEqual([]);
    // The check can fail: a literal import is seen.
    expect(/(\bimport\(\s*)["']node-vault["']/.test('await import("node-vault")')).toBe(true);
  });

  it("dynamically imported packages other than peers are dependencies", () => {
    for (const { rel, text } of code) {
      for (const m of text.matchAll(/(typeof\s+)?\bimport\(\s*["']([^"'./][^"']*)["']\s*\)/g)) {
        const name = packageOf(m[2] as string);
        if (m[1] || name.startsWith("node:")) continue;
        expect(
          name in (pkg.dependencies ?? {}),
          `${name} (imported in ${rel}) must be a dependency`,
        ).toBe(true);
      }
    }
  });

  it("every optional peer is optional and installed for the tests", () => {
    for (const name of Object.keys(pkg.peerDependencies ?? {})) {
      expect(pkg.peerDependenciesMeta?.[name]?.optional, `${name} optional`).toBe(true);
      expect(pkg.devDependencies?.[name], `${name} in devDependencies`).toBeDefined();
    }
  });

  it("no cloud SDK is a hard dependency", () => {
    expect(Object.keys(pkg.dependencies ?? {}).filter((d) => CLOUD_SDK.test(d))).toEqual([]);
  });

  it("server-only is a dependency, imported only by the browser module", () => {
    expect(pkg.dependencies?.["server-only"]).toBeDefined();
    const importers = code.filter(({ text }) => /\bimport\s+["']server-only["']/.test(text));
    expect(importers.map((c) => c.rel)).toEqual(["src/browser.ts"]);
  });
});
