/**
 * Runs examples/aws-startup and examples/aws-credentials as a user would
 * (`node examples/.../main.mjs` against the built package), with the AWS
 * endpoint pointing at a recording proxy in front of moto.
 */

import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closedPort, expectCleanFailure } from "../../support/dependency-down.js";
import { expectReadmeOutput } from "../../support/readme-output.js";
import { aws, fakeValue, seedConfig, uniquePrefix } from "./support/moto.js";
import { type RecordingProxy, startRecordingProxy } from "./support/recording-proxy.js";

const run = promisify(execFile);
const root = new URL("../../../", import.meta.url).pathname;
let proxy: RecordingProxy;

beforeAll(async () => {
  if (!existsSync(join(root, "dist/providers/aws/index.js"))) {
    throw new Error("dist/ has no AWS provider: run `npm run build` first (`npm test` does).");
  }
  proxy = await startRecordingProxy(aws().endpoint);
});

afterAll(async () => {
  await proxy.close();
});

function baseEnv(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    AWS_REGION: aws().region,
    AWS_ENDPOINT_URL: proxy.url,
    // The stand-in's base keys, standing for whatever the host provides.
    AWS_ACCESS_KEY_ID: aws().credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: aws().credentials.secretAccessKey,
  };
}

describe("examples", () => {
  it("aws-startup: assumes the role, then loads both secrets in one batch signed by the role", async () => {
    const prefix = `${uniquePrefix()}/checkout`;
    const password = fakeValue("db");
    const stripe = `sk_test_${fakeValue("stripe")}`;
    const sm = new SecretsManagerClient(seedConfig());
    await sm.send(
      new CreateSecretCommand({
        Name: `${prefix}/db`,
        SecretString: JSON.stringify({ username: "checkout", password }),
      }),
    );
    await sm.send(new CreateSecretCommand({ Name: `${prefix}/stripe`, SecretString: stripe }));
    sm.destroy();
    proxy.reset();
    const { stdout, stderr } = await run(process.execPath, ["examples/aws-startup/main.mjs"], {
      cwd: root,
      env: {
        ...baseEnv(),
        APP_ROLE_ARN: "arn:aws:iam::123456789012:role/checkout-secrets",
        SECRETS_PREFIX: prefix,
        // Temporary base credentials (as an instance or SSO role gives): the policy judges them.
        AWS_SESSION_TOKEN: "aws-test-base-session-token",
      },
    });
    expectReadmeOutput("aws-startup", { stdout, stderr }, 0, (t) =>
      t.replaceAll(prefix, "prod/checkout"),
    );
    expect(stdout).toContain("Loaded DB_PASSWORD, STRIPE_KEY; Stripe mode: test");
    expect(stderr).toContain("role session issued");
    for (const v of [password, stripe]) expect(`${stdout}${stderr}`).not.toContain(v);
    expect(proxy.calls.map((c) => c.operation)).toEqual(["AssumeRole", "BatchGetSecretValue"]);
    expect(proxy.calls[0]?.accessKeyId).toBe(aws().credentials.accessKeyId);
    expect(proxy.calls[1]?.accessKeyId).toMatch(/^ASIA/);
  });

  it("aws-startup: a missing secret stops start-up with one error naming it", async () => {
    const prefix = `${uniquePrefix()}/empty`;
    const err = (await run(process.execPath, ["examples/aws-startup/main.mjs"], {
      cwd: root,
      env: {
        ...baseEnv(),
        APP_ROLE_ARN: "arn:aws:iam::123456789012:role/checkout-secrets",
        SECRETS_PREFIX: prefix,
        // Temporary base credentials (as an instance or SSO role gives): the policy judges them.
        AWS_SESSION_TOKEN: "aws-test-base-session-token",
      },
    }).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(err.code).toBe(1);
    expect(err.stderr).toContain("Failed to load 2 of 2 secret(s)");
    expect(err.stderr).toContain(`${prefix}/db`);
    expect(err.stderr).toContain("NOT_FOUND");
  });

  it("aws-credentials: an SQS client uses the role session, renewed before expiry, visible in the events", async () => {
    proxy.reset();
    const { stdout } = await run(process.execPath, ["examples/aws-credentials/main.mjs"], {
      cwd: root,
      env: {
        ...baseEnv(),
        ORDERS_ROLE_ARN: "arn:aws:iam::123456789012:role/orders-writer",
        QUEUE_NAME: `orders-${uniquePrefix()}`,
        SESSION_SECONDS: "4",
        MESSAGES: "6",
        INTERVAL_MS: "700",
      },
    });
    expectReadmeOutput("aws-credentials", stdout);
    expect(stdout).toMatch(/\[credentials\] issued ASIA…\w{4}/);
    expect(stdout).toMatch(/\[credentials\] rotated ASIA…\w{4}/);
    expect(stdout).toContain("sent order 6");
    const sqs = proxy.calls.filter((c) => c.service === "sqs");
    expect(sqs.map((c) => c.operation)).toEqual(["CreateQueue", ...Array(6).fill("SendMessage")]);
    for (const c of sqs) expect(c.accessKeyId).toMatch(/^ASIA/);
    // One session at a time: issued, then rotated before expiry (not one AssumeRole per request).
    expect(proxy.count("AssumeRole")).toBeGreaterThanOrEqual(2);
    expect(proxy.count("AssumeRole")).toBeLessThan(sqs.length);
    expect(new Set(sqs.map((c) => c.accessKeyId)).size).toBeGreaterThanOrEqual(2);
  });

  it("aws-startup and aws-credentials: with AWS unreachable, a short error and exit 1, no stack, no hang", async () => {
    const down = {
      ...baseEnv(),
      AWS_ENDPOINT_URL: `http://127.0.0.1:${await closedPort()}`,
      AWS_SESSION_TOKEN: "aws-test-base-session-token",
    };
    await expectCleanFailure(
      "aws-startup",
      {
        ...down,
        APP_ROLE_ARN: "arn:aws:iam::123456789012:role/checkout-secrets",
        SECRETS_PREFIX: "prod/checkout",
      },
      /\[UNAVAILABLE\] .*could not reach the endpoint.*ECONNREFUSED/,
      { maxLines: 3 }, // the LoadError: a header and one line per reference
    );
    await expectCleanFailure(
      "aws-credentials",
      { ...down, ORDERS_ROLE_ARN: "arn:aws:iam::123456789012:role/orders-writer" },
      /^orders producer stopped: aws: could not reach the endpoint.*ECONNREFUSED/,
    );
  });
});
