/**
 * node-vault is imported on first use only: creating the client, importing
 * the provider and validating a vault:// reference load none of it; the first
 * read does. Checked in child processes running the bundled package (esbuild,
 * as `npm run build` does), with a module resolution hook that records every
 * module loaded.
 */

import { execFile } from "node:child_process";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUNDLE_OPTIONS } from "../../../scripts/bundle-options.ts";
import { bao } from "./support/bao.js";

const run = promisify(execFile);
const root = new URL("../../../", import.meta.url).pathname;
// Inside node_modules so the bundle's bare imports resolve to the project's packages.
const out = join(root, "node_modules", ".cache", `vault-lazy-${process.pid}`);

const CHILD = `
import { registerHooks } from "node:module";
const loaded = new Set();
registerHooks({
  resolve(specifier, context, next) {
    const r = next(specifier, context);
    const m = /node_modules\\/(node-vault|axios)\\//.exec(r.url);
    if (m) loaded.add(m[1]);
    return r;
  },
});
const [scenario, address, token] = process.argv.slice(2);
const { createSecrets } = await import("./src/index.js");
const { vaultProvider } = await import("./providers/vault/index.js");
const secrets = createSecrets({ builtins: false, providers: { vault: vaultProvider({ address, auth: { method: "token", token } }) } });
if (scenario === "invalid") {
  const err = await secrets.getSecret("vault://secret/../x").catch((e) => e);
  if (err?.code !== "INVALID_REFERENCE") throw new Error("expected INVALID_REFERENCE, got " + err?.code);
} else if (scenario === "read") {
  const err = await secrets.getSecret("vault://secret/lazy-absent#k").catch((e) => e);
  if (err?.code !== "NOT_FOUND") throw new Error("expected NOT_FOUND, got " + (err?.code ?? "a value"));
}
await secrets.close();
console.log(JSON.stringify([...loaded].sort()));
`;

beforeAll(async () => {
  await mkdir(out, { recursive: true });
  await build({
    ...BUNDLE_OPTIONS,
    absWorkingDir: root,
    entryPoints: ["src/index.ts", "providers/vault/index.ts"],
    outdir: out,
  });
  await writeFile(join(out, "child.mjs"), CHILD);
});

afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

async function loadedModules(scenario: string): Promise<string[]> {
  const { address, token } = bao();
  const { stdout } = await run(
    process.execPath,
    [join(out, "child.mjs"), scenario, address, token],
    {
      cwd: out,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" },
    },
  );
  return JSON.parse(stdout.trim().split("\n").at(-1) as string) as string[];
}

describe("lazy loading of node-vault", () => {
  it("creating the client and importing the provider load no node-vault", async () => {
    expect(await loadedModules("idle")).toEqual([]);
  });

  it("an invalid vault:// reference fails before node-vault loads", async () => {
    expect(await loadedModules("invalid")).toEqual([]);
  });

  it("the first read loads node-vault", async () => {
    expect(await loadedModules("read")).toContain("node-vault");
  });
});
