/**
 * Server states tested on a private OpenBao dev instance this file starts
 * (never the shared one): a rate-limit quota (429) and a sealed server (503)
 * are retried with backoff inside the deadline, then reported as typed
 * THROTTLED and UNAVAILABLE errors (the latter saying it is sealed).
 */

import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { vaultProvider } from "../../../providers/vault/index.js";
import { TOOLS_DIR } from "../../../scripts/emulators/start.mjs";
import { createSecrets, SecretsError } from "../../../src/index.js";
import { api } from "./support/bao.js";

const token = `root-${randomUUID()}`;
let address = "";
let server: ChildProcess | undefined;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  const port = await freePort();
  address = `http://127.0.0.1:${port}`;
  server = spawn(
    join(TOOLS_DIR, "bin", "bao"),
    [
      "server",
      "-dev",
      `-dev-root-token-id=${token}`,
      `-dev-listen-address=127.0.0.1:${port}`,
      "-dev-no-store-token",
    ],
    { stdio: "ignore", env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" } },
  );
  for (let i = 0; i < 100; i++) {
    const up = await fetch(`${address}/v1/sys/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the private OpenBao did not start");
}, 30_000);

afterAll(() => {
  server?.kill("SIGTERM");
});

describe("vault rate limit", () => {
  it("retries 429 with backoff inside the deadline, then reports THROTTLED", async () => {
    await api(
      "POST",
      "secret/data/limited",
      { data: { key: `rl-${randomUUID()}` } },
      token,
      address,
    );
    await api(
      "POST",
      "sys/quotas/rate-limit/tight",
      { path: "secret/data/limited", rate: 1, interval: "30s" },
      token,
      address,
    );
    const secrets = createSecrets({
      builtins: false,
      providers: {
        vault: vaultProvider({
          address,
          auth: { method: "token", token },
          kvVersion: { secret: 2 },
        }),
      },
    });
    try {
      await secrets.getSecret("vault://secret/limited#key"); // the one allowed request
      const spy = vi.spyOn(globalThis, "fetch");
      const err = await secrets.getSecret("vault://secret/limited?version=1#key").then(
        () => undefined,
        (e: unknown) => e as SecretsError,
      );
      const reads = spy.mock.calls.filter((c) => String(c[0]).includes("/v1/secret/data/limited"));
      spy.mockRestore();
      expect(SecretsError.is(err, "THROTTLED")).toBe(true);
      expect(reads.length).toBe(3);
    } finally {
      await secrets.close();
      await api("DELETE", "sys/quotas/rate-limit/tight", undefined, token, address);
    }
  });
});

describe("vault sealed server", () => {
  it("retries 503 inside the deadline, then reports UNAVAILABLE saying it is sealed", async () => {
    await api(
      "POST",
      "secret/data/app",
      { data: { key: `sealed-${randomUUID()}` } },
      token,
      address,
    );
    const secrets = createSecrets({
      builtins: false,
      providers: { vault: vaultProvider({ address, auth: { method: "token", token } }) },
    });
    try {
      await secrets.getSecret("vault://secret/app#key");
      await api("PUT", "sys/seal", {}, token, address);
      secrets.clear();
      const spy = vi.spyOn(globalThis, "fetch");
      const err = await secrets.getSecret("vault://secret/app?version=1#key").then(
        () => undefined,
        (e: unknown) => e as SecretsError,
      );
      const reads = spy.mock.calls.filter((c) => String(c[0]).includes("/v1/secret/data/app"));
      spy.mockRestore();
      expect(SecretsError.is(err, "UNAVAILABLE")).toBe(true);
      expect(err?.message).toMatch(/sealed/);
      expect(reads.length).toBe(3);
    } finally {
      await secrets.close();
    }
  });
});
