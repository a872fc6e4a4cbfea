/**
 * `secrets scan --values` and the doctor's items 1-3 against the AWS
 * stand-in (moto, started through scripts/emulators/start.mjs) and the env
 * provider: the app's own values, with no recognisable shape, are found in a
 * built client bundle and in a past commit, and nothing of them is printed.
 */

import { spawnSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStandIn } from "../../../scripts/emulators/start.mjs";
import { commitAll, gitInit, makeProject, writeFiles } from "../../unit/cli/support/project.js";
import { ScanOutputSchema } from "./output-schemas.js";
import { assertBuilt, cli, jsonValidator, sarifValidator } from "./support.js";

let stand: Awaited<ReturnType<typeof startStandIn>>;
let info: { endpoint: string; region: string };
const prefix = `scan-values-${randomUUID().slice(0, 8)}`;
// No known key shape: a password a pattern scanner cannot recognise.
const dbPassword = `pw-${randomBytes(12).toString("hex").slice(0, 14)}-Zq`;
const apiToken = `tok_${randomBytes(16).toString("base64url")}`;

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
  const i = stand.info as typeof info & {
    credentials: { accessKeyId: string; secretAccessKey: string };
  };
  info = i;
  const sm = new SecretsManagerClient({
    endpoint: i.endpoint,
    region: i.region,
    credentials: i.credentials,
  });
  await sm.send(new CreateSecretCommand({ Name: `${prefix}/db`, SecretString: dbPassword }));
  sm.destroy();
}, 600_000);

afterAll(async () => {
  await stand?.stop();
});

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: info.endpoint,
    AWS_REGION: info.region,
    AWS_ACCESS_KEY_ID: "testing",
    AWS_SECRET_ACCESS_KEY: "testing",
    APP_TOKEN: apiToken,
    SHORT_VALUE: "abc12",
    ...extra,
  };
}

/** A project whose bundle holds the moto value and whose history holds the env value. */
function leakyProject(): string {
  const dir = makeProject({
    "secrets.config.json": JSON.stringify({
      references: {
        DB_PASSWORD: `aws-sm://${prefix}/db`,
        APP_TOKEN: "env://APP_TOKEN",
        SHORT: "env://SHORT_VALUE",
      },
    }),
    ".gitignore": "dist/\n",
    "src/app.ts": "export const ok = true;\n",
  });
  gitInit(dir);
  // A past commit added the token (URL-encoded in a query string); a later one removed it.
  writeFiles(dir, {
    "src/call.ts": `fetch("https://api.test/v1?token=${encodeURIComponent(apiToken)}");\n`,
  });
  commitAll(dir, "call the api", "2024-05-01T12:00:00Z");
  rmSync(join(dir, "src/call.ts"));
  commitAll(dir, "remove the token", "2024-05-02T12:00:00Z");
  // A build inlined the database password into a client bundle (gitignored).
  writeFiles(dir, {
    "dist/assets/index-3f2a.js": `var c={db:"${dbPassword}",b:"${Buffer.from(`app:${dbPassword}`).toString("base64")}"};\n`,
  });
  return dir;
}

function assertNothingPrinted(text: string): void {
  for (const v of [dbPassword, apiToken, encodeURIComponent(apiToken)]) {
    expect(text).not.toContain(v);
    expect(text).not.toContain(v.slice(0, 8));
  }
  expect(text).not.toContain(Buffer.from(`app:${dbPassword}`).toString("base64"));
}

