/**
 * google-auth-library is imported on first use only: not by importing the provider or
 * creating a client, not at all with an injected `authClient` (and no impersonation), and
 * once a read needs credentials of the provider's own. Child processes run the built
 * package with a resolution hook that records every module loaded.
 */

import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type GcpForwardingProxy,
  standIn,
  startGcpForwardingProxy,
} from "../../support/stand-ins.js";
import { fakeValue, seedSecret, serviceAccountFile } from "./support/identity.js";

const run = promisify(execFile);
const root = new URL("../../../", import.meta.url).pathname;
const gcp = standIn("gcp");
let proxy: GcpForwardingProxy;
let dir: string;
let name: string;

const CHILD = `
import { registerHooks } from "node:module";
const loaded = new Set();
registerHooks({
  resolve(specifier, context, next) {
    const r = next(specifier, context);
    const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(r.url);
    if (m) loaded.add(m[1]);
    return r;
  },
});
const [scenario, endpoint, reference] = process.argv.slice(1); // node -e CODE args…
const { createSecrets } = await import("${root}dist/src/index.js");
const { gcpProvider } = await import("${root}dist/providers/gcp/index.js");
const authClient = { getRequestHeaders: async () => ({ authorization: "Bearer lazy-test" }) };
const options = scenario === "injected" ? { endpoint, authClient } : { endpoint };
const secrets = createSecrets({ builtins: false, providers: { gcp: gcpProvider(options) } });
const before = loaded.has("google-auth-library");
if (scenario !== "none") await secrets.getSecret(reference);
await secrets.close();
console.log(JSON.stringify({ before, after: loaded.has("google-auth-library") }));
`;

beforeAll(async () => {
  if (!existsSync(join(root, "dist/providers/gcp/index.js"))) {
    throw new Error("dist/ has no GCP provider: run `npm run build` first (`npm test` does).");
  }
  dir = mkdtempSync(join(tmpdir(), "gcp-lazy-"));
  proxy = await startGcpForwardingProxy(gcp);
  name = (await seedSecret(proxy.url, gcp, fakeValue("lazy"))).name;
});
afterAll(async () => {
  await proxy.close();
  rmSync(dir, { recursive: true, force: true });
});

async function loaded(scenario: "none" | "injected" | "adc") {
  const { stdout } = await run(
    process.execPath,
    ["--input-type=module", "-e", CHILD, scenario, proxy.url, `gcp-sm://${name}`],
    {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: dir,
        GOOGLE_APPLICATION_CREDENTIALS: serviceAccountFile(dir, gcp.projectId),
      },
    },
  );
  return JSON.parse(stdout.trim().split("\n").at(-1) as string) as {
    before: boolean;
    after: boolean;
  };
}

describe("lazy loading of google-auth-library", () => {
  it("is not imported with the provider or the client", async () => {
    expect(await loaded("none")).toEqual({ before: false, after: false });
  });
  it("is never imported with an injected authClient", async () => {
    expect(await loaded("injected")).toEqual({ before: false, after: false });
  });
  it("is imported by the first read that needs credentials of the provider's own", async () => {
    expect(await loaded("adc")).toEqual({ before: false, after: true });
  });
});
