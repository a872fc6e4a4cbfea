/**
 * The metadata server as the source (Cloud Run, GKE, Compute Engine): no credential file,
 * tokens and the default project from `GCE_METADATA_HOST` (the token stand-in plays it).
 * Child processes, so the library's metadata detection starts clean: reads of a short
 * reference resolve the project there, impersonation works over it, and the doctor passes
 * item 10 once a token came through it.
 */

import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { BIN } from "../../e2e/cli/support.js";
import {
  type GcpForwardingProxy,
  type GcpTokenServer,
  standIn,
  startGcpForwardingProxy,
  startGcpTokenServer,
} from "../../support/stand-ins.js";
import { makeProject } from "../../unit/cli/support/project.js";
import { fakeValue, seedSecret } from "./support/identity.js";

const run = promisify(execFile);
const root = new URL("../../../", import.meta.url).pathname;
const gcp = standIn("gcp");
const email = `runtime-${randomUUID().slice(0, 6)}@${gcp.projectId}.iam.gserviceaccount.com`;
const target = `reader-${randomUUID().slice(0, 6)}@acme-prod.iam.gserviceaccount.com`;
let tokens: GcpTokenServer;
let proxy: GcpForwardingProxy;
let dir: string;
let secret: { id: string; name: string };
const value = fakeValue("md");

beforeAll(async () => {
  if (!existsSync(join(root, "dist/providers/gcp/index.js"))) {
    throw new Error("dist/ has no GCP provider: run `npm run build` first (`npm test` does).");
  }
  dir = mkdtempSync(join(tmpdir(), "gcp-metadata-"));
  tokens = await startGcpTokenServer({
    serviceAccounts: [target],
    metadata: { projectId: gcp.projectId, email },
  });
  proxy = await startGcpForwardingProxy(gcp);
  secret = await seedSecret(proxy.url, gcp, value);
});
afterAll(async () => {
  await tokens.close();
  await proxy.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Only the metadata server: no credential file, no gcloud login, no project variable. */
const env = () => ({
  PATH: process.env.PATH ?? "",
  HOME: dir,
  GCE_METADATA_HOST: new URL(tokens.url).host,
});

const CHILD = `
const { createSecrets } = await import("${root}dist/src/index.js");
const { gcpProvider } = await import("${root}dist/providers/gcp/index.js");
const [endpoint, iam, reference, expected, target] = process.argv.slice(1);
const secrets = createSecrets({
  // "strict": the metadata server must be classified short-lived, not merely not refused.
  policy: { requireShortLived: "strict" },
  providers: {
    gcp: gcpProvider({
      endpoint,
      iamCredentialsEndpoint: iam,
      ...(target ? { impersonate: { targetPrincipal: target } } : {}),
    }),
  },
});
const v = await secrets.getSecret(reference);
const id = await (await secrets.provider("gcp")).identity();
await secrets.close();
console.log(JSON.stringify({ read: v === expected, kind: id.kind, shortLived: id.shortLived }));
`;

async function child(target = "") {
  const { stdout } = await run(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      CHILD,
      proxy.url,
      tokens.url,
      `gcp-sm://${secret.id}`,
      value,
      target,
    ],
    { cwd: root, env: env() },
  );
  return JSON.parse(stdout.trim().split("\n").at(-1) as string);
}

it("reads with the metadata server's token, the default project from the metadata server", async () => {
  const before = tokens.counts.metadataToken;
  const seen = proxy.bearerTokens.length;
  expect(await child()).toEqual({ read: true, kind: "metadata-server", shortLived: true });
  expect(tokens.counts.metadataToken).toBeGreaterThan(before);
  const used = proxy.bearerTokens.slice(seen);
  expect(used.length).toBeGreaterThan(0);
  expect(used.every((t) => t.startsWith("ya29.metadata-stand-in-"))).toBe(true);
});

it("impersonates over the metadata server's token", async () => {
  const seen = proxy.bearerTokens.length;
  expect(await child(target)).toEqual({
    read: true,
    kind: "impersonated (source: metadata-server)",
    shortLived: true,
  });
  expect(proxy.bearerTokens.slice(seen).every((t) => t.startsWith("ya29.stand-in-"))).toBe(true);
  expect(tokens.lastGenerate?.email).toBe(target);
});

it("secrets doctor passes item 10 once a token came through the metadata server", async () => {
  const cwd = makeProject({
    "secrets.config.json": JSON.stringify({
      references: { DB: `gcp-sm://${secret.id}` },
      providers: {
        gcp: {
          endpoint: proxy.url,
          iamCredentialsEndpoint: tokens.url,
          impersonate: { targetPrincipal: target },
        },
      },
      policy: { requireShortLived: true },
    }),
  });
  const { stdout } = await run(process.execPath, [BIN, "doctor", "--json"], {
    cwd,
    env: env(),
  }).catch((e: { stdout: string }) => e);
  const doc = JSON.parse(stdout) as {
    checks: { item: number; results: { status: string; evidence: string }[] }[];
  };
  const item = (n: number) =>
    (doc.checks.find((c) => c.item === n)?.results ?? []).map((r) => `${r.status} ${r.evidence}`);
  expect(item(10)).toEqual([`pass gcp: ${target} uses short-lived credentials`]);
  expect(item(11)).toEqual([expect.stringMatching(/^pass DB \(.+\) resolved in/)]);
  expect(stdout).not.toContain(value);
});

it("with no credentials anywhere, a read is a ConfigError that says where to put some", async () => {
  const script = `
    const { createSecrets } = await import("${root}dist/src/index.js");
    const { gcpProvider } = await import("${root}dist/providers/gcp/index.js");
    const secrets = createSecrets({ providers: { gcp: gcpProvider({ endpoint: process.argv[1], projectId: "p1" }) } });
    const err = await secrets.getSecret("gcp-sm://anything").catch((e) => e);
    await secrets.close();
    console.log(JSON.stringify({ code: err.code, message: err.message }));
  `;
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script, proxy.url], {
    cwd: root,
    // Never probe the real metadata address from a test.
    env: { PATH: process.env.PATH ?? "", HOME: dir, METADATA_SERVER_DETECTION: "none" },
  });
  const out = JSON.parse(stdout.trim().split("\n").at(-1) as string);
  expect(out.code).toBe("INVALID_CONFIG");
  expect(out.message).toContain("no credentials found");
  expect(out.message).toContain("GOOGLE_APPLICATION_CREDENTIALS");
  expect(out.message).toContain("gcloud auth application-default login");
});
