/**
 * `secrets rotate <ref> --with <module>` through the built CLI, against the
 * AWS stand-in (moto, started here through scripts/emulators/start.mjs). The
 * module's target is a file holding a hash of the deployed value.
 */

import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStandIn } from "../../../scripts/emulators/start.mjs";
import { makeProject } from "../../unit/cli/support/project.js";
import { assertBuilt, cli, usageLine } from "./support.js";

interface AwsInfo {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

let stand: Awaited<ReturnType<typeof startStandIn>>;
let sm: SecretsManagerClient;
let info: AwsInfo;
let dir: string;

const STEPS = `
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
const target = process.env.ROTATE_TARGET_FILE;
const hash = (v) => createHash("sha256").update(v).digest("hex");
export function generate({ current }) {
  return current.split(":")[0] + ":" + crypto.randomUUID();
}
export function deploy({ pending }) {
  writeFileSync(target, hash(pending));
}
export function verify({ pending }) {
  if (process.env.FAIL_VERIFY === "1") return false;
  return readFileSync(target, "utf8") === hash(pending);
}
`;

function ensureStandInsInstalled(): void {
  const script = fileURLToPath(new URL("../../../scripts/emulators/install", import.meta.url));
  if (spawnSync(script, ["--check"], { encoding: "utf8" }).status === 0) return;
  const run = spawnSync(script, [], { stdio: "inherit" });
  if (run.status !== 0)
    throw new Error(`scripts/emulators/install failed (exit ${run.status}): moto is needed here`);
}

beforeAll(async () => {
  assertBuilt();
  ensureStandInsInstalled();
  stand = await startStandIn("aws");
  info = stand.info as AwsInfo;
  sm = new SecretsManagerClient(info);
  dir = makeProject({
    "steps.mjs": STEPS,
    "no-verify.mjs": "export const generate = () => 'x'; export const deploy = () => {};\n",
  });
}, 600_000);

afterAll(async () => {
  sm?.destroy();
  await stand?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    AWS_ENDPOINT_URL: info.endpoint,
    AWS_REGION: info.region,
    AWS_ACCESS_KEY_ID: info.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: info.credentials.secretAccessKey,
    ROTATE_TARGET_FILE: join(dir, `target-${randomUUID()}`),
    ...extra,
  };
}

async function seed(): Promise<{ name: string; first: string }> {
  const name = `rotate-${randomUUID().slice(0, 8)}/api`;
  const first = `cli-test:${randomUUID()}`;
  await sm.send(new CreateSecretCommand({ Name: name, SecretString: first }));
  return { name, first };
}

async function stages(name: string): Promise<Record<string, string[]>> {
  const out = await sm.send(new ListSecretVersionIdsCommand({ SecretId: name }));
  return Object.fromEntries(
    (out.Versions ?? [])
      .filter((v) => v.VersionStages?.length)
      .map((v) => [v.VersionId as string, [...(v.VersionStages ?? [])].sort()]),
  );
}

const current = async (name: string) =>
  (await sm.send(new GetSecretValueCommand({ SecretId: name, VersionStage: "AWSCURRENT" })))
    .SecretString as string;

describe("secrets rotate", () => {
  it("rotates with the module's steps, one progress line per step, and never prints a value", async () => {
    const { name, first } = await seed();
    const e = env();
    const r = cli(["rotate", `aws-sm://${name}`, "--with", "steps.mjs"], { cwd: dir, env: e });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines).toEqual([
      "generate: started",
      expect.stringMatching(/^generate: done in \d+ ms \(version [\w-]+\)$/),
      "deploy: started",
      expect.stringMatching(/^deploy: done in \d+ ms/),
      "verify: started",
      expect.stringMatching(/^verify: done in \d+ ms/),
      "finish: started",
      expect.stringMatching(/^finish: done in \d+ ms/),
      expect.stringMatching(
        new RegExp(
          `^rotated aws-sm://${name}: AWSCURRENT is version [\\w-]+, AWSPREVIOUS is [\\w-]+$`,
        ),
      ),
    ]);
    const next = await current(name);
    expect(next).not.toBe(first);
    expect(
      Object.values(await stages(name))
        .flat()
        .sort(),
    ).toEqual(["AWSCURRENT", "AWSPREVIOUS"]);
    for (const v of [first, next]) expect(r.stdout + r.stderr).not.toContain(v);
  });

  it("a failing verify exits 1 naming the step, AWSCURRENT untouched; the same command again resumes", async () => {
    const { name, first } = await seed();
    const e = env();
    const failed = cli(["rotate", `aws-sm://${name}`, "--with", "steps.mjs"], {
      cwd: dir,
      env: { ...e, FAIL_VERIFY: "1" },
    });
    expect(failed.code).toBe(1);
    expect(failed.stderr.trimEnd().split("\n")).toEqual([
      `secrets: rotation of aws-sm://${name} failed at verify: Error: verify returned false (run the same command again to resume)`,
    ]);
    expect(failed.stdout).toMatch(/^verify: failed in \d+ ms: Error: verify returned false$/m);
    expect(await current(name)).toBe(first);
    const mid = Object.values(await stages(name))
      .flat()
      .sort();
    expect(mid).toEqual(["AWSCURRENT", "AWSPENDING"]);

    const again = cli(["rotate", `aws-sm://${name}`, "--with", "steps.mjs"], { cwd: dir, env: e });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^generate: skipped in \d+ ms: resuming version/m);
    expect(again.stdout).toMatch(/\(resumed\): AWSCURRENT is version/);
    expect(await current(name)).not.toBe(first);
    for (const v of [first, await current(name)])
      expect(failed.stdout + failed.stderr + again.stdout + again.stderr).not.toContain(v);
  });

