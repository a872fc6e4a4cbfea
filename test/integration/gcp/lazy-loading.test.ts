/**
 * google-auth-library loads on first use only, and only when the provider signs in itself;
 * an injected client (an authClient, or the official SecretManagerServiceClient) is never
 * imported by us. Checked in fresh processes running the built package, with a resolution
 * hook that records every Google package loaded, and which of them our own files imported.
 */

import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  type GcpTokenServer,
  gcpClientOptions,
  standIn,
  startGcpTokenServer,
} from "../../support/stand-ins.js";
import { fakeValue, putSecret, uniqueName } from "./support/sm.js";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const DIST = join(ROOT, "dist");
const AUDIENCE =
  "//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/pool/providers/lazy";

const CHILD = `
import { registerHooks } from "node:module";
const loaded = new Set();
const byUs = new Set();
const dist = ${JSON.stringify(pathToFileURL(DIST).href)};
const PKG = /node_modules\\/(google-auth-library|@google-cloud\\/secret-manager|google-gax)\\//;
registerHooks({
  resolve(specifier, context, next) {
    const r = next(specifier, context);
    const m = PKG.exec(r.url);
    if (m) {
      loaded.add(m[1]);
      if (context.parentURL?.startsWith(dist)) byUs.add(m[1]);
    }
    return r;
  },
});
const [scenario] = process.argv.slice(1);
const gcp = JSON.parse(process.env.GCP_INFO);
const { createSecrets } = await import(${JSON.stringify(join(DIST, "src/index.js"))});
const { gcpProvider } = await import(${JSON.stringify(join(DIST, "providers/gcp/index.js"))});
// drongo sends no dataCrc32c: every provider here says so.
let options = { endpoint: gcp.apiEndpoint, projectId: gcp.projectId, endpointSendsChecksum: false };
let official;
if (scenario === "auth-client") {
  options.authClient = { getRequestHeaders: async () => ({ authorization: "Bearer lazy-test" }) };
} else if (scenario === "official") {
  const { SecretManagerServiceClient } = await import("@google-cloud/secret-manager");
  const { OAuth2Client } = await import("google-auth-library");
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: "lazy-test", expiry_date: Date.now() + 3600000 });
  official = new SecretManagerServiceClient({ ...JSON.parse(process.env.GCP_CLIENT_OPTIONS), authClient });
  options = { client: official, projectId: gcp.projectId, endpointSendsChecksum: false };
} else if (scenario === "adc-no-project") {
  options = { endpoint: gcp.apiEndpoint, endpointSendsChecksum: false };
}
const secrets = createSecrets({ providers: { gcp: gcpProvider(options) } });
process.env.LAZY_TEST_VALUE = "x";
let ok;
if (scenario === "adc-no-project") {
  const ref = "gcp-sm://projects/" + gcp.projectId + "/secrets/" + process.env.SECRET_NAME;
  const error = await secrets.getSecret(ref).then(() => "none", (e) => e.code);
  // Give a stray rejection of the library's time to end the process.
  await new Promise((r) => setTimeout(r, 500));
  await secrets.close();
  console.log(JSON.stringify({ error, alive: true }));
  process.exit(0);
}
if (scenario === "env") ok = (await secrets.getSecret("env://LAZY_TEST_VALUE")) === "x";
else {
  const ref = "gcp-sm://projects/" + gcp.projectId + "/secrets/" + process.env.SECRET_NAME;
  ok = (await secrets.getSecret(ref)) === process.env.SECRET_VALUE;
}
await secrets.close();
await official?.close();
console.log(JSON.stringify({ ok, loaded: [...loaded].sort(), byUs: [...byUs].sort() }));
`;

let name = "";
let value = "";
let tokens: GcpTokenServer;
let dir: string;

beforeAll(async () => {
  if (!existsSync(join(DIST, "providers/gcp/index.js"))) {
    throw new Error("this test runs the built package: run `npm run build` first");
  }
  name = uniqueName("lazy");
  value = fakeValue("lazy");
  await putSecret({ url: standIn("gcp").apiEndpoint }, name, [value]);
  dir = mkdtempSync(join(tmpdir(), "gcp-lazy-"));
  const subject = `lazy-subject-${name}`;
  writeFileSync(join(dir, "subject"), subject);
  tokens = await startGcpTokenServer({ audience: AUDIENCE, subjectTokens: [subject] });
});
afterAll(async () => {
  await tokens?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** An external_account ADC file (workload identity federation) against the STS stand-in. */
function adcFile(extra: Record<string, unknown> = {}): string {
  const file = join(dir, `adc-${uniqueName("f")}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      type: "external_account",
      audience: AUDIENCE,
      subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
      token_url: tokens.tokenUrl,
      credential_source: { file: join(dir, "subject") },
      ...extra,
    }),
  );
  return file;
}

async function child(scenario: string, env: Record<string, string> = {}) {
  const gcp = standIn("gcp");
  const r = await run(process.execPath, ["--input-type=module", "-e", CHILD, scenario], {
    cwd: ROOT,
    encoding: "utf8",
    env: {
      PATH: process.env.PATH ?? "",
      HOME: dir,
      GCP_INFO: JSON.stringify(gcp),
      GCP_CLIENT_OPTIONS: JSON.stringify(gcpClientOptions(gcp)),
      SECRET_NAME: name,
      SECRET_VALUE: value,
      ...env,
    },
    timeout: 60_000,
  });
  expect(r.stderr).toBe("");
  return JSON.parse(r.stdout.trim()) as { ok: boolean; loaded: string[]; byUs: string[] };
}

it("an env:// read loads no Google package", async () => {
  expect(await child("env")).toEqual({ ok: true, loaded: [], byUs: [] });
});

it("a read with the caller's own authClient never loads google-auth-library", async () => {
  expect(await child("auth-client")).toEqual({ ok: true, loaded: [], byUs: [] });
});

it("a read through Application Default Credentials loads google-auth-library, on first use", async () => {
  const before = tokens.counts.sts;
  const r = await child("adc", { GOOGLE_APPLICATION_CREDENTIALS: adcFile() });
  expect(r).toEqual({ ok: true, loaded: ["google-auth-library"], byUs: ["google-auth-library"] });
  expect(tokens.counts.sts).toBe(before + 1);
});

it("an injected SecretManagerServiceClient is used as is: we import no Google package", async () => {
  const r = await child("official");
  expect(r.ok).toBe(true);
  expect(r.loaded).toContain("@google-cloud/secret-manager");
  expect(r.byUs).toEqual([]);
});

it("an external-account ADC with no project hint never ends the process", async () => {
  // Left alone, the library would look the project up in Cloud Resource Manager (here: a
  // stand-in that answers 404) and fail the sign-in. The provider hands it the pool's
  // project number instead, so the read succeeds and no rejection is left unhandled.
  const r = await run(process.execPath, ["--input-type=module", "-e", CHILD, "adc-no-project"], {
    cwd: ROOT,
    encoding: "utf8",
    env: {
      PATH: process.env.PATH ?? "",
      HOME: dir,
      GCP_INFO: JSON.stringify(standIn("gcp")),
      SECRET_NAME: name,
      SECRET_VALUE: value,
      GOOGLE_APPLICATION_CREDENTIALS: adcFile({
        cloud_resource_manager_url: `${tokens.url}/v1/projects/`,
      }),
    },
    timeout: 60_000,
  });
  expect(r.stderr).toBe("");
  expect(JSON.parse(r.stdout.trim())).toMatchObject({ error: "none", alive: true });
});
