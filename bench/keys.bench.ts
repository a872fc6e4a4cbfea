/**
 * API keys benchmarks (issue 14), all measured in this one run:
 *  1. verifyKey throughput with an in-memory lookup, against a bare HMAC-SHA-256 plus
 *     timingSafeEqual loop (target: >= 0.5x the bare loop), records parsed as always; also
 *     with the record shaped as a database returns it (Date, digit strings, JSON text, null),
 *     which takes the parser's converting path;
 *  2. timing: the median time of a verification of an unknown key against a known one
 *     (the dummy-record path; a difference under 1 µs is expected);
 *  3. import time of secrets-loader/keys: timed inside a child against the import of an
 *     empty module (target: <= 15 ms added), and as whole processes against `node -e 0`,
 *     also with a first issue and verify (which load node:crypto, node:zlib and node:net).
 * Run with `npm run bench keys` (builds first) or `node bench/keys.bench.ts` after a build.
 */
import { spawnSync } from "node:child_process";
import { createHmac, createSecretKey, randomBytes, timingSafeEqual } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createKeyring, type KeyRecord } from "../dist/src/keys/index.js";
import { median, table, throughput } from "./support.ts";

const PEPPER = `bench-pepper-${randomBytes(24).toString("base64url")}`;

async function setup() {
  const keys = createKeyring({ pepper: PEPPER });
  const withListener = createKeyring({ pepper: PEPPER, onEvent: () => {} });
  const records = new Map<string, KeyRecord>();
  let known = "";
  // A store of 10,000 keys, so the lookup is a real map probe.
  for (let i = 0; i < 10_000; i++) {
    const { key, record } = await keys.issueKey({ prefix: "bench_live_", scopes: ["read"] });
    records.set(record.hash, record);
    known = key;
  }
  const { key: unknown } = await createKeyring({ pepper: PEPPER }).issueKey({
    prefix: "bench_live_",
    scopes: ["read"],
  });
  const lookup = (hash: string) => records.get(hash);
  // The known key's record as node-postgres returns a row: timestamptz as Date, int8 as a
  // digit string, a JSON text column, nulls.
  const r = records.get([...records.keys()].at(-1) as string) as KeyRecord;
  const row = {
    ...r,
    createdAt: new Date(r.createdAt),
    expiresAt: String(r.expiresAt),
    scopes: JSON.stringify(r.scopes),
    revokedAt: null,
    allowedIps: null,
  };
  const rowLookup = (hash: string) => (hash === r.hash ? row : null);
  return { keys, withListener, lookup, rowLookup, known, unknown };
}

async function verifyThroughput(s: Awaited<ReturnType<typeof setup>>) {
  const pepperKey = createSecretKey(Buffer.from(PEPPER));
  const stored = createHmac("sha256", pepperKey).update(s.known).digest();
  const bare = async () => {
    const digest = createHmac("sha256", pepperKey).update(s.known).digest();
    return timingSafeEqual(digest, stored);
  };
  const r = await throughput(
    {
      "bare HMAC + timingSafeEqual (baseline)": bare,
      "verifyKey, in-memory lookup": () => s.keys.verifyKey(s.known, s.lookup, { scope: "read" }),
      "verifyKey + onEvent listener": () =>
        s.withListener.verifyKey(s.known, s.lookup, { scope: "read", ip: "192.0.2.1" }),
      "verifyKey, record as a database returns it": () =>
        s.keys.verifyKey(s.known, s.rowLookup, { scope: "read" }),
    },
    { rounds: 9, callsPerRound: 40_000 },
  );
  const base = r["bare HMAC + timingSafeEqual (baseline)"] ?? 1;
  console.log("Verify throughput, median of 9 rounds x 40,000 awaited calls:\n");
  table(
    Object.entries(r).map(([name, ops]) => ({
      subject: name,
      "verifies/s": Math.round(ops),
      "vs baseline": ops / base,
    })),
  );
  const ratio = (r["verifyKey, in-memory lookup"] ?? 0) / base;
  console.log(
    `\ntarget: >= 0.5x the bare loop; measured ${ratio.toFixed(2)}x: ${ratio >= 0.5 ? "met" : "NOT MET"}`,
  );
}

