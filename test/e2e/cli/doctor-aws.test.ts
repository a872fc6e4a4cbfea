/**
 * The doctor's provider checks against the AWS stand-in (moto, started
 * here through the harness's scripts/emulators/start.mjs): rotation from
 * describe(), IAM key age, resolution with latency, short-lived detection.
 */

import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  IAMClient,
} from "@aws-sdk/client-iam";
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStandIn } from "../../../scripts/emulators/start.mjs";
import { makeProject } from "../../unit/cli/support/project.js";
import { assertBuilt, cli } from "./support.js";

let stand: Awaited<ReturnType<typeof startStandIn>>;
const prefix = `doctor-${randomUUID().slice(0, 8)}`;
const values = [`db-${randomUUID()}`, `stripe-${randomUUID()}`];

/** Installs the stand-ins if this machine lacks them (the script is idempotent and locked). */
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
  const info = stand.info as {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
  };
  const sm = new SecretsManagerClient({
    endpoint: info.endpoint,
    region: info.region,
    credentials: info.credentials,
  });
  await sm.send(new CreateSecretCommand({ Name: `${prefix}/db`, SecretString: values[0] }));
  await sm.send(
    new RotateSecretCommand({
      SecretId: `${prefix}/db`,
      RotationRules: { AutomaticallyAfterDays: 30 },
    }),
  );
  // moto rotates without a rotation function: give the new current version a value, as one would.
  await sm.send(new PutSecretValueCommand({ SecretId: `${prefix}/db`, SecretString: values[0] }));
  await sm.send(new CreateSecretCommand({ Name: `${prefix}/stripe`, SecretString: values[1] }));
  sm.destroy();
}, 600_000);

afterAll(async () => {
  await stand?.stop();
});

describe("secrets doctor against the AWS stand-in", () => {
  it("fails least privilege for a reader role with administrator rights, and passes its short-lived session", async () => {
    const info = stand.info as {
      endpoint: string;
      region: string;
      credentials: { accessKeyId: string; secretAccessKey: string };
    };
    const iam = new IAMClient({
      endpoint: info.endpoint,
      region: info.region,
      credentials: info.credentials,
    });
    const roleName = `${prefix}-admin`;
    const role = await iam.send(
      new CreateRoleCommand({
        RoleName: roleName,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }],
        }),
      }),
    );
    const policy = await iam.send(
      new CreatePolicyCommand({
        PolicyName: `${prefix}-everything`,
        PolicyDocument: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
        }),
      }),
    );
    await iam.send(
      new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: policy.Policy?.Arn }),
    );
    iam.destroy();
    const dir = makeProject({
      "secrets.config.json": JSON.stringify({
        references: { DB_PASSWORD: `aws-sm://${prefix}/db` },
      }),
    });
    const r = cli(["doctor", "--json"], {
      cwd: dir,
      env: {
        AWS_ENDPOINT_URL: info.endpoint,
        AWS_REGION: info.region,
        AWS_ACCESS_KEY_ID: "testing",
        AWS_SECRET_ACCESS_KEY: "testing",
        // Temporary base credentials: under the short-lived rule (the root material counts),
        // static keys that only assume the role would make item 10 warn.
        AWS_SESSION_TOKEN: "testing-session",
        AWS_ROLE_ARN: role.Role?.Arn,
      },
    });
    const doc = JSON.parse(r.stdout);
    const item = (n: number) => doc.checks.find((c: { item: number }) => c.item === n);
    expect(r.code).toBe(1);
    expect(item(4).results).toEqual([
      expect.objectContaining({
        status: "fail",
        evidence: expect.stringMatching(
          new RegExp(`assumed-role/${roleName}/.* has administrator rights`),
        ),
      }),
    ]);
    expect(item(10).results).toEqual([
      expect.objectContaining({
        status: "pass",
        evidence: expect.stringMatching(/uses short-lived credentials/),
      }),
    ]);
    for (const v of values) expect(r.stdout).not.toContain(v);
  });

  it("checks rotation, key age, resolution and credential lifetime per reference", () => {
    const info = stand.info as { endpoint: string; region: string };
    const dir = makeProject({
      "secrets.config.json": JSON.stringify({
        references: {
          DB_PASSWORD: `aws-sm://${prefix}/db`,
          STRIPE_KEY: `aws-sm://${prefix}/stripe`,
          GONE: `aws-sm://${prefix}/missing`,
        },
      }),
    });
    const r = cli(["doctor", "--json"], {
      cwd: dir,
      env: {
        AWS_ENDPOINT_URL: info.endpoint,
        AWS_REGION: info.region,
        // moto accepts any credentials; an AKIA-shaped id is a long-lived key to the doctor.
        AWS_ACCESS_KEY_ID: ["AK", "IA", "MOTOTESTINGKEY00"].join(""),
        AWS_SECRET_ACCESS_KEY: "testing",
      },
    });
    expect(r.stderr).toBe("");
    const doc = JSON.parse(r.stdout);
    expect(r.code).toBe(1); // GONE does not resolve
    const item = (n: number) => doc.checks.find((c: { item: number }) => c.item === n);
    const lines = (n: number) =>
      item(n).results.map((x: { status: string; evidence: string }) => `${x.status} ${x.evidence}`);

    expect(lines(6)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^pass DB_PASSWORD \(aws-sm:\/\/.+\/db\): last rotated 0 days ago \(\d{4}-\d\d-\d\d\); rotation every 30 days; next \d{4}-\d\d-\d\d$/,
        ),
        expect.stringMatching(
          /^pass STRIPE_KEY \(aws-sm:\/\/.+\/stripe\): last changed 0 days ago \(\d{4}-\d\d-\d\d\); no rotation schedule, so rotate again within 90 days$/,
        ),
        expect.stringMatching(/^manual GONE .*metadata unavailable \[NOT_FOUND\]/),
      ]),
    );
    // IAM key age is either measured or explicitly manual, never silently passed.
    expect(
      lines(6).some((l: string) =>
        /^(pass|fail|manual) aws: (access key|IAM access-key age not checked)/.test(l),
      ),
    ).toBe(true);

    expect(lines(11)).toEqual([
      expect.stringMatching(
        /^pass DB_PASSWORD \(.+\) resolved in \d+ ms, version .+, cached until /,
      ),
      expect.stringMatching(/^pass STRIPE_KEY \(.+\) resolved in \d+ ms/),
      expect.stringMatching(/^fail GONE \(.+\) does not resolve: \[NOT_FOUND\]/),
    ]);
    // The provider's identity(): STS GetCallerIdentity says who reads, and with what.
    expect(lines(10)).toEqual([
      expect.stringMatching(
        /^warn aws: arn:aws:\w+::\d{12}:user\/\S+ uses long-lived credentials$/,
      ),
    ]);
    expect(item(4).status).toBe("manual");
    for (const v of values) expect(r.stdout).not.toContain(v);
  });
});
