/**
 * Vault provider benchmarks, all against one OpenBao dev server in one run:
 *  1. warm getSecret (cached) vs a raw node-vault read of the same KV v2 path;
 *  2. cold load() of 50 KV v2 secrets vs a sequential node-vault loop, both
 *     through a Toxiproxy 20 ms latency toxic (so each request is a real round
 *     trip), and on bare loopback: wall time (median of rounds) and requests,
 *     counted by a small proxy on 127.0.0.1 that sees every real request;
 *  3. 1,000 concurrent cold getCredentials for one database role -> leases;
 *  4. time to first secret in a fresh process (import, AppRole login, read).
 * Run with `npm run build && node bench/vault.bench.ts`.
 * Starts and stops its own OpenBao (with PostgreSQL) and Toxiproxy through the
 * harness (scripts/emulators/start.mjs).
 */
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { loadavg } from "node:os";
import nodeVault from "node-vault";
import { vaultProvider } from "../dist/providers/vault/index.js";
import { createSecrets } from "../dist/src/index.js";
import { startStandIn } from "../scripts/emulators/start.mjs";
import { type BenchProxy, benchProxy, median, table, throughput } from "./support.ts";

const N = 50;
const ROUNDS = 5;
const LATENCY_MS = 20;
const root = new URL("../", import.meta.url).pathname;

