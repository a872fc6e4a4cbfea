/**
 * Runs examples/gcp-startup as a user would (`node examples/gcp-startup/main.mjs` against
 * the built package), signed in through Application Default Credentials only: an
 * external_account (workload identity federation) file whose token exchange the STS
 * stand-in answers, and GOOGLE_CLOUD_PROJECT for the default project.
 */

import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closedPort, expectCleanFailure } from "../../support/dependency-down.js";
import { expectReadmeOutput } from "../../support/readme-output.js";
import {
  type GcpForwardingProxy,
  type GcpTokenServer,
  standIn,
  startGcpForwardingProxy,
  startGcpTokenServer,
} from "../../support/stand-ins.js";
import { fakeValue, putSecret, uniqueName } from "./support/sm.js";

const run = promisify(execFile);
const root = new URL("../../../", import.meta.url).pathname;
const AUDIENCE =
  "//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/pool/providers/startup";

let proxy: GcpForwardingProxy;
let tokens: GcpTokenServer;
let dir: string;
let adc: string;
const subject = fakeValue("subject");

beforeAll(async () => {
  if (!existsSync(join(root, "dist/providers/gcp/index.js"))) {
    throw new Error("dist/ has no GCP provider: run `npm run build` first (`npm test` does).");
  }
  proxy = await startGcpForwardingProxy(standIn("gcp"));
  tokens = await startGcpTokenServer({ audience: AUDIENCE, subjectTokens: [subject] });
  dir = mkdtempSync(join(tmpdir(), "gcp-example-"));
  writeFileSync(join(dir, "subject"), subject);
  adc = join(dir, "adc.json");
  writeFileSync(
    adc,
    JSON.stringify({
      type: "external_account",
      audience: AUDIENCE,
      subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
      token_url: tokens.tokenUrl,
      credential_source: { file: join(dir, "subject") },
    }),
  );
});
afterAll(async () => {
  await proxy?.close();
  await tokens?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const env = (prefix: string) => ({
  PATH: process.env.PATH ?? "",
  HOME: dir,
  GOOGLE_APPLICATION_CREDENTIALS: adc,
  GOOGLE_CLOUD_PROJECT: standIn("gcp").projectId,
  SECRET_MANAGER_ENDPOINT: proxy.url,
  SECRETS_PREFIX: prefix,
});

describe("examples/gcp-startup", () => {
  it("loads both secrets at start-up with the default project, signed in through ADC", async () => {
    const prefix = uniqueName("checkout");
    const password = fakeValue("db");
    const stripe = `sk_test_${fakeValue("stripe")}`;
    await putSecret({ url: proxy.url }, `${prefix}-db`, [JSON.stringify({ password })]);
    await putSecret({ url: proxy.url }, `${prefix}-stripe`, [stripe, "sk_test_newer"], {
      aliases: { prod: "1" },
    });
    const sts = tokens.counts.sts;
    const seen = proxy.bearerTokens.length;
    const { stdout, stderr } = await run(process.execPath, ["examples/gcp-startup/main.mjs"], {
      cwd: root,
      env: env(prefix),
    });
    const project = standIn("gcp").projectId;
    expectReadmeOutput("gcp-startup", { stdout, stderr }, 0, (t) =>
      t
        .replaceAll(`project ${project};`, "project acme-prod;")
        .replaceAll(`${prefix}-`, "checkout-"),
    );
    expect(stdout).toContain(
      `Loaded DB_PASSWORD, STRIPE_KEY from project ${project}; Stripe mode: test`,
    );
    expect(stderr).toContain(`fetched gcp-sm://secrets/${prefix}-db/versions/latest (version 1)`);
    expect(stderr).toContain(`fetched gcp-sm://secrets/${prefix}-stripe/versions/prod (version 1)`);
    // One token exchange; both reads carried the token it issued.
    expect(tokens.counts.sts).toBe(sts + 1);
    const bearers = proxy.bearerTokens.slice(seen);
    expect(bearers.length).toBe(2);
    expect(bearers.every((b) => tokens.issued.has(b))).toBe(true);
    for (const v of [password, stripe, subject]) expect(`${stdout}${stderr}`).not.toContain(v);
  });

  it("a missing secret stops start-up with one error naming both", async () => {
    const prefix = uniqueName("empty");
    const err = (await run(process.execPath, ["examples/gcp-startup/main.mjs"], {
      cwd: root,
      env: env(prefix),
    }).then(
      () => undefined,
      (e: unknown) => e,
    )) as { code?: number; stderr?: string } | undefined;
    expect(err?.code).toBe(1);
    expect(err?.stderr).toContain(`${prefix}-db`);
    expect(err?.stderr).toContain(`${prefix}-stripe`);
    expect(err?.stderr).toContain("NOT_FOUND");
  });

  it("with Secret Manager unreachable, a short error and exit 1, no stack, no hang", async () => {
    await expectCleanFailure(
      "gcp-startup",
      { ...env("checkout"), SECRET_MANAGER_ENDPOINT: `http://127.0.0.1:${await closedPort()}` },
      /\[UNAVAILABLE\] gcp: .*checkout-db.*ECONNREFUSED/,
      { maxLines: 3 }, // the LoadError: a header and one line per reference
    );
  });
});
