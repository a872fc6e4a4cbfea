/**
 * HTTPS to a private OpenBao started in TLS dev mode (its own CA): the
 * provider's requests go through Node's fetch, so the CA is given the Node
 * way (NODE_EXTRA_CA_CERTS, read at start-up: hence child processes running
 * the built package). Without it, the error says the certificate is not trusted.
 * Needs `npm run build` first, as `npm test` does.
 */

import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOOLS_DIR } from "../../../scripts/emulators/start.mjs";
import { assertBuilt } from "../../e2e/cli/support.js";

const run = promisify(execFile);
const root = new URL("../../../", import.meta.url).pathname;
const token = `root-${randomUUID()}`;
const certs = mkdtempSync(join(tmpdir(), "bao-tls-"));
let port = 0;
let server: ChildProcess | undefined;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port: p } = s.address() as { port: number };
      s.close(() => resolve(p));
    });
  });
}

const listening = (p: number) =>
  new Promise<boolean>((resolve) => {
    const c = connect(p, "127.0.0.1", () => {
      c.end();
      resolve(true);
    });
    c.on("error", () => resolve(false));
  });

beforeAll(async () => {
  assertBuilt();
  port = await freePort();
  server = spawn(
    join(TOOLS_DIR, "bin", "bao"),
    [
      "server",
      "-dev",
      "-dev-tls",
      `-dev-tls-cert-dir=${certs}`,
      `-dev-root-token-id=${token}`,
      `-dev-listen-address=127.0.0.1:${port}`,
      "-dev-no-store-token",
    ],
    { stdio: "ignore", env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" } },
  );
  for (let i = 0; i < 150; i++) {
    if (existsSync(join(certs, "vault-ca.pem")) && (await listening(port))) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the private OpenBao (TLS) did not start");
}, 30_000);

afterAll(() => {
  server?.kill("SIGTERM");
  rmSync(certs, { recursive: true, force: true });
});

const CHILD = `
const { createSecrets } = await import(${JSON.stringify(`${root}dist/src/index.js`)});
const { vaultProvider } = await import(${JSON.stringify(`${root}dist/providers/vault/index.js`)});
const secrets = createSecrets({ builtins: false, providers: { vault: vaultProvider() } });
const out = await secrets.describe("vault://secret/app").then(
  (m) => ({ ok: true, kv: m?.details?.kvVersion }),
  (e) => ({ ok: false, code: e.code, message: e.message }),
);
await secrets.close();
console.log(JSON.stringify(out));
`;

async function child(env: Record<string, string>) {
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", CHILD], {
    env: {
      PATH: process.env.PATH ?? "",
      VAULT_ADDR: `https://127.0.0.1:${port}`,
      VAULT_TOKEN: token,
      ...env,
    },
  });
  return JSON.parse(stdout.trim().split("\n").at(-1) as string);
}

describe("vault over HTTPS", () => {
  it("reaches a server whose CA is given with NODE_EXTRA_CA_CERTS", async () => {
    // The metadata of a secret that does not exist yet is NOT_FOUND: the TLS handshake worked.
    const r = await child({ NODE_EXTRA_CA_CERTS: join(certs, "vault-ca.pem") });
    expect(r).toMatchObject({ ok: false, code: "NOT_FOUND" });
  });

  it("without the CA, says the certificate is not trusted and how to fix it", async () => {
    const r = await child({});
    expect(r.code).toBe("INVALID_CONFIG");
    expect(r.message).toMatch(/TLS certificate is not trusted .*NODE_EXTRA_CA_CERTS/);
  });
});
