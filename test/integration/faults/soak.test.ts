// @stand-ins: aws, toxiproxy
// Bounded soak: 200 references, a random fault switched every second on the proxy between the
// AWS SDK and moto (a seeded sequence: the seed is printed, SOAK_SEED=<n> replays it), and 50
// concurrent loops of getSecret / load / invalidate in a child `node --expose-gc` process
// (soak-child.ts explains why). Every answer must be a value, a stale value or a typed error;
// nothing may hang; after warm-up and a forced GC the heap must end within 10% of where it
// started, and active handles must return to their starting count.
//
// SOAK_SECONDS sets the timed run (default 60; e.g. SOAK_SECONDS=15 while developing).
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAULT_TIMINGS } from "../../../src/provider/testing/faults.js";
import { standIn } from "../../support/stand-ins.js";
import { proxyTo, type ToxiProxy } from "../../support/toxiproxy.js";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const CHILD = fileURLToPath(new URL("./soak-child.ts", import.meta.url));
const REFERENCES = 200;
const LOOPS = 50;
const RUN_MS = Number(process.env.SOAK_SECONDS ?? 60) * 1000;
const WARMUP_MS = Math.min(10_000, Math.max(3_000, RUN_MS / 5));
const SEED = process.env.SOAK_SEED ? Number(process.env.SOAK_SEED) : Date.now() % 2 ** 31;
/**
 * A call slower than this counts as a hang: the deadline plus the stale wait, plus two seconds
 * for a 2-core machine under load (one run beside other test suites saw a 1.4 s answer).
 * Without deadlines, every black hole in the run exceeds it; the fault scenarios hold the
 * tight per-fault bounds.
 */
const HANG_MS = FAULT_TIMINGS.deadline + FAULT_TIMINGS.staleWait + 2_000;

const aws = standIn("aws");
let proxy: ToxiProxy;
let dir: string;
const values: Record<string, string> = {};

/** mulberry32, as in the child: the same seed gives the same fault sequence. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The faults the sequence draws from ("none" included: healthy seconds let values refresh). */
const FAULTS: readonly { name: string; apply: (p: ToxiProxy, r: () => number) => Promise<void> }[] =
  [
    { name: "none", apply: async () => {} },
    { name: "latency", apply: (p, r) => p.latency(100 + Math.floor(r() * 900)) },
    { name: "reset", apply: (p) => p.resetPeer() },
    { name: "black hole", apply: (p) => p.blackHole() },
    { name: "trickle", apply: (p, r) => p.bandwidth(1 + Math.floor(r() * 4)) },
    { name: "down", apply: (p) => p.down() },
  ];

beforeAll(async () => {
  if (!existsSync(join(ROOT, "dist/providers/aws/index.js"))) {
    throw new Error("the soak imports dist/: run `npm run build` first (`npm test` does).");
  }
  const prefix = `soak-${randomUUID().slice(0, 8)}`;
  const seed = new SecretsManagerClient({
    region: aws.region,
    credentials: aws.credentials,
    endpoint: aws.endpoint,
  });
  try {
    // Seeded on moto directly, 20 at a time.
    const names = Array.from({ length: REFERENCES }, (_, i) => `${prefix}/r${i}`);
    for (let i = 0; i < names.length; i += 20) {
      await Promise.all(
        names.slice(i, i + 20).map(async (name) => {
          const value = `soak-${randomUUID()}`;
          await seed.send(new CreateSecretCommand({ Name: name, SecretString: value }));
          values[`aws-sm://${name}`] = value;
        }),
      );
    }
  } finally {
    seed.destroy();
  }
  proxy = await proxyTo(aws.endpoint, { resetAfterBytes: 400 });
  dir = mkdtempSync(join(tmpdir(), "sl-soak-"));
}, 120_000);

