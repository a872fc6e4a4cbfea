// The client side of the soak test (soak.test.ts starts it with `node --expose-gc`): 50
// concurrent loops of getSecret / load / invalidate against the AWS provider, which reaches moto
// only through a Toxiproxy proxy whose faults the parent switches every second.
//
// It runs in its own process for two reasons: vitest's workers cannot call gc() (no
// --expose-gc), and the heap and handle figures then measure the client alone, not the test
// runner's module graph or other test files. It imports the built package (dist/), as users do.
//
// The heap is measured twice under the same conditions: loops parked, every call and
// background refresh ended (the deadline has passed), then a forced GC. First after the warm-up
// (faults already switching), then after the timed run. SOAK_HEAP_SPACES=1 prints V8's spaces
// at both points on stderr, to see where a difference lies.
//
// Protocol: env SOAK_CONFIG names a JSON file (proxy url, references and their values,
// durations, seed). stdout gets one JSON line per phase: "boot", "started" (loops running: the
// parent starts the faults), "warm" (the timed run starts), "draining" (the loops stopped: the
// parent heals the proxy), then "done" with the figures.
import { readFileSync } from "node:fs";
import { getHeapSpaceStatistics } from "node:v8";
import { awsProvider } from "../../../dist/providers/aws/index.js";
import { createSecrets, type LoadError, SecretsError } from "../../../dist/src/index.js";

