/**
 * The API-key limiter's throughput on Redis against the same limiter in memory, in one run:
 * sequential awaited calls (one request in flight: bound by the round trip), then 100 in flight
 * (ioredis writes them back to back on one connection: pipelining), then 100 in flight with
 * ioredis's auto-pipelining (one write per event-loop tick). Medians of interleaved rounds.
 * Run with `npm run build && node bench/keys-limits.bench.ts`. Starts and stops its own
 * redis-server through the harness (scripts/emulators/start.mjs).
 */
import { loadavg } from "node:os";
import { Redis } from "ioredis";
import {
  createKeyLimiter,
  type KeyLimiter,
  memoryStore,
  redisStore,
} from "../dist/src/keys/index.js";
import { startStandIn } from "../scripts/emulators/start.mjs";
import { median, table } from "./support.ts";

const ROUNDS = 7;
const KEYS = 1_000;
const IN_FLIGHT = 100;
const keyIds = Array.from({ length: KEYS }, (_, i) => `bench-key-${i}`);
// Never refuses: the bench measures the counting, not the refusals.
const limits = [{ by: "key" as const, points: 1_000_000_000, per: 3_600 }];

/** ops/s of `calls` consumes with `inFlight` at a time. */
async function rate(limiter: KeyLimiter, calls: number, inFlight: number): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < calls) {
      const i = next++;
      const d = await limiter.consume({ keyId: keyIds[i % KEYS] as string });
      if (!d.allowed || d.failedOpen) throw new Error(`unexpected decision ${JSON.stringify(d)}`);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: inFlight }, worker));
  return (calls / (performance.now() - t0)) * 1000;
}

const redis = await startStandIn("redis");
const autoClient = new Redis(redis.info.url, { enableAutoPipelining: true });
try {
  const subjects: Record<string, { limiter: KeyLimiter; calls: number; inFlight: number }> = {
    "memory, 1 in flight": {
      limiter: createKeyLimiter({ limits, store: memoryStore() }),
      calls: 50_000,
      inFlight: 1,
    },
    "memory, 100 in flight": {
      limiter: createKeyLimiter({ limits, store: memoryStore() }),
      calls: 50_000,
      inFlight: IN_FLIGHT,
    },
    "redis, 1 in flight": {
      limiter: createKeyLimiter({ limits, store: redisStore({ url: redis.info.url }) }),
      calls: 3_000,
      inFlight: 1,
    },
    "redis, 100 in flight (pipelined)": {
      limiter: createKeyLimiter({ limits, store: redisStore({ url: redis.info.url }) }),
      calls: 20_000,
      inFlight: IN_FLIGHT,
    },
    "redis, 100 in flight, auto-pipelining": {
      limiter: createKeyLimiter({ limits, store: redisStore({ client: autoClient }) }),
      calls: 20_000,
      inFlight: IN_FLIGHT,
    },
  };
  const samples: Record<string, number[]> = Object.fromEntries(
    Object.keys(subjects).map((k) => [k, []]),
  );
  // Warm-up round (connections, Lua script load, JIT), then measured rounds, interleaved.
  for (let r = 0; r <= ROUNDS; r++) {
    for (const [name, s] of Object.entries(subjects)) {
      const v = await rate(s.limiter, s.calls, s.inFlight);
      if (r > 0) samples[name]?.push(v);
    }
  }
  const med = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
  const mem = med["memory, 100 in flight"] as number;
  table(
    Object.entries(med).map(([name, v]) => ({
      limiter: name,
      "consumes/s (median)": Math.round(v),
      "vs memory, 100 in flight": `${(v / mem).toFixed(3)}x`,
    })),
  );
  console.log(
    `\nredis pipelined / redis sequential: ${((med["redis, 100 in flight (pipelined)"] as number) / (med["redis, 1 in flight"] as number)).toFixed(1)}x; ` +
      `${ROUNDS} rounds, ${KEYS} key ids; load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}`,
  );
} finally {
  autoClient.disconnect();
  await redis.stop();
}
process.exit(0);
