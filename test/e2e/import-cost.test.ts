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

  it("importing the root loads few files (each costs start-up time): 4 plus one per built-in", () => {
    const urls = modulesLoadedBy(`await import("secrets-loader");`);
    const ours = [...new Set(urls.filter((u) => u.includes("/dist/")))];
    // The root, the client's chunk, the provider kit's, the errors', and each built-in's
    // declaration (shared by the root and that provider's own entry, which does not load the root).
    expect(ours.length, ours.join("\n")).toBeLessThanOrEqual(4 + BUILTIN_PROVIDERS.length);
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
    return p.endsWith(".ts") ? [p] : [];
  });
}

function packageOf(spec: string): string {
  const parts = spec.split("/");
  return spec.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] as string);
}

describe("dynamic imports match declared optional peer dependencies", () => {
  const files = [...sourceFiles(join(root, "src")), ...sourceFiles(join(root, "providers"))];
  const dynamic = new Map<string, string[]>();
  const staticValue: string[] = [];
  for (const file of files) {
    // Comments may quote imports (doc examples); only code counts.
    const text = readFileSync(file, "utf8")
      .replace(/\/\*[\s\S]*?\*\//g, "")
      .replace(/^\s*\/\/.*$/gm, "");
    const rel = relative(root, file);
    for (const m of text.matchAll(/\bimport\(\s*["']([^"'./][^"']*)["']\s*\)/g)) {
      const name = packageOf(m[1] as string);
      if (name.startsWith("node:")) continue;
      dynamic.set(name, [...(dynamic.get(name) ?? []), rel]);
    }
    for (const m of text.matchAll(
      /^\s*import\s+(?!type\b)[^;]*?from\s+["']([^"'./][^"']*)["']/gm,
    )) {
      const name = packageOf(m[1] as string);
      if (CLOUD_SDK.test(name)) staticValue.push(`${rel}: ${name}`);
    }
    for (const m of text.matchAll(
      /^\s*export\s+(?!type\b)[^;]*?from\s+["']([^"'./][^"']*)["']/gm,
    )) {
      const name = packageOf(m[1] as string);
      if (CLOUD_SDK.test(name)) staticValue.push(`${rel}: ${name}`);
    }
  }

  it("finds the dynamic imports it checks", () => {
    expect(dynamic.has("dotenv")).toBe(true);
    // Each built provider's SDKs must be seen, or the checks below check nothing.
    expect(dynamic.has("@aws-sdk/client-secrets-manager")).toBe(true);
    expect(dynamic.has("@aws-sdk/client-sts")).toBe(true);
  });

  it("no cloud SDK is imported statically (type-only imports are fine)", () => {
    expect(staticValue).toEqual([]);
  });

  it("every dynamically imported package is an optional peer or a dependency", () => {
    for (const [name, where] of dynamic) {
      const optionalPeer =
        name in (pkg.peerDependencies ?? {}) && pkg.peerDependenciesMeta?.[name]?.optional === true;
      const dependency = name in (pkg.dependencies ?? {});
      expect(
        optionalPeer || dependency,
        `${name} (imported in ${where.join(", ")}) must be an optional peerDependency or a dependency`,
      ).toBe(true);
      if (CLOUD_SDK.test(name))
        expect(
          optionalPeer,
          `${name} is a cloud SDK: it must be an optional peer, not a dependency`,
        ).toBe(true);
    }
  });

  it("the core never imports a cloud SDK, even dynamically", () => {
    for (const [name, where] of dynamic) {
      if (!CLOUD_SDK.test(name)) continue;
      const inCore = where.filter((w) => w.startsWith("src/") && !w.startsWith("src/cli/"));
      expect(inCore, `${name} imported from core files`).toEqual([]);
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
});
