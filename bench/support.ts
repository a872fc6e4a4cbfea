/** Small timing helpers shared by the benchmarks: medians, never single runs. */

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Prints rows as an aligned table. */
export function table(rows: Array<Record<string, string | number>>): void {
  const first = rows[0];
  if (!first) return;
  const cols = Object.keys(first);
  const fmt = (v: string | number) =>
    typeof v === "number" ? v.toLocaleString("en-US", { maximumFractionDigits: 2 }) : v;
  const widths = cols.map((c) =>
    Math.max(c.length, ...rows.map((r) => String(fmt(r[c] ?? "")).length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  console.log(line(cols));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const r of rows) console.log(line(cols.map((c) => String(fmt(r[c] ?? "")))));
}

/**
 * Measures async throughput of several subjects, interleaved round by round
 * so that machine noise hits all of them alike. Returns median ops/s.
 */
export async function throughput(
  subjects: Record<string, () => Promise<unknown>>,
  { rounds = 15, callsPerRound = 200_000, warmup = 2 } = {},
): Promise<Record<string, number>> {
  const samples: Record<string, number[]> = {};
  for (const name of Object.keys(subjects)) samples[name] = [];
  for (let r = 0; r < rounds + warmup; r++) {
    for (const [name, fn] of Object.entries(subjects)) {
      const t0 = performance.now();
      for (let i = 0; i < callsPerRound; i++) await fn();
      const ms = performance.now() - t0;
      if (r >= warmup) samples[name]?.push((callsPerRound / ms) * 1000);
    }
  }
  const out: Record<string, number> = {};
  for (const [name, xs] of Object.entries(samples)) out[name] = median(xs);
  return out;
}
