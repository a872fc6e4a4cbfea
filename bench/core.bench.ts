/**
 * Core benchmarks (issue 2), all measured in this one run:
 *  1. fresh cache-hit throughput of getSecret vs a Map-plus-await baseline and
 *     Powertools Parameters' cache hit (its SDK client on a stubbed transport);
 *  2. provider calls caused by 1,000 concurrent cold requests for one reference;
 *  3. import time of the package root vs bare `node -e 0`.
 * Run with `npm run bench` (builds first) or `node bench/core.bench.ts`.
 */
import { spawnSync } from "node:child_process";
import { Readable } from "node:stream";
import { SecretsProvider } from "@aws-lambda-powertools/parameters/secrets";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { createSecrets } from "../dist/src/index.js";
import { defineProvider } from "../dist/src/provider/index.js";
import { median, table, throughput } from "./support.ts";

const VALUE = `bench-${Math.random().toString(36).slice(2)}`;

/** An SDK transport that answers GetSecretValue locally and counts calls. */
function stubTransport() {
  const counter = { calls: 0 };
  const handler = {
    counter,
    async handle() {
      counter.calls++;
      await new Promise((r) => setTimeout(r, 1)); // a provider round trip takes time
      const body = JSON.stringify({
        ARN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:bench-AbCdEf",
        Name: "bench",
        SecretString: VALUE,
        VersionId: "v1",
        VersionStages: ["AWSCURRENT"],
      });
      return {
        response: {
          statusCode: 200,
          headers: { "content-type": "application/x-amz-json-1.1" },
          body: Readable.from([Buffer.from(body)]),
        },
      };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
  };
  return handler;
}

function powertools() {
  const transport = stubTransport();
  const client = new SecretsManagerClient({
    region: "us-east-1",
    credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
    requestHandler: transport,
  });
  return { provider: new SecretsProvider({ awsSdkV3Client: client }), transport };
}

function countingProvider() {
  const counter = { calls: 0 };
  const provider = defineProvider({
    name: "mem",
    schemes: { mem: { example: "mem://name" } },
    create: () => ({
      async getSecret() {
        counter.calls++;
        await new Promise((r) => setTimeout(r, 1));
        return { value: VALUE };
      },
    }),
  });
  // The configured provider (spread keeps its brand), plus the count it made.
  return {
    ...provider(),
    get calls() {
      return counter.calls;
    },
  };
}

async function cacheHits() {
  const secrets = createSecrets({ cache: { maxAge: "1h" } });
  process.env.BENCH_SECRET = VALUE;
  await secrets.getSecret("env://BENCH_SECRET");
  const map = new Map<string, string>([["env://BENCH_SECRET", VALUE]]);
  const mapGet = async (k: string) => map.get(k);
  const pt = powertools();
  await pt.provider.get("bench", { maxAge: 3600 });
  const r = await throughput({
    "Map + await (baseline)": () => mapGet("env://BENCH_SECRET"),
    "secrets-loader getSecret": () => secrets.getSecret("env://BENCH_SECRET"),
    "Powertools SecretsProvider.get": () => pt.provider.get("bench", { maxAge: 3600 }),
  });
  const base = r["Map + await (baseline)"] ?? 1;
  const ptOps = r["Powertools SecretsProvider.get"] ?? 1;
  console.log("Fresh cache hit, median of 15 rounds x 200,000 awaited calls:\n");
  table(
    Object.entries(r).map(([name, ops]) => ({
      subject: name,
      "M ops/s": ops / 1e6,
      "vs baseline": ops / base,
      "vs Powertools": ops / ptOps,
    })),
  );
  const ratio = (r["secrets-loader getSecret"] ?? 0) / ptOps;
  console.log(
    `\ntarget: >= 2x Powertools' cache hit; measured ${ratio.toFixed(2)}x: ${ratio >= 2 ? "met" : "NOT MET"}`,
  );
  await secrets.close();
}

async function coldConcurrency() {
  const mem = countingProvider();
  const secrets = createSecrets({ providers: { mem } });
  await Promise.all(Array.from({ length: 1000 }, () => secrets.getSecret("mem://one")));
  const pt = powertools();
  await Promise.all(Array.from({ length: 1000 }, () => pt.provider.get("bench")));
  console.log("\n1,000 concurrent cold requests for one reference:\n");
  table([
    { subject: "secrets-loader getSecret", "provider calls": mem.calls },
    { subject: "Powertools SecretsProvider.get", "provider calls": pt.transport.counter.calls },
  ]);
  console.log(
    `\ntarget: exactly 1 provider call; measured ${mem.calls}: ${mem.calls === 1 ? "met" : "NOT MET"}`,
  );
  await secrets.close();
}

function importTime() {
  const runs = 25;
  const bare: number[] = [];
  const pkg: number[] = [];
  const time = (args: string[]) => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: new URL("..", import.meta.url) });
    if (r.status !== 0) throw new Error(`node ${args.join(" ")} failed: ${r.stderr}`);
    return performance.now() - t0;
  };
  for (let i = 0; i < runs + 2; i++) {
    const a = time(["-e", "0"]);
    const b = time(["--input-type=module", "-e", 'import "secrets-loader";']);
    if (i >= 2) {
      bare.push(a);
      pkg.push(b);
    }
  }
  const mb = median(bare);
  const mp = median(pkg);
  console.log(`\nImport time, median of ${runs} interleaved runs:\n`);
  table([
    { command: "node -e 0", "median ms": mb },
    { command: "node -e 'import \"secrets-loader\"'", "median ms": mp },
    { command: "added by the import", "median ms": mp - mb },
  ]);
  console.log(
    `\ntarget: <= 15 ms added; measured ${(mp - mb).toFixed(1)} ms: ${mp - mb <= 15 ? "met" : "NOT MET"}`,
  );
}

await cacheHits();
await coldConcurrency();
importTime();