async function timing(s: Awaited<ReturnType<typeof setup>>) {
  const samples = 100_000;
  const known: number[] = [];
  const unknown: number[] = [];
  // Interleaved, one of each per step, so that noise and JIT state hit both alike.
  for (let i = 0; i < samples + 5_000; i++) {
    const t0 = process.hrtime.bigint();
    await s.keys.verifyKey(s.known, s.lookup, { scope: "read" });
    const t1 = process.hrtime.bigint();
    await s.keys.verifyKey(s.unknown, s.lookup, { scope: "read" });
    const t2 = process.hrtime.bigint();
    if (i >= 5_000) {
      known.push(Number(t1 - t0));
      unknown.push(Number(t2 - t1));
    }
  }
  const mk = median(known);
  const mu = median(unknown);
  console.log(
    `\nTiming, median of ${samples.toLocaleString("en-US")} interleaved verifications:\n`,
  );
  table([
    { key: "known", "median ns": mk },
    { key: "unknown (dummy record)", "median ns": mu },
    { key: "difference", "median ns": mu - mk },
  ]);
  console.log(
    `\nexpected: |difference| < 1 µs; measured ${(Math.abs(mu - mk) / 1000).toFixed(3)} µs: ${Math.abs(mu - mk) < 1000 ? "met" : "NOT MET"}`,
  );
}

function importTime() {
  const runs = 25;
  const cwd = new URL("..", import.meta.url);
  const empty = join(mkdtempSync(join(tmpdir(), "keys-bench-")), "empty.mjs");
  writeFileSync(empty, "export {};\n");
  const spawnMs = (args: string[]) => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { cwd });
    if (r.status !== 0) throw new Error(`node ${args.join(" ")} failed: ${r.stderr}`);
    return performance.now() - t0;
  };
  // The import alone, timed inside the child (less exposed to process start-up noise).
  const importMs = (spec: string) => {
    const body = `const t = performance.now(); await import(${JSON.stringify(spec)}); process.stdout.write(String(performance.now() - t));`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", body], {
      cwd,
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(`import ${spec} failed: ${r.stderr}`);
    return Number(r.stdout);
  };
  // Import, then create a keyring, issue and verify once: the builtins load on first use.
  const firstUse = `import { createKeyring } from "secrets-loader/keys";
    const k = createKeyring({ pepper: "${"x".repeat(32)}" });
    const { key, record } = await k.issueKey({ prefix: "bench_", scopes: [], allowedIps: ["10.0.0.0/8"] });
    await k.verifyKey(key, () => record, { ip: "10.0.0.1" });`;
  const samples: Record<string, number[]> = { bare: [], keys: [], used: [], empty: [], inKeys: [] };
  for (let i = 0; i < runs + 2; i++) {
    const row = {
      bare: spawnMs(["-e", "0"]),
      keys: spawnMs(["--input-type=module", "-e", 'import "secrets-loader/keys";']),
      used: spawnMs(["--input-type=module", "-e", firstUse]),
      empty: importMs(pathToFileURL(empty).href),
      inKeys: importMs("secrets-loader/keys"),
    };
    if (i >= 2) for (const [k, v] of Object.entries(row)) samples[k]?.push(v);
  }
  const m = Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, median(xs)])) as Record<
    string,
    number
  >;
  const bare = m.bare ?? 0;
  const added = (m.inKeys ?? 0) - (m.empty ?? 0);
  console.log(`\nImport time, median of ${runs} interleaved runs:\n`);
  table([
    { measure: "node -e 0", "median ms": bare },
    { measure: "node -e 'import \"secrets-loader/keys\"'", "median ms": m.keys ?? 0 },
    { measure: "  difference (process start-up included)", "median ms": (m.keys ?? 0) - bare },
    { measure: "import() of an empty module, timed in the child", "median ms": m.empty ?? 0 },
    { measure: "import() of secrets-loader/keys, timed in the child", "median ms": m.inKeys ?? 0 },
    { measure: "  added by the keys entry", "median ms": added },
    { measure: "import + createKeyring + issue + verify (IP allowlist)", "median ms": m.used ?? 0 },
    {
      measure: "  difference to node -e 0 (loads crypto, zlib, net)",
      "median ms": (m.used ?? 0) - bare,
    },
  ]);
  console.log(
    `\ntarget: <= 15 ms added by the import; measured ${added.toFixed(1)} ms: ${added <= 15 ? "met" : "NOT MET"}`,
  );
}

const state = await setup();
await verifyThroughput(state);
await timing(state);
importTime();