describe("secrets scan --values (AWS stand-in and env provider)", () => {
  it("finds a moto value in a gitignored client bundle, also as base64, with nothing printed", () => {
    const dir = leakyProject();
    const plain = cli(["scan", "--json"], { cwd: dir, env: env() });
    expect(plain.code).toBe(0); // no pattern recognises these values
    const r = cli(["scan", "--values", "--json"], { cwd: dir, env: env() });
    assertNothingPrinted(r.stdout + r.stderr);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(jsonValidator(ScanOutputSchema)(doc)).toEqual([]);
    const found = doc.findings.map(
      (f: { rule: string; file: string; reference: string; match: string }) =>
        `${f.rule} ${f.file} ${f.reference} ${f.match.replace(/, \d+ chars/, "")}`,
    );
    expect(found).toEqual([
      "known-value dist/assets/index-3f2a.js DB_PASSWORD DB_PASSWORD (exact)",
      "known-value dist/assets/index-3f2a.js DB_PASSWORD DB_PASSWORD (base64)",
    ]);
    expect(doc.values).toEqual({ references: 3, searched: 2, tooShort: ["SHORT"], unresolved: [] });
    expect(r.stderr).toMatch(/not searched, shorter than 8 characters: SHORT/);
  });

  it("finds an env value in a past commit (--history), and SARIF names rule known-value", () => {
    const dir = leakyProject();
    const r = cli(["scan", "--history", "--values", "--json"], { cwd: dir, env: env() });
    assertNothingPrinted(r.stdout + r.stderr);
    expect(r.code).toBe(1);
    const [f] = JSON.parse(r.stdout).findings;
    expect(f).toMatchObject({
      rule: "known-value",
      file: "src/call.ts",
      line: 1,
      reference: "APP_TOKEN",
      date: "2024-05-01T12:00:00+00:00",
    });
    expect(f.match).toMatch(/^APP_TOKEN \((exact|url-encoded), \d+ chars\)$/);
    const sarif = cli(["scan", "--history", "--values", "--sarif"], { cwd: dir, env: env() });
    assertNothingPrinted(sarif.stdout + sarif.stderr);
    const doc = JSON.parse(sarif.stdout);
    expect(sarifValidator()(doc)).toEqual([]);
    expect(doc.runs[0].results[0].ruleId).toBe("known-value");
    expect(doc.runs[0].tool.driver.rules.map((x: { id: string }) => x.id)).toContain("known-value");
  });

  it("known-value can be allowlisted like any rule", () => {
    const dir = leakyProject();
    writeFileSync(
      join(dir, "secrets.config.json"),
      JSON.stringify({
        references: { DB_PASSWORD: `aws-sm://${prefix}/db` },
        scan: { allowlist: { rules: ["known-value"] } },
      }),
    );
    const r = cli(["scan", "--values"], { cwd: dir, env: env() });
    expect(r.stdout).not.toContain("known-value");
    expect(r.code).toBe(0);
  });

  it("a reference that cannot be resolved: exit 2 naming it, never a pass", () => {
    const dir = leakyProject();
    const r = cli(["scan", "--values"], { cwd: dir, env: env({ APP_TOKEN: "" }) });
    assertNothingPrinted(r.stdout + r.stderr);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/could not resolve APP_TOKEN \(\w+\)/);
  });

  it("the doctor's items 1-3 fail on the values, and report unreachable providers as manual", () => {
    const dir = leakyProject();
    const r = cli(["doctor", "--json"], { cwd: dir, env: env() });
    assertNothingPrinted(r.stdout + r.stderr);
    const doc = JSON.parse(r.stdout);
    const lines = (n: number) =>
      doc.checks
        .find((c: { item: number }) => c.item === n)
        .results.map((x: { status: string; evidence: string }) => `${x.status} ${x.evidence}`);
    expect(lines(2)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^fail src\/call\.ts:1 known-value APP_TOKEN .*gone from the working tree/,
        ),
      ]),
    );
    expect(lines(3)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^fail dist\/assets\/index-3f2a\.js:1 known-value DB_PASSWORD/),
      ]),
    );
    // Providers down: the values are not checked, so items 1-3 cannot pass.
    const down = cli(["doctor", "--json"], {
      cwd: dir,
      env: env({ AWS_ENDPOINT_URL: "http://127.0.0.1:9" }),
    });
    assertNothingPrinted(down.stdout + down.stderr);
    const item1 = JSON.parse(down.stdout).checks.find((c: { item: number }) => c.item === 1);
    expect(item1.status).toBe("manual");
    expect(item1.results.map((x: { evidence: string }) => x.evidence)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/could not check the working tree for the values of DB_PASSWORD/),
      ]),
    );
  }, 120_000);
});
