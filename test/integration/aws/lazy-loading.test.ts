/**
 * Each AWS SDK client is imported on first use only. Checked in child
 * processes running the bundled package (esbuild, as `npm run build` does),
 * with a module resolution hook that records every module loaded.
 */

import { execFile } from "node:child_process";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUNDLE_OPTIONS } from "../../../scripts/bundle-options.ts";
import { aws } from "./support/moto.js";

const run = promisify(execFile);
const root = new URL("../../../", import.meta.url).pathname;
// Inside node_modules so the bundle's bare imports resolve to the project's packages.
const out = join(root, "node_modules", ".cache", `aws-lazy-${process.pid}`);

const CHILD = `
import { registerHooks } from "node:module";
const loaded = new Set();
registerHooks({
  resolve(specifier, context, next) {
    const r = next(specifier, context);
    const m = /node_modules\\/(@aws-sdk\\/[^/]+)\\//.exec(r.url);
    if (m) loaded.add(m[1]);
    return r;
  },
});
const [scenario, endpoint, region] = process.argv.slice(2);
const { createSecrets } = await import("./src/index.js");
const { awsProvider } = await import("./providers/aws/index.js");
const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };
process.env.LAZY_TEST_VALUE = "aws-test-lazy-value";
let secrets;
if (scenario === "env") {
  secrets = createSecrets();
  await secrets.getSecret("env://LAZY_TEST_VALUE");
} else {
  const roleArn = scenario === "sm-role" ? "arn:aws:iam::123456789012:role/lazy" : undefined;
  secrets = createSecrets({ builtins: false, providers: { aws: awsProvider({ endpoint, region, credentials, roleArn, env: {} }) } });
  const ref = scenario === "ssm" ? "aws-ssm:///lazy/absent" : "aws-sm://lazy/absent";
  const err = await secrets.getSecret(ref).catch((e) => e);
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
    entryPoints: ["src/index.ts", "providers/aws/index.ts"],
    outdir: out,
  });
  await writeFile(join(out, "child.mjs"), CHILD);
});

afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

async function loadedModules(scenario: string): Promise<string[]> {
  const { endpoint, region } = aws();
  const { stdout } = await run(
    process.execPath,
    [join(out, "child.mjs"), scenario, endpoint, region],
    {
      cwd: out,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" },
    },
  );
  return JSON.parse(stdout.trim().split("\n").at(-1) as string) as string[];
}

describe("lazy loading of the AWS SDK", () => {
  it("env:// loads no AWS SDK package at all", async () => {
    expect(await loadedModules("env")).toEqual([]);
  });

  it("aws-sm:// loads Secrets Manager only: never STS or SSM without a role", async () => {
    const mods = await loadedModules("sm");
    expect(mods).toContain("@aws-sdk/client-secrets-manager");
    expect(mods).not.toContain("@aws-sdk/client-sts");
    expect(mods).not.toContain("@aws-sdk/client-ssm");
    expect(mods).not.toContain("@aws-sdk/client-iam");
  });

  it("aws-sm:// with a role configured loads STS too", async () => {
    const mods = await loadedModules("sm-role");
    expect(mods).toContain("@aws-sdk/client-secrets-manager");
    expect(mods).toContain("@aws-sdk/client-sts");
  });

  it("aws-ssm:// loads SSM only", async () => {
    const mods = await loadedModules("ssm");
    expect(mods).toContain("@aws-sdk/client-ssm");
    expect(mods).not.toContain("@aws-sdk/client-secrets-manager");
    expect(mods).not.toContain("@aws-sdk/client-sts");
  });
});