/** A forwarding HTTP proxy that counts the requests it sees, by path. */
async function countingProxy(upstream: string) {
  const up = new URL(upstream);
  const paths: string[] = [];
  const server = createServer((req, res) => {
    paths.push(`${req.method} ${(req.url ?? "").split("?")[0]}`);
    const out = httpRequest(
      { host: up.hostname, port: up.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on("error", () => res.destroy());
    req.pipe(out);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    paths,
    reset: () => {
      paths.length = 0;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Toxiproxy's HTTP API, called directly (a proxy and a latency toxic). */
const verdict = (ok: boolean) => (ok ? "met" : "NOT MET");
let failed = false;

const bao = await startStandIn("vault");
const toxiproxy = await startStandIn("toxiproxy");
const { address, token } = bao.info;
const proxyName = `bench-vault-${randomUUID().slice(0, 8)}`;
let tp: BenchProxy | undefined;
const counters: Array<Awaited<ReturnType<typeof countingProxy>>> = [];
try {
  const api = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${address}/v1/${path}`, {
      method,
      headers: { "X-Vault-Token": token, "Content-Type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!r.ok) throw new Error(`${method} ${path} -> ${r.status}`);
    const text = await r.text();
    return text ? JSON.parse(text) : {};
  };
  const prefix = `bench-${randomUUID().slice(0, 8)}`;
  const paths = Array.from({ length: N }, (_, i) => `${prefix}/secret-${i}`);
  for (const p of paths)
    await api("POST", `secret/data/${p}`, { data: { value: `bench-${randomUUID()}` } });

  // Toxiproxy in front of OpenBao, then a counter in front of each path to it.
  tp = await benchProxy(toxiproxy.info, proxyName, new URL(address).host);
  const slow = await countingProxy(`http://${tp.listen}`);
  const bare = await countingProxy(address);
  counters.push(slow, bare);

  const newSecrets = (addr: string) =>
    createSecrets({
      builtins: false,
      providers: { vault: vaultProvider({ address: addr, auth: { method: "token", token } }) },
      cache: { maxAge: "1h" },
    });
  const spec = Object.fromEntries(paths.map((p, i) => [`S${i}`, `vault://secret/${p}#value`]));

  // 2. load() of 50 vs a sequential node-vault loop, with and without the toxic.
  const batch = async (label: string, counter: typeof slow) => {
    const raw = nodeVault({ apiVersion: "v1", endpoint: counter.url, token });
    await raw.read(`secret/data/${paths[0]}`); // the first socket and module warm-up
    const warm = newSecrets(counter.url);
    await warm.getSecret(`vault://secret/${paths[0]}#value`);
    await warm.close();
    const subjects: Record<string, () => Promise<unknown>> = {
      "secrets-loader load() of 50": async () => {
        const s = newSecrets(counter.url); // a cold cache, as at start-up
        await s.load(spec);
        await s.close();
      },
      "node-vault read x50, sequential": async () => {
        for (const p of paths) await raw.read(`secret/data/${p}`);
      },
    };
    const times: Record<string, number[]> = {};
    const calls: Record<string, number> = {};
    for (let round = 0; round < ROUNDS + 1; round++) {
      for (const [name, fn] of Object.entries(subjects)) {
        counter.reset();
        const t0 = performance.now();
        await fn();
        const ms = performance.now() - t0;
        if (round === 0) continue;
        times[name] = [...(times[name] ?? []), ms];
        calls[name] = counter.paths.length;
      }
    }
    const loadMs = median(times["secrets-loader load() of 50"] ?? []);
    const loopMs = median(times["node-vault read x50, sequential"] ?? []);
    console.log(`\nCold reads of ${N} KV v2 secrets, ${label} (median of ${ROUNDS} rounds):\n`);
    table(
      Object.keys(subjects).map((name) => ({
        subject: name,
        "wall ms": median(times[name] ?? []),
        requests: calls[name] ?? 0,
      })),
    );
    return loopMs / loadMs;
  };
  await tp.latency(LATENCY_MS);
  const slowRatio = await batch(`through a ${LATENCY_MS} ms Toxiproxy latency toxic`, slow);
  const bareRatio = await batch("bare loopback", bare);

  // 1. Warm reads of one secret: the cache vs a real read each time.
  const warm = newSecrets(bare.url);
  const ref = `vault://secret/${paths[0]}#value`;
  await warm.getSecret(ref);
  const raw = nodeVault({ apiVersion: "v1", endpoint: bare.url, token });
  await raw.read(`secret/data/${paths[0]}`);
  // Separate call counts per subject (100,000 cached reads take as long as ~100 HTTP reads).
  const cached = await throughput(
    { "secrets-loader getSecret (warm)": () => warm.getSecret(ref) },
    { rounds: 7, callsPerRound: 100_000 },
  );
  const direct = await throughput(
    { "node-vault read (each a request)": () => raw.read(`secret/data/${paths[0]}`) },
    { rounds: 7, callsPerRound: 300 },
  );
  const ops = { ...cached, ...direct };
  console.log("\nWarm reads of one KV v2 secret, bare loopback (median ops/s of 7 rounds):\n");
  table(
    Object.entries(ops).map(([subject, n]) => ({
      subject,
      "ops/s": Math.round(n),
      "µs/op": 1e6 / n,
    })),
  );
  await warm.close();
  const warmRatio =
    (ops["secrets-loader getSecret (warm)"] ?? 0) / (ops["node-vault read (each a request)"] ?? 1);

  // 3. 1,000 concurrent cold requests for one dynamic credential.
  const role = bao.info.database.role;
  const storm = newSecrets(bare.url);
  bare.reset();
  const t0 = performance.now();
  const all = await Promise.all(
    Array.from({ length: 1000 }, () =>
      storm.getCredentials("vault", { path: `database/creds/${role}` }),
    ),
  );
  const stormMs = performance.now() - t0;
  const leases = bare.paths.filter((p) => p.endsWith(`/v1/database/creds/${role}`)).length;
  console.log("\n1,000 concurrent cold getCredentials for one database role:\n");
  table([
    {
      subject: `getCredentials("vault", { path: "database/creds/${role}" }) x1000`,
      "wall ms": stormMs,
      "leases issued": leases,
      "distinct logins": new Set(all.map((c) => (c as { username: string }).username)).size,
    },
  ]);
  await storm.close();
  if (leases !== 1) failed = true; // a correctness invariant, not a speed target

  // 4. Time to first secret in a fresh process: import, AppRole login, one read.
  const { roleId, secretId } = bao.info.approle;
  const env = { ...process.env, BENCH_ADDR: address, BENCH_ROLE: roleId, BENCH_SECRET: secretId };
  const target = `secret/${paths[0]}`;
  const scripts: Record<string, string> = {
    "secrets-loader (import, login, getSecret)": `
      const { createSecrets } = await import("secrets-loader");
      const { vaultProvider } = await import("secrets-loader/providers/vault");
      const s = createSecrets({ builtins: false, providers: { vault: vaultProvider({ address: process.env.BENCH_ADDR,
        auth: { method: "approle", roleId: process.env.BENCH_ROLE, secretId: process.env.BENCH_SECRET } }) } });
      const v = await s.getSecret("vault://${target}#value");
      const at = performance.now();
      if (!v) process.exit(3);
      console.log(at);
      await s.close();`,
    "node-vault (import, approleLogin, read)": `
      const { default: nodeVault } = await import("node-vault");
      const vault = nodeVault({ apiVersion: "v1", endpoint: process.env.BENCH_ADDR });
      await vault.approleLogin({ role_id: process.env.BENCH_ROLE, secret_id: process.env.BENCH_SECRET });
      const r = await vault.read("secret/data/${paths[0]}");
      const at = performance.now();
      if (!r.data.data.value) process.exit(3);
      console.log(at);`,
  };
  const firstSecret: Record<string, number[]> = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, code] of Object.entries(scripts)) {
      const r = spawnSync(process.execPath, ["--input-type=module", "-e", code], {
        cwd: root,
        env,
        encoding: "utf8",
      });
      if (r.status !== 0) throw new Error(`${name}: exit ${r.status}: ${r.stderr.slice(0, 300)}`);
      firstSecret[name] = [...(firstSecret[name] ?? []), Number(r.stdout.trim())];
    }
  }
  console.log(
    `\nTime to first secret in a fresh process (ms since the process started, median of ${ROUNDS}):\n`,
  );
  table(Object.entries(firstSecret).map(([subject, xs]) => ({ subject, ms: median(xs) })));

  console.log("\nTargets:");
  console.log(
    `  warm reads >= 50x node-vault: ${warmRatio.toFixed(0)}x -> ${verdict(warmRatio >= 50)}`,
  );
  console.log(
    `  load() of 50 >= 5x the sequential loop through ${LATENCY_MS} ms: ${slowRatio.toFixed(1)}x -> ${verdict(slowRatio >= 5)} (bare loopback: ${bareRatio.toFixed(1)}x)`,
  );
  console.log(`  1,000 cold requests -> exactly 1 lease: ${leases} -> ${verdict(leases === 1)}`);
  console.log(
    `  load average (1, 5, 15 min): ${loadavg()
      .map((x) => x.toFixed(2))
      .join(", ")}`,
  );
} finally {
  for (const c of counters) await c.close();
  await tp?.close().catch(() => undefined);
  await toxiproxy.stop();
  await bao.stop();
}
if (failed) {
  console.error("\nThe one-lease invariant did not hold (see the table above).");
  process.exit(1);
}