interface SoakConfig {
  endpoint: string;
  /** Reference -> its value (fake, made per run), to check every answer is the right one. */
  values: Record<string, string>;
  warmupMs: number;
  runMs: number;
  seed: number;
  loops: number;
  deadlineMs: number;
  staleWaitMs: number;
  maxBackoffMs: number;
  maxAgeMs: number;
  /** A call that takes longer than this counts as a hang. */
  hangMs: number;
}

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("soak-child needs node --expose-gc");
const cfg = JSON.parse(readFileSync(process.env.SOAK_CONFIG as string, "utf8")) as SoakConfig;
const refs = Object.keys(cfg.values);
const emit = (o: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(o)}\n`);

/** mulberry32: small, fast, and the same sequence for the same seed. */
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

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function countResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) counts[r] = (counts[r] ?? 0) + 1;
  return counts;
}

function heapAfterGc(): number {
  for (let i = 0; i < 4; i++) gc?.();
  if (process.env.SOAK_HEAP_SPACES) {
    const spaces = Object.fromEntries(
      getHeapSpaceStatistics().map((x) => [x.space_name, Math.round(x.space_used_size / 1024)]),
    );
    process.stderr.write(`heap spaces (KB): ${JSON.stringify(spaces)}\n`);
  }
  return process.memoryUsage().heapUsed;
}

const fig = {
  calls: 0,
  values: 0,
  loadsResolved: 0,
  typedErrors: {} as Record<string, number>,
  loadFailureCodes: {} as Record<string, number>,
  untypedErrors: 0,
  wrongValues: 0,
  lostNames: 0,
  hangs: 0,
  staleEvents: 0,
  invalidations: 0,
  maxCallMs: 0,
};
/** Call latencies by whole ms (the last bucket holds everything slower): no growth while measuring. */
const histogram = new Uint32Array(10_001);
let measuring = false;

// stdout and stderr are opened on first use: open them before counting, so they are in both counts.
emit({ phase: "boot" });
process.stderr.write("");
const handlesBefore = countResources();
const secrets = createSecrets({
  providers: {
    aws: awsProvider({
      region: "us-east-1",
      endpoint: cfg.endpoint,
      credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
      maxAttempts: 2,
      env: {},
    }),
  },
  builtins: false,
  timeout: cfg.deadlineMs,
  cache: {
    staleWait: cfg.staleWaitMs,
    maxBackoff: cfg.maxBackoffMs,
    maxAge: cfg.maxAgeMs,
    maxStale: "1h",
  },
  onEvent: (e) => {
    if (e.type === "stale" && measuring) fig.staleEvents++;
  },
});

/** Runs one call with a watchdog; classifies the answer. */
async function call(run: () => Promise<unknown>, check: (v: unknown) => void): Promise<void> {
  const t0 = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<"hang">((r) => {
    timer = setTimeout(() => r("hang"), cfg.hangMs);
  });
  const outcome = await Promise.race([
    run().then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    ),
    hang,
  ]);
  clearTimeout(timer);
  const ms = performance.now() - t0;
  if (!measuring) return;
  fig.calls++;
  const bucket = Math.min(histogram.length - 1, Math.floor(ms));
  histogram[bucket] = (histogram[bucket] as number) + 1;
  if (ms > fig.maxCallMs) fig.maxCallMs = ms;
  if (outcome === "hang") {
    fig.hangs++;
  } else if (outcome.ok) {
    check(outcome.value);
  } else if (SecretsError.is(outcome.error)) {
    const code = outcome.error.code;
    fig.typedErrors[code] = (fig.typedErrors[code] ?? 0) + 1;
    if (code === "LOAD_FAILED") {
      for (const f of (outcome.error as LoadError).failures) {
        fig.loadFailureCodes[f.code] = (fig.loadFailureCodes[f.code] ?? 0) + 1;
      }
    }
  } else {
    fig.untypedErrors++;
  }
}

/** While set, loops park here between calls (to measure the heap at a quiet moment). */
let pause: Promise<void> | undefined;
let parked = 0;

/** Loops stop here; set once the timed run starts. */
let endAt = Number.POSITIVE_INFINITY;

async function loop(index: number): Promise<void> {
  const rnd = prng(cfg.seed + index * 7919);
  const pick = () => refs[Math.floor(rnd() * refs.length)] as string;
  while (performance.now() < endAt) {
    if (pause) {
      parked++;
      await pause;
      parked--;
    }
    const op = rnd();
    if (op < 0.05) {
      secrets.invalidate(pick());
      if (measuring) fig.invalidations++;
    } else if (op < 0.25) {
      const spec: Record<string, string> = {};
      const n = 2 + Math.floor(rnd() * 8);
      for (let i = 0; i < n; i++) spec[`N${i}`] = pick();
      await call(
        () => secrets.load(spec),
        (v) => {
          fig.loadsResolved++;
          const got = v as Record<string, unknown>;
          for (const [name, ref] of Object.entries(spec)) {
            if (!(name in got)) fig.lostNames++;
            else if (got[name] !== cfg.values[ref]) fig.wrongValues++;
          }
        },
      );
    } else {
      const ref = pick();
      await call(
        () => secrets.getSecret(ref),
        (v) => {
          fig.values++;
          if (v !== cfg.values[ref]) fig.wrongValues++;
        },
      );
    }
    await sleep(10 + Math.floor(rnd() * 40));
  }
}

// Every reference cached once while the backend is healthy.
await secrets.load(Object.fromEntries(refs.map((r, i) => [`R${i}`, r])), { timeout: 30_000 });

const loops = Array.from({ length: cfg.loops }, (_, i) => loop(i));
emit({ phase: "started" });

/** Heap after a forced GC once every call and background refresh has had time to end. */
async function quietHeap(): Promise<number> {
  await sleep(cfg.deadlineMs + cfg.staleWaitMs + 500);
  return heapAfterGc();
}

await sleep(cfg.warmupMs);
// The same conditions as the end: loops parked, nothing in flight, then a forced GC.
let resume = () => {};
pause = new Promise<void>((r) => {
  resume = r;
});
while (parked < cfg.loops) await sleep(10);
const heapStart = await quietHeap();
let heapPeak = heapStart;
measuring = true;
endAt = performance.now() + cfg.runMs;
pause = undefined;
resume();
emit({ phase: "warm", heapStart });
const sampler = setInterval(() => {
  heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
}, 200);

await Promise.all(loops);
clearInterval(sampler);
measuring = false;
emit({ phase: "draining" });

const heapEnd = await quietHeap();
await secrets.close();

let handlesAfter: Record<string, number> = {};
let extraHandles: Record<string, number> = {};
for (let i = 0; i < 40; i++) {
  handlesAfter = countResources();
  extraHandles = {};
  for (const [k, n] of Object.entries(handlesAfter)) {
    if (n > (handlesBefore[k] ?? 0)) extraHandles[k] = n - (handlesBefore[k] ?? 0);
  }
  if (Object.keys(extraHandles).length === 0) break;
  await sleep(50);
}

/** The latency below which a share `p` of the calls fall (ms). */
function percentile(p: number): number {
  let seen = 0;
  for (let ms = 0; ms < histogram.length; ms++) {
    seen += histogram[ms] as number;
    if (seen >= p * fig.calls) return ms;
  }
  return histogram.length - 1;
}
emit({
  phase: "done",
  ...fig,
  maxCallMs: Math.round(fig.maxCallMs),
  p50Ms: percentile(0.5),
  p99Ms: percentile(0.99),
  heapStart,
  heapEnd,
  heapPeak,
  handlesBefore,
  handlesAfter,
  extraHandles,
});