  it("the doctor's rotation check passes a secret rotated within 90 days, with the date, and fails it 100 days later", async () => {
    const { name } = await seed();
    const e = env();
    expect(
      cli(["rotate", `aws-sm://${name}`, "--with", "steps.mjs"], { cwd: dir, env: e }).code,
    ).toBe(0);
    const project = makeProject({
      "secrets.config.json": JSON.stringify({ references: { API_KEY: `aws-sm://${name}` } }),
    });
    const rotation = (args: string[]) => {
      const r = cli(["doctor", "--json", ...args], { cwd: project, env: e });
      const doc = JSON.parse(r.stdout) as {
        checks: Array<{ item: number; results: Array<{ status: string; evidence: string }> }>;
      };
      return (doc.checks.find((c) => c.item === 6)?.results ?? [])
        .filter((x) => x.evidence.startsWith("API_KEY"))
        .map((x) => `${x.status} ${x.evidence}`);
    };
    const today = new Date().toISOString().slice(0, 10);
    expect(rotation([])).toEqual([
      `pass API_KEY (aws-sm://${name}): last changed 0 days ago (${today}); no rotation schedule, so rotate again within 90 days`,
    ]);
    const later = new Date(Date.now() + 100 * 86_400_000).toISOString();
    expect(rotation(["--now", later])).toEqual([
      `fail API_KEY (aws-sm://${name}): last changed 100 days ago (maximum 90)`,
    ]);
    rmSync(project, { recursive: true, force: true });
  });

  it("a module without the three steps, or a missing one, is a usage error (exit 2, one line)", () => {
    const line = usageLine(
      cli(["rotate", "aws-sm://app/db", "--with", "no-verify.mjs"], { cwd: dir, env: env() }),
    );
    expect(line).toContain("must export functions generate, deploy and verify");
    expect(line).toContain("verify");
    expect(
      usageLine(cli(["rotate", "aws-sm://app/db", "--with", "nope.mjs"], { cwd: dir, env: env() })),
    ).toMatch(/--with nope\.mjs: cannot load/);
    expect(usageLine(cli(["rotate", "aws-sm://app/db"], { cwd: dir, env: env() }))).toMatch(
      /--with/,
    );
  });

  it("a reference to a field or a version is refused with the fix (exit 2)", () => {
    const r = cli(["rotate", "aws-sm://app/db#password", "--with", "steps.mjs"], {
      cwd: dir,
      env: env(),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "rotation replaces the whole secret. Fix: pass the secret itself, such as aws-sm://app/db",
    );
  });
});
