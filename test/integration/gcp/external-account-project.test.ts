/**
 * An external_account ADC file with no project hint: google-auth-library would look the
 * project up in Cloud Resource Manager (from the pool's project number), and a failure
 * there ends the process with an unhandled rejection. The provider always hands the
 * library a project, so the process reads its secret and exits cleanly; it installs no
 * process-wide handler. Run in a child process, through the built package.
 */

import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
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
const subject = `subject-${randomUUID()}`;
let tokens: GcpTokenServer;
let proxy: GcpForwardingProxy;
let dir: string;

beforeAll(async () => {
  if (!existsSync(join(root, "dist/providers/gcp/index.js"))) {
    throw new Error("dist/ has no GCP provider: run `npm run build` first (`npm test` does).");
  }
  dir = mkdtempSync(join(tmpdir(), "gcp-external-"));
  tokens = await startGcpTokenServer({ audience: AUDIENCE, subjectTokens: [subject] });
  proxy = await startGcpForwardingProxy(gcp);
});
afterAll(async () => {
  await tokens.close();
  await proxy.close();
  rmSync(dir, { recursive: true, force: true });
});

const CHILD = `
import { createSecrets } from "${root}dist/src/index.js";
import { gcpProvider } from "${root}dist/providers/gcp/index.js";
const secrets = createSecrets({
  providers: { gcp: gcpProvider({ endpoint: process.env.SM_ENDPOINT }) },
});
const value = await secrets.getSecret(process.env.SM_REFERENCE);
console.log(value === process.env.EXPECTED ? "read ok" : "read a different value");
// Give a stray rejection from the library time to surface before exiting.
await new Promise((r) => setTimeout(r, 500));
await secrets.close();
console.log("exit clean, handlers: " + process.listenerCount("unhandledRejection"));
`;

it("reads with an external_account file and no project hint; no unhandled rejection", async () => {
  const value = fakeValue("fed");
  const { name } = await seedSecret(proxy.url, gcp, value);
  const file = externalAccountFile(dir, tokens.tokenUrl, subject, {
    // Where the library would ask for the project: nothing listens there.
    cloud_resource_manager_url: "http://127.0.0.1:9/v1/projects/",
  });
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", CHILD], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: dir, // no gcloud file, no GOOGLE_CLOUD_PROJECT
      GOOGLE_APPLICATION_CREDENTIALS: file,
      SM_ENDPOINT: proxy.url,
      SM_REFERENCE: `gcp-sm://${name}`,
      EXPECTED: value,
    },
  });
  expect(stdout).toContain("read ok");
  expect(stdout).toContain("exit clean, handlers: 0");
  expect(stdout).not.toContain(value);
  expect(tokens.counts.sts).toBeGreaterThan(0);
});
