/**
 * The published package, as npm ships it and as users install it.
 *
 * - `npm pack --dry-run --json`: what the tarball holds (no tests, benches,
 *   scripts, fixtures or examples; the guides, LICENSE and CHANGELOG; source
 *   maps only with the sources they name; no declaration naming a `.ts` path).
 * - The packed tarball installed with npm into a temp app (once per run), then
 *   run on Node 24 and on Node 22.12, the minimum engine (the npm package
 *   `node@22.12.0`, installed once into node_modules/.cache): ESM `import` and
 *   CommonJS `require()` of every entry, and `secrets --help`.
 * - TypeScript consumers with `skipLibCheck: false` that installed only the
 *   SDKs they use (AWS: client-secrets-manager; GCP: none; Azure:
 *   keyvault-secrets + identity), under moduleResolution nodenext, node16 and
 *   bundler, ESM and CommonJS: `tsc --noEmit` passes. Their node_modules link
 *   the repository's installed packages (no network; tsc resolves each import
 *   of the package from its own copy, so an SDK that is not linked is absent).
 *
 * Needs `npm run build` first (npm test runs it).
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = new URL("../..", import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  name: string;
  exports: Record<string, unknown>;
  dependencies: Record<string, string>;
};
const MIN_NODE = "22.12.0";
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

let work = "";
let tarball = "";
let packed: string[] = [];

/** Every import path of the package ("secrets-loader", "secrets-loader/keys", ...). */
function importPaths(): string[] {
  const providers = readdirSync(join(root, "dist/providers")).filter((name) =>
    existsSync(join(root, "dist/providers", name, "index.js")),
  );
  return Object.keys(pkg.exports)
    .filter((key) => key !== "./package.json")
    .flatMap((key) => (key.includes("*") ? providers.map((name) => key.replace("*", name)) : [key]))
    .map((key) => (key === "." ? pkg.name : `${pkg.name}/${key.slice(2)}`));
}

/** Node 22.12 from the npm registry, installed once into node_modules/.cache and reused. */
function minimumNode(): string {
  const dir = join(root, "node_modules/.cache/secrets-loader-tests", `node-${MIN_NODE}`);
  const bin = join(dir, "node_modules/node/bin/node");
  if (!existsSync(bin)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({ private: true, allowScripts: { node: true } }),
    );
    execFileSync(
      npm,
      ["install", "--no-save", "--no-audit", "--no-fund", "--prefer-offline", `node@${MIN_NODE}`],
      { cwd: dir, stdio: "pipe", timeout: 180_000 },
    );
  }
  return bin;
}

/** Runs a command with a deadline; resolves with its status and output. */
function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  return new Promise<{ status: number | null; stdout: string; output: string }>((resolve) => {
    const child = spawn(command, args, { cwd, env, timeout: 120_000 });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("close", (status) => resolve({ status, stdout, output: stdout + stderr }));
  });
}

beforeAll(() => {
  expect(
    existsSync(join(root, "dist/src/index.js")),
    "dist/ is missing: run `npm run build` first",
  ).toBe(true);
  work = mkdtempSync(join(tmpdir(), "secrets-loader-package-"));
  // --ignore-scripts: dist is built already; prepack would rebuild it.
  const out = execFileSync(
    npm,
    ["pack", "--json", "--ignore-scripts", "--pack-destination", work],
    { cwd: root, encoding: "utf8", timeout: 60_000 },
  );
  const info = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
  tarball = join(work, info[0]?.filename ?? "");
  packed = (info[0]?.files ?? []).map((f) => f.path);
}, 90_000);

afterAll(() => {
  if (work !== "") rmSync(work, { recursive: true, force: true });
});

