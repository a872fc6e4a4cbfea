/**
 * Runs examples/gcp-impersonation as a user would (`node examples/.../main.mjs` against
 * the built package): signed in through workload identity federation (an external_account
 * file whose STS is the token stand-in), impersonating a target whose tokens live 6 s, and
 * listing secrets with the official client through the forwarding proxy.
 */

import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { closedPort, expectCleanFailure } from "../../support/dependency-down.js";
import {
  type GcpForwardingProxy,
  type GcpTokenServer,
  standIn,
  startGcpForwardingProxy,
  startGcpTokenServer,
} from "../../support/stand-ins.js";
import { AUDIENCE, externalAccountFile, fakeValue, seedSecret } from "./support/identity.js";

const run = promisify(execFile);
const root = new URL("../../../", import.meta.url).pathname;
const gcp = standIn("gcp");
const target = `lister-${randomUUID().slice(0, 6)}@acme-prod.iam.gserviceaccount.com`;
const subject = `subject-${randomUUID()}`;
let tokens: GcpTokenServer;
let proxy: GcpForwardingProxy;
let dir: string;

beforeAll(async () => {
  if (!existsSync(join(root, "dist/providers/gcp/index.js"))) {
    throw new Error("dist/ has no GCP provider: run `npm run build` first (`npm test` does).");
  }
  dir = mkdtempSync(join(tmpdir(), "gcp-example-"));
  tokens = await startGcpTokenServer({
    serviceAccounts: [target],
    audience: AUDIENCE,
    subjectTokens: [subject],
  });
  proxy = await startGcpForwardingProxy(gcp);
  await seedSecret(proxy.url, gcp, fakeValue("listed"));
});
afterAll(async () => {
  await tokens.close();
  await proxy.close();
  rmSync(dir, { recursive: true, force: true });
});

it("gcp-impersonation: hands the target's token to the official client; refreshes show in the events", async () => {
  const generated = tokens.counts.generateAccessToken;
  const seen = proxy.bearerTokens.length;
  const { stdout, stderr } = await run(process.execPath, ["examples/gcp-impersonation/main.mjs"], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: dir,
      GOOGLE_APPLICATION_CREDENTIALS: externalAccountFile(dir, tokens.tokenUrl, subject),
      GOOGLE_CLOUD_PROJECT: gcp.projectId,
      TARGET_SERVICE_ACCOUNT: target,
      TOKEN_LIFETIME_S: "6",
      CALLS: "4",
      INTERVAL_MS: "1500",
      IAM_CREDENTIALS_ENDPOINT: tokens.url,
      SECRET_MANAGER_ENDPOINT: proxy.url,
    },
  });
  expect(stdout).toContain(`token for ${target} valid until`);
  expect(stdout).toMatch(new RegExp(`call 4: \\d+ secrets listed as ${target}`));
  const label = `gcp:access-token ${target}`;
  expect(stdout).toContain(`[credentials] issued ${label}`);
  expect(stdout).toContain(`[credentials] rotated ${label}`);
  // One generateAccessToken per distinct token the job used, each through the memo.
  const used = [...new Set(proxy.bearerTokens.slice(seen))];
  expect(used.length).toBeGreaterThanOrEqual(2);
  for (const t of used) {
    expect(t.startsWith("ya29.stand-in-")).toBe(true); // impersonated, not the STS token
    expect(`${stdout}${stderr}`).not.toContain(t);
  }
  expect(tokens.counts.generateAccessToken - generated).toBeGreaterThanOrEqual(used.length);
  expect(tokens.counts.generateAccessToken - generated).toBeLessThanOrEqual(used.length + 2);
});

it("gcp-impersonation: with the IAM Credentials API unreachable, one line and exit 1, no stack, no hang", async () => {
  await expectCleanFailure(
    "gcp-impersonation",
    {
      PATH: process.env.PATH ?? "",
      HOME: dir,
      GOOGLE_APPLICATION_CREDENTIALS: externalAccountFile(dir, tokens.tokenUrl, subject),
      GOOGLE_CLOUD_PROJECT: gcp.projectId,
      TARGET_SERVICE_ACCOUNT: target,
      IAM_CREDENTIALS_ENDPOINT: `http://127.0.0.1:${await closedPort()}`,
      SECRET_MANAGER_ENDPOINT: proxy.url,
    },
    /^lister stopped: gcp: .*ECONNREFUSED/m,
    { maxLines: 2 }, // google-auth-library's own notice on the Impersonated client, then our line
  );
});
