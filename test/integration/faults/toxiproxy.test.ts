// @stand-ins: aws, toxiproxy
// Smoke test of the fault-injection harness: each fault of test/support/toxiproxy.ts really
// acts on the official AWS SDK talking to moto through Toxiproxy. Calls are bounded with the
// SDK's own abortSignal, and the SDK makes one attempt, so what is measured is the fault alone.
import { randomUUID } from "node:crypto";
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { standIn } from "../../support/stand-ins.js";
import { proxyTo, type ToxiProxy, ToxiproxyApi } from "../../support/toxiproxy.js";

const aws = standIn("aws");
const name = `faults-smoke/${randomUUID()}`;
let proxy: ToxiProxy;
let midBody: ToxiProxy;
let direct: SecretsManagerClient;
let value: string;

/** An SDK client through `p`: one attempt, so a retry never hides or doubles a fault. */
function through(p: ToxiProxy): SecretsManagerClient {
  return new SecretsManagerClient({
    region: aws.region,
    credentials: aws.credentials,
    endpoint: p.url,
    maxAttempts: 1,
  });
}

interface Outcome {
  ok: boolean;
  ms: number;
  error?: unknown;
}

/** One GetSecretValue, aborted after `limitMs`; never throws. */
async function read(client: SecretsManagerClient, limitMs = 3_000): Promise<Outcome> {
  const t0 = performance.now();
  try {
    const out = await client.send(new GetSecretValueCommand({ SecretId: name }), {
      abortSignal: AbortSignal.timeout(limitMs),
    });
    return { ok: out.SecretString === value, ms: performance.now() - t0 };
  } catch (error) {
    return { ok: false, ms: performance.now() - t0, error };
  }
}

/** Error codes and names along the cause chain, e.g. ["TimeoutError", "ECONNRESET"]. */
function codes(err: unknown): string[] {
  const out: string[] = [];
  for (
    let e = err as { name?: string; code?: string; cause?: unknown } | undefined, i = 0;
    e && i < 6;
    i++
  ) {
    if (e.name) out.push(e.name);
    if (e.code) out.push(e.code);
    e = e.cause as typeof e;
  }
  return out;
}

beforeAll(async () => {
  direct = new SecretsManagerClient({
    region: aws.region,
    credentials: aws.credentials,
    endpoint: aws.endpoint,
  });
  value = `faults-smoke-${randomUUID()}`;
  // Seeded on moto directly, never through the proxy.
  await direct.send(new CreateSecretCommand({ Name: name, SecretString: value }));
  proxy = await proxyTo(aws.endpoint);
  // Moto's answer to GetSecretValue has ~300 bytes of headers: 400 cuts inside the JSON body.
  midBody = await proxyTo(aws.endpoint, { resetAfterBytes: 400 });
});

afterEach(async () => {
  await proxy.heal();
  await midBody.heal();
});

afterAll(async () => {
  direct?.destroy();
  await proxy?.close();
  await midBody?.close();
});

describe("toxiproxy stand-in", () => {
  it("answers on 127.0.0.1 and proxies a healthy call unchanged", async () => {
    expect(new URL(standIn("toxiproxy").apiUrl).hostname).toBe("127.0.0.1");
    expect(await new ToxiproxyApi().version()).toBeTruthy();
    expect(new URL(proxy.url).hostname).toBe("127.0.0.1");
    const client = through(proxy);
    try {
      const r = await read(client);
      expect(r.error).toBeUndefined();
      expect(r.ok).toBe(true);
    } finally {
      client.destroy();
    }
  });

  it("latency(ms) delays the answer by at least ms", async () => {
    const client = through(proxy);
    try {
      await read(client); // open a pooled connection first: latency must act on it too
      await proxy.latency(600);
      const r = await read(client);
      expect(r.ok).toBe(true);
      expect(r.ms).toBeGreaterThanOrEqual(590);
    } finally {
      client.destroy();
    }
  });

  it("resetPeer() resets the connection after some bytes of the answer", async () => {
    const client = through(proxy);
    try {
      await read(client);
      await proxy.resetPeer();
      const r = await read(client);
      expect(r.ok).toBe(false);
      expect(codes(r.error)).toContain("ECONNRESET");
      expect(r.ms).toBeLessThan(2_000);
    } finally {
      client.destroy();
    }
  });

  it("resetPeer() with resetAfterBytes cuts inside the body of a 200 answer", async () => {
    const client = through(midBody);
    try {
      await midBody.resetPeer();
      const r = await read(client);
      expect(r.ok).toBe(false);
      // The SDK reports it while reading the body ("aborted"), still with the reset's code.
      expect(codes(r.error)).toContain("ECONNRESET");
      expect(r.ms).toBeLessThan(2_000);
    } finally {
      client.destroy();
    }
  });

  it("blackHole() accepts and never answers: only the abort signal ends the call", async () => {
    const client = through(proxy);
    try {
      await proxy.blackHole();
      const r = await read(client, 700);
      expect(r.ok).toBe(false);
      expect(r.ms).toBeGreaterThanOrEqual(690);
      expect(r.ms).toBeLessThan(2_000);
      expect(codes(r.error).join(" ")).toMatch(/Abort|Timeout/);
    } finally {
      client.destroy();
    }
  });

  it("bandwidth(1) slows the answer to a trickle", async () => {
    const client = through(proxy);
    try {
      const fast = await read(client);
      await proxy.bandwidth(1);
      const slow = await read(client);
      expect(slow.ok).toBe(true);
      // ~570 bytes at 1 KB/s.
      expect(slow.ms).toBeGreaterThanOrEqual(400);
      expect(slow.ms).toBeGreaterThan(fast.ms + 300);
    } finally {
      client.destroy();
    }
  });

  it("down() refuses connections and up() brings the backend back", async () => {
    const client = through(proxy);
    try {
      await proxy.down();
      const r = await read(client);
      expect(r.ok).toBe(false);
      expect(codes(r.error)).toContain("ECONNREFUSED");
      await proxy.up();
      expect((await read(client)).ok).toBe(true);
    } finally {
      client.destroy();
    }
  });

  it("heal() removes every toxic and re-enables the proxy", async () => {
    await proxy.latency(5_000);
    await proxy.bandwidth(1);
    await proxy.blackHole();
    await proxy.down();
    await proxy.heal();
    expect(await proxy.toxics()).toEqual([]);
    const client = through(proxy);
    try {
      const r = await read(client);
      expect(r.ok).toBe(true);
      expect(r.ms).toBeLessThan(1_000);
    } finally {
      client.destroy();
    }
  });
});