describe("npm pack", () => {
  it("ships the build, the guides, README, LICENSE and CHANGELOG, and nothing of the repository's own", () => {
    for (const file of ["package.json", "README.md", "LICENSE", "CHANGELOG.md", "docs/cli.md"]) {
      expect(packed).toContain(file);
    }
    expect(packed).toContain("docs/providers/aws.md");
    const stray = packed.filter(
      (path) =>
        /(^|\/)(test|tests|bench|scripts|fixtures|examples|\.ci|\.tools|node_modules)\//.test(
          path,
        ) ||
        /\.(test|bench)\.[cm]?[jt]s$/.test(path) ||
        (path.endsWith(".ts") && !path.endsWith(".d.ts")),
    );
    expect(stray).toEqual([]);
    // Every file an export names is in the tarball.
    for (const target of Object.values(pkg.exports).flatMap((t) =>
      typeof t === "string" ? [t] : Object.values(t as Record<string, string>),
    )) {
      if (target.includes("*")) continue;
      expect(packed).toContain(target.replace(/^\.\//, ""));
    }
  });

  it("ships source maps only with the sources they name", () => {
    const maps = packed.filter((path) => path.endsWith(".map"));
    const missing: string[] = [];
    for (const map of maps) {
      const json = JSON.parse(readFileSync(join(root, map), "utf8")) as {
        sources: string[];
        sourcesContent?: (string | null)[];
      };
      json.sources.forEach((source, i) => {
        const shipped = packed.includes(join(dirname(map), source).replace(/^\.\//, ""));
        if (!shipped && typeof json.sourcesContent?.[i] !== "string") {
          missing.push(`${map}: ${source}`);
        }
      });
    }
    expect(missing).toEqual([]);
  });

  it("points every fix text at a guide the package ships, and at a heading it has", () => {
    const sources = execFileSync("git", ["ls-files", "src", "providers"], {
      cwd: root,
      encoding: "utf8",
    })
      .split("\n")
      .filter((f) => f.endsWith(".ts"));
    const links: string[] = [];
    const broken: string[] = [];
    for (const file of sources) {
      const text = readFileSync(join(root, file), "utf8");
      for (const m of text.matchAll(
        /node_modules\/secrets-loader\/(docs\/[\w/.-]+\.md)(?:#([\w-]+))?/g,
      )) {
        const [, guide = "", anchor] = m;
        links.push(`${file}: ${guide}`);
        if (!packed.includes(guide)) {
          broken.push(`${file}: ${guide} is not in the package`);
          continue;
        }
        const slugs = readFileSync(join(root, guide), "utf8")
          .split("\n")
          .filter((line) => /^#{1,6} /.test(line))
          .map((line) =>
            line
              .replace(/^#+ /, "")
              .trim()
              .toLowerCase()
              .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, "")
              .replace(/ /g, "-"),
          );
        if (anchor !== undefined && !slugs.includes(anchor)) {
          broken.push(`${file}: ${guide} has no heading #${anchor}`);
        }
      }
      // A repository folder is not where a user can look: examples/ and the README's sections do not ship as such.
      for (const m of text.matchAll(
        /["`'][^"`'\n]*\b(see examples\/[\w-]+|README's [\w ]+ section)[^"`'\n]*["`']/g,
      )) {
        broken.push(`${file}: "${m[1]}"`);
      }
    }
    expect(links.length).toBeGreaterThan(0);
    expect(broken).toEqual([]);
  });

  it("has no declaration that names a .ts path", () => {
    const offenders: string[] = [];
    for (const file of packed.filter((path) => path.endsWith(".d.ts"))) {
      const code = readFileSync(join(root, file), "utf8")
        .split("\n")
        .filter((line) => !/^\s*(\*|\/\/)/.test(line));
      for (const line of code) {
        if (
          /(from\s+|import\()["'][^"']+\.[cm]?ts["']/.test(line) &&
          !/\.d\.[cm]?ts["']/.test(line)
        ) {
          offenders.push(`${file}: ${line.trim()}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});

describe("the packed tarball, installed", () => {
  let app = "";
  let node22 = "";

  beforeAll(async () => {
    app = join(work, "app");
    mkdirSync(app);
    writeFileSync(join(app, "package.json"), JSON.stringify({ private: true }));
    const installed = await run(
      npm,
      ["install", "--no-audit", "--no-fund", "--prefer-offline", tarball],
      app,
    );
    expect(installed.status, installed.output).toBe(0);
    node22 = minimumNode();
    const paths = importPaths();
    writeFileSync(
      join(app, "esm.mjs"),
      `${paths.map((p, i) => `import * as m${i} from ${JSON.stringify(p)};`).join("\n")}\n` +
        `console.log([${paths.map((_, i) => `Object.keys(m${i}).length`).join(", ")}].join(" "));\n`,
    );
    writeFileSync(
      join(app, "cjs.cjs"),
      `const counts = ${JSON.stringify(paths)}.map((p) => Object.keys(require(p)).length);\n` +
        `console.log(counts.join(" "));\n`,
    );
  }, 400_000);

  for (const which of ["24", "22.12"] as const) {
    it(`imports every entry as ESM and require()s it from CommonJS on Node ${which}, and runs secrets --help`, async () => {
      const node = which === "24" ? process.execPath : node22;
      const version = spawnSync(node, ["--version"], { encoding: "utf8" }).stdout.trim();
      expect(version.startsWith(which === "24" ? "v24." : `v${MIN_NODE}`)).toBe(true);
      const esm = await run(node, ["esm.mjs"], app);
      expect(esm.status, esm.output).toBe(0);
      const cjs = await run(node, ["cjs.cjs"], app);
      expect(cjs.status, cjs.output).toBe(0);
      // Same exports either way; every entry exports something. (Node 22.12 also
      // prints an ExperimentalWarning for require() of an ES module, on stderr.)
      expect(cjs.stdout.trim()).toBe(esm.stdout.trim());
      expect(esm.stdout.trim().split(" ").map(Number)).not.toContain(0);
      // `secrets` through npm's bin link, with this Node first on PATH (the shebang is `env node`).
      const env = { ...process.env, PATH: `${dirname(node)}:${process.env.PATH ?? ""}` };
      const help = await run(join(app, "node_modules/.bin/secrets"), ["--help"], app, env);
      expect(help.status, help.output).toBe(0);
      for (const command of ["doctor", "scan", "get", "run"])
        expect(help.output).toContain(command);
    }, 120_000);
  }
});

/** What each consumer imports, beside the package root and the env provider every one uses. */
const CONSUMERS = {
  aws: {
    sdks: ["@aws-sdk/client-secrets-manager"],
    code: `
import { awsCredentialsProvider, awsProvider, type AwsCredentialIdentity } from "secrets-loader/providers/aws";
export async function aws(): Promise<string> {
  const secrets = createSecrets({ providers: { aws: awsProvider({ region: "eu-west-1" }) } });
  const creds: AwsCredentialIdentity = await secrets.getCredentials("aws", {
    roleArn: "arn:aws:iam::123456789012:role/api",
  });
  const viaDefault = await getCredentials("aws", { roleArn: "arn:aws:iam::123456789012:role/api" });
  const provider = awsCredentialsProvider({ roleArn: "arn:aws:iam::123456789012:role/api" });
  return creds.accessKeyId + viaDefault.secretAccessKey + String(typeof provider);
}`,
  },
  gcp: {
    sdks: [],
    code: `
import { gcpAuthClient, gcpProvider } from "secrets-loader/providers/gcp";
export async function gcp(): Promise<string> {
  const secrets = createSecrets({ providers: { gcp: gcpProvider({ projectId: "acme-prod" }) } });
  const { accessToken } = await secrets.getCredentials("gcp", {
    targetPrincipal: "reader@acme-prod.iam.gserviceaccount.com",
  });
  const client = await gcpAuthClient(secrets, { targetPrincipal: "reader@acme-prod.iam.gserviceaccount.com" });
  return accessToken + String(typeof client);
}`,
  },
  azure: {
    sdks: ["@azure/keyvault-secrets", "@azure/identity"],
    code: `
import { azureProvider } from "secrets-loader/providers/azure";
export async function azure(): Promise<string> {
  const secrets = createSecrets({ providers: { azure: azureProvider() } });
  const { token, expiresAt } = await secrets.getCredentials("azure", { scopes: "https://storage.azure.com/.default" });
  const provider = await secrets.provider("azure");
  return token + String(expiresAt) + String(typeof provider);
}`,
  },
} as const;

const COMMON = `
import { createSecrets, getCredentials, getSecret, load, SecretsError } from "secrets-loader";
import { envProvider } from "secrets-loader/providers/env";
import { createKeyring } from "secrets-loader/keys";
import { withApiKey } from "secrets-loader/keys/http";
export const keysEntries = [createKeyring, withApiKey];
export async function common(): Promise<string> {
  const secrets = createSecrets({ providers: { env: envProvider({ dotenvPath: ".env" }) } });
  const { A, B } = await load({ A: "env://A", B: { ref: "env://B", type: "json", optional: true } });
  const key: string = await getSecret("env://KEY");
  try {
    await secrets.getSecret("env://MISSING");
  } catch (err) {
    if (SecretsError.is(err, "NOT_FOUND")) return err.code;
  }
  return A + JSON.stringify(B) + key;
}`;

/** Three module resolutions; ESM (.mts) and CommonJS (.cts) files in each. */
const RESOLUTIONS = {
  nodenext: { module: "nodenext", moduleResolution: "nodenext" },
  node16: { module: "nodenext", moduleResolution: "node16" },
  bundler: { module: "preserve", moduleResolution: "bundler" },
} as const;

/** At most `n` of the calls run at once (each tsc takes a core and ~300 MB). */
function limit(n: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (running >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await fn();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}
const tscSlot = limit(2);

// Concurrent, two at a time: each tsc run is one process; the runs share nothing.
describe.concurrent("TypeScript consumers with skipLibCheck: false", () => {
  const dirs = new Map<string, string>();

  beforeAll(() => {
    const extracted = join(work, "extracted");
    mkdirSync(extracted);
    execFileSync("tar", ["xzf", tarball, "-C", extracted]);
    for (const [name, consumer] of Object.entries(CONSUMERS)) {
      const dir = join(work, `types-${name}`);
      const modules = join(dir, "node_modules");
      // The package as npm unpacks it; its dependencies and the consumer's SDKs linked
      // from this repository's node_modules (nothing else: an SDK not listed is absent).
      cpSync(join(extracted, "package"), join(modules, pkg.name), { recursive: true });
      for (const dep of [...Object.keys(pkg.dependencies), "@types/node", ...consumer.sdks]) {
        mkdirSync(dirname(join(modules, dep)), { recursive: true });
        symlinkSync(join(root, "node_modules", dep), join(modules, dep), "dir");
      }
      const source = `${COMMON}\n${consumer.code}\n`;
      // ESM: top-level await is allowed; CommonJS: the same code inside functions.
      writeFileSync(join(dir, "consumer.mts"), source);
      writeFileSync(join(dir, "consumer.cts"), source);
      for (const [resolution, options] of Object.entries(RESOLUTIONS)) {
        writeFileSync(
          join(dir, `tsconfig.${resolution}.json`),
          JSON.stringify({
            compilerOptions: {
              ...options,
              target: "es2022",
              strict: true,
              noEmit: true,
              skipLibCheck: false,
              types: ["node"],
            },
            files: ["consumer.mts", "consumer.cts"],
          }),
        );
      }
      dirs.set(name, dir);
    }
  });

  const tsc = join(root, "node_modules/typescript/bin/tsc");
  for (const name of Object.keys(CONSUMERS)) {
    for (const resolution of Object.keys(RESOLUTIONS)) {
      it(`${name} SDKs only, moduleResolution ${resolution}, ESM and CommonJS: tsc --noEmit passes`, async () => {
        const dir = dirs.get(name) ?? "";
        const r = await tscSlot(() =>
          run(process.execPath, [tsc, "-p", `tsconfig.${resolution}.json`], dir),
        );
        expect(r.output).toBe("");
        expect(r.status).toBe(0);
      }, 300_000);
    }
  }
});
