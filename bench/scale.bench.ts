/**
 * Scale benchmark (issue 26): cost per reference of a cold `load()` of N
 * references, N = 100 … 100,000, with an in-memory provider and with env
 * (`maxEntries` >= N, a fresh client per round so every reference is fetched).
 * Target: per-reference cost within 1.5x of N = 100's up to N = 100,000.
 * Run with `npm run bench scale` (builds first) or `node bench/scale.bench.ts [maxN] [maxRounds]`
 * (both caps are for measuring a quadratic build, where N = 100,000 takes minutes a round).
 */
import { createSecrets } from "../dist/src/index.js";
import { defineProvider } from "../dist/src/provider/index.js";
import { median, table } from "./support.ts";

const SIZES = [100, 1_000, 10_000, 100_000].filter(
  (n) => n <= Number(process.argv[2] ?? Number.POSITIVE_INFINITY),
);
const VALUE = `scale-${Math.random().toString(36).slice(2)}`;

const memory = defineProvider({
  name: "mem",
  schemes: { mem: { example: "mem://name" } },
  create: () => ({
    async getSecret() {
      return { value: VALUE };
    },
  }),
});

type Subject = { name: string; ref: (i: number) => string; providers?: () => object };

const subjects: Subject[] = [
  { name: "in-memory provider", ref: (i) => `mem://s${i}`, providers: () => ({ mem: memory() }) },
  { name: "env", ref: (i) => `env://BENCH_SCALE_${i}` },
];

/**
 * The env subject's variables, set only up to the N being measured: every `process.env` read
 * scans the whole environment, so 100,000 variables would slow every subject at every N.
 */
let envSet = 0;
function setEnv(n: number) {
  for (; envSet < n; envSet++) process.env[`BENCH_SCALE_${envSet}`] = VALUE;
}

/** µs per reference of one cold load() of `n` references, on a fresh client. */
async function once(subject: Subject, n: number): Promise<number> {
  if (!subject.providers) setEnv(n);
  const spec: Record<string, string> = {};
  for (let i = 0; i < n; i++) spec[`k${i}`] = subject.ref(i);
  const secrets = createSecrets({
    cache: { maxEntries: n, maxAge: "1h" },
    ...(subject.providers ? { providers: subject.providers() } : {}),
  } as Parameters<typeof createSecrets>[0]);
  (globalThis as { gc?: () => void }).gc?.();
  const t0 = performance.now();
  const out = await secrets.load(spec, { timeout: "10m" });
  const us = ((performance.now() - t0) * 1000) / n;
  if (Object.keys(out).length !== n) throw new Error(`load() returned the wrong count`);
  await secrets.close();
  return us;
}

/** More rounds for small N (noise), at least 3 for the largest. */
const roundsFor = (n: number) =>
  Math.min(
    Number(process.argv[3] ?? Number.POSITIVE_INFINITY),
    Math.max(3, Math.min(11, Math.round(100_000 / n))),
  );

const rows: Array<Record<string, string | number>> = [];
let worst = 0;
for (const subject of subjects) {
  await once(subject, 1_000); // warm the JIT
  let base = 0;
  for (const n of SIZES) {
    const samples: number[] = [];
    for (let r = 0; r < roundsFor(n); r++) samples.push(await once(subject, n));
    const us = median(samples);
    if (n === SIZES[0]) base = us;
    worst = Math.max(worst, us / base);
    const row = {
      subject: subject.name,
      N: n,
      rounds: samples.length,
      "µs/ref (median)": us,
      "total ms": (us * n) / 1000,
      "vs N=100": us / base,
    };
    rows.push(row);
    // Each row as soon as it is measured: a slow (quadratic) build still shows its small N.
    console.log(JSON.stringify(row));
  }
}
console.log("\nCold load() of N references, cost per reference:\n");
table(rows);
console.log(
  `\ntarget: <= 1.5x N=${SIZES[0]}'s cost per reference up to N=${SIZES.at(-1)}; worst ${worst.toFixed(2)}x: ${worst <= 1.5 ? "met" : "NOT MET"}`,
);
