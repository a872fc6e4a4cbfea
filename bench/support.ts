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

/** A Toxiproxy proxy made for one benchmark, through Toxiproxy's HTTP API. */
export interface BenchProxy {
  /** `host:port` the proxy listens on. */
  listen: string;
  /** Adds a latency toxic (downstream, no jitter). */
  latency(ms: number): Promise<void>;
  /** Deletes the proxy. */
  close(): Promise<void>;
}

async function toxiproxyCall(apiUrl: string, method: string, path: string, body?: unknown) {
  const r = await fetch(`${apiUrl}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`toxiproxy ${method} ${path} -> ${r.status} ${text.slice(0, 200)}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/**
 * Creates a Toxiproxy proxy named `name` in front of `upstream` (`host:port`), listening on a
 * free port of Toxiproxy's host. (test/support/toxiproxy.ts is for vitest; benches run plain.)
 */
export async function benchProxy(
  toxiproxy: { apiUrl: string; host: string },
  name: string,
  upstream: string,
): Promise<BenchProxy> {
  const created = await toxiproxyCall(toxiproxy.apiUrl, "POST", "/proxies", {
    name,
    listen: `${toxiproxy.host}:0`,
    upstream,
    enabled: true,
  });
  return {
    listen: String(created.listen),
    latency: async (ms) => {
      await toxiproxyCall(toxiproxy.apiUrl, "POST", `/proxies/${name}/toxics`, {
        name: "latency",
        type: "latency",
        stream: "downstream",
        attributes: { latency: ms, jitter: 0 },
      });
    },
    close: async () => {
      await toxiproxyCall(toxiproxy.apiUrl, "DELETE", `/proxies/${name}`);
    },
  };
}
