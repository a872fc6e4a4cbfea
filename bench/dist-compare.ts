/**
 * Compares two builds of the package in one run: the import time of the
 * root and the fresh cache-hit throughput of getSecret, interleaved so both
 * see the same machine load. For refactors: build the base (for example
 * main's `dist/`) elsewhere, then
 *   node bench/dist-compare.ts /path/to/base/dist dist
 */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { median, table } from "./support.ts";

const [baseDir, headDir] = process.argv.slice(2).map((d) => resolve(d));
if (!baseDir || !headDir) {
  console.error("usage: node bench/dist-compare.ts <base dist> <head dist>");
  process.exit(2);
}

function importMs(dist: string): number {
  const url = pathToFileURL(`${dist}/src/index.js`).href;
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [
    "--input-type=module",
    "-e",
    `await import(${JSON.stringify(url)});`,
  ]);
  if (r.status !== 0) throw new Error(`import of ${url} failed: ${r.stderr}`);
  return performance.now() - t0;
}

/** Calls per second of awaited getSecret() fresh cache hits, in a child process of its own. */
function hitRate(dist: string): number {
  const url = pathToFileURL(`${dist}/src/index.js`).href;
  const script = `
    const { createSecrets } = await import(${JSON.stringify(url)});
    process.env.SL_BENCH_KEY = "bench-" + Math.random().toString(36).slice(2);
    const s = createSecrets();
    await s.getSecret("env://SL_BENCH_KEY");
    const n = 200000;
    for (let i = 0; i < n; i++) await s.getSecret("env://SL_BENCH_KEY");
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await s.getSecret("env://SL_BENCH_KEY");
    process.stdout.write(String(n / ((performance.now() - t0) / 1000)));
    await s.close();
  `;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`cache-hit run failed: ${r.stderr}`);
  return Number(r.stdout);
}

const runs = 21;
const imports = { base: [] as number[], head: [] as number[] };
const hits = { base: [] as number[], head: [] as number[] };
for (let i = 0; i < runs + 2; i++) {
  const b = importMs(baseDir);
  const h = importMs(headDir);
  if (i >= 2) {
    imports.base.push(b);
    imports.head.push(h);
  }
}
const hitRuns = 15;
for (let i = 0; i < hitRuns; i++) {
  hits.base.push(hitRate(baseDir));
  hits.head.push(hitRate(headDir));
}
// On a shared machine the best run is the one least disturbed by others: shown beside the median.
const row = (build: string, im: number[], h: number[]) => ({
  build,
  "import ms (median)": median(im),
  "import ms (best)": Math.min(...im),
  "cache hits/s (median)": Math.round(median(h)),
  "cache hits/s (best)": Math.round(Math.max(...h)),
});
console.log(
  `Import of the root: ${runs} interleaved runs; cache hits: ${hitRuns} interleaved runs x 200,000 awaited calls.\n`,
);
table([row(baseDir, imports.base, hits.base), row(headDir, imports.head, hits.head)]);