afterAll(async () => {
  await proxy?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Figures {
  calls: number;
  values: number;
  loadsResolved: number;
  typedErrors: Record<string, number>;
  loadFailureCodes: Record<string, number>;
  untypedErrors: number;
  wrongValues: number;
  lostNames: number;
  hangs: number;
  staleEvents: number;
  invalidations: number;
  maxCallMs: number;
  p50Ms: number;
  p99Ms: number;
  heapStart: number;
  heapEnd: number;
  heapPeak: number;
  handlesBefore: Record<string, number>;
  handlesAfter: Record<string, number>;
  extraHandles: Record<string, number>;
}

describe("soak: 200 references, a random fault every second, 50 loops", () => {
  it(
    `every answer is a value, a stale value or a typed error; no hang, heap and handles return (seed ${SEED})`,
    async () => {
      console.log(`[soak] seed ${SEED} (replay: SOAK_SEED=${SEED}), ${RUN_MS / 1000} s run`);
      const config = join(dir, "config.json");
      writeFileSync(
        config,
        JSON.stringify({
          endpoint: proxy.url,
          values,
          warmupMs: WARMUP_MS,
          runMs: RUN_MS,
          seed: SEED,
          loops: LOOPS,
          deadlineMs: FAULT_TIMINGS.deadline,
          staleWaitMs: FAULT_TIMINGS.staleWait,
          maxBackoffMs: FAULT_TIMINGS.maxBackoff,
          maxAgeMs: 3_000,
          hangMs: HANG_MS,
        }),
        { mode: 0o600 },
      );
      const child = spawn(process.execPath, ["--expose-gc", CHILD], {
        env: { ...process.env, SOAK_CONFIG: config },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (d) => {
        stderr += d;
      });
      const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));

      // The fault sequence: switched every second from the child's start until it drains.
      const rnd = prng(SEED);
      const switched: Record<string, number> = {};
      let faulting = false;
      let faultError: unknown;
      let faultLoop: Promise<void> = Promise.resolve();
      const startFaults = () => {
        faulting = true;
        faultLoop = (async () => {
          while (faulting) {
            const fault = FAULTS[Math.floor(rnd() * FAULTS.length)] as (typeof FAULTS)[number];
            await proxy.heal();
            await fault.apply(proxy, rnd);
            switched[fault.name] = (switched[fault.name] ?? 0) + 1;
            for (let i = 0; i < 10 && faulting; i++) await new Promise((r) => setTimeout(r, 100));
          }
          await proxy.heal();
        })().catch((e: unknown) => {
          faultError = e;
          child.kill("SIGTERM");
        });
      };

      let figures: Figures | undefined;
      for await (const line of createInterface({ input: child.stdout })) {
        const msg = JSON.parse(line) as { phase: string } & Partial<Figures>;
        if (msg.phase === "started") startFaults();
        if (msg.phase === "draining") {
          faulting = false;
          await faultLoop;
        }
        if (msg.phase === "done") figures = msg as unknown as Figures;
      }
      faulting = false;
      await faultLoop;
      const code = await exited;
      if (process.env.SOAK_HEAP_SPACES) console.log(stderr);
      if (faultError) throw faultError;
      expect(code, `soak child failed:\n${stderr.slice(-3000)}`).toBe(0);
      if (!figures) throw new Error(`soak child gave no figures:\n${stderr.slice(-3000)}`);

      const mb = (n: number) => `${(n / 2 ** 20).toFixed(1)} MB`;
      const f = figures;
      console.log(
        [
          `[soak] seed ${SEED}: ${f.calls} answers in ${RUN_MS / 1000} s from ${LOOPS} loops over ${REFERENCES} references`,
          `[soak] faults switched: ${JSON.stringify(switched)}`,
          `[soak] values ${f.values} (getSecret) + ${f.loadsResolved} load() resolved, stale serves ${f.staleEvents}, typed errors ${JSON.stringify(f.typedErrors)} (load failures by code ${JSON.stringify(f.loadFailureCodes)}), invalidations ${f.invalidations}`,
          `[soak] untyped errors ${f.untypedErrors}, wrong values ${f.wrongValues}, lost names ${f.lostNames}, hangs ${f.hangs}; latency p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms, max ${f.maxCallMs} ms`,
          `[soak] heap after warm-up ${mb(f.heapStart)}, at the end ${mb(f.heapEnd)} (${(((f.heapEnd - f.heapStart) / f.heapStart) * 100).toFixed(1)}%), peak ${mb(f.heapPeak)}; handles before ${JSON.stringify(f.handlesBefore)}, after close() ${JSON.stringify(f.handlesAfter)}`,
        ].join("\n"),
      );

      expect(f.calls, "answers counted").toBeGreaterThan(RUN_MS / 10);
      // The faults acted: some answers were stale values, some typed errors.
      expect(f.staleEvents, "stale serves").toBeGreaterThan(0);
      expect(Object.keys(f.typedErrors).length, "kinds of typed errors").toBeGreaterThan(0);
      expect(f.hangs, "calls with no answer within the bound").toBe(0);
      expect(f.maxCallMs, "slowest answer (ms)").toBeLessThanOrEqual(HANG_MS);
      expect(f.untypedErrors, "errors that are not a SecretsError").toBe(0);
      expect(f.wrongValues, "answers with another reference's value").toBe(0);
      expect(f.lostNames, "load() names missing from a resolved result").toBe(0);
      expect(f.heapEnd, "heap at the end vs after warm-up (+10%)").toBeLessThanOrEqual(
        f.heapStart * 1.1,
      );
      expect(f.extraHandles, "handles left after close()").toEqual({});
    },
    RUN_MS + 120_000,
  );
});
