/**
 * AWS provider benchmarks (issue 4), all against moto in one run:
 *  1. cold load() of 50 aws-sm:// references vs 50 sequential Powertools
 *     getSecret calls vs 50 raw GetSecretValue calls (sequential and parallel):
 *     wall time (median of rounds) and provider calls, counted by a recording
 *     proxy on 127.0.0.1 that sees every real request;
 *  2. a warm getSecret vs a warm Powertools getSecret on the same secret;
 *  3. 1,000 concurrent cold getCredentials("aws", { roleArn }) -> AssumeRole calls.
 * Run with `npm run build && node bench/aws.bench.ts`.
 * Starts and stops its own moto through the harness (scripts/emulators/start.mjs).
 */
import { randomUUID } from "node:crypto";
import { SecretsProvider } from "@aws-lambda-powertools/parameters/secrets";
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { awsProvider } from "../dist/providers/aws/index.js";
import { createSecrets } from "../dist/src/index.js";
import { startStandIn } from "../scripts/emulators/start.mjs";
import { startRecordingProxy } from "../test/integration/aws/support/recording-proxy.ts";
import { median, table, throughput } from "./support.ts";

const N = 50;
const ROUNDS = 7;
const ROLE = "arn:aws:iam::123456789012:role/bench";

const moto = await startStandIn("aws");
const proxy = await startRecordingProxy(moto.info.endpoint);
let failed = false;
try {
  const { region, credentials } = moto.info;
  const direct = { region, credentials, endpoint: moto.info.endpoint };
  const viaProxy = { region, credentials, endpoint: proxy.url };
  const prefix = `bench-${randomUUID().slice(0, 8)}`;
  const names = Array.from({ length: N }, (_, i) => `${prefix}/secret-${i}`);
  const seed = new SecretsManagerClient(direct);
  for (const name of names) {
    await seed.send(new CreateSecretCommand({ Name: name, SecretString: `bench-${randomUUID()}` }));
  }
  seed.destroy();

  const spec = Object.fromEntries(names.map((n, i) => [`S${i}`, `aws-sm://${n}`]));
  const newSecrets = () =>
    createSecrets({
      builtins: false,
      providers: { aws: awsProvider({ ...viaProxy, env: {} }) },
      cache: { maxAge: "1h" },
    });

  // One shared SDK client per subject, warmed once, so every subject pays for
  // its requests only (not for loading the SDK or opening the first socket).
  const rawClient = new SecretsManagerClient(viaProxy);
  await rawClient.send(new GetSecretValueCommand({ SecretId: names[0] }));
  const ptClient = new SecretsManagerClient(viaProxy);
  await ptClient.send(new GetSecretValueCommand({ SecretId: names[0] }));
  const warmLoader = newSecrets();
  await warmLoader.getSecret(`aws-sm://${names[0]}`);
  await warmLoader.close();

  const subjects: Record<string, () => Promise<unknown>> = {
    "secrets-loader load() of 50": async () => {
      // A new client per round: a cold cache, as at start-up. The SDK module is already loaded.
      const s = newSecrets();
      await s.load(spec);
      await s.close();
    },
    "Powertools getSecret x50, sequential": async () => {
      const pt = new SecretsProvider({ awsSdkV3Client: ptClient });
      for (const name of names) await pt.get(name);
    },
    "raw GetSecretValue x50, sequential": async () => {
      for (const name of names) await rawClient.send(new GetSecretValueCommand({ SecretId: name }));
    },
    "raw GetSecretValue x50, Promise.all": async () => {
      await Promise.all(
        names.map((name) => rawClient.send(new GetSecretValueCommand({ SecretId: name }))),
      );
    },
  };
  const times: Record<string, number[]> = {};
  const calls: Record<string, number> = {};
  for (let round = 0; round < ROUNDS + 1; round++) {
    for (const [name, fn] of Object.entries(subjects)) {
      proxy.reset();
      const t0 = performance.now();
      await fn();
      const ms = performance.now() - t0;
      if (round === 0) continue; // warm-up round
      times[name] = [...(times[name] ?? []), ms];
      calls[name] = proxy.calls.filter((c) => c.service === "secretsmanager").length;
    }
  }
  const loop = median(times["Powertools getSecret x50, sequential"] ?? []);
  console.log(`Cold reads of ${N} secrets (median of ${ROUNDS} rounds, moto on 127.0.0.1):\n`);
  table(
    Object.keys(subjects).map((name) => {
      const ms = median(times[name] ?? []);
      return {
        subject: name,
        "wall ms": ms,
        "provider calls": calls[name] ?? 0,
        "vs Powertools loop": `${(loop / ms).toFixed(1)}x`,
      };
    }),
  );
  const loadMs = median(times["secrets-loader load() of 50"] ?? []);
  const loadCalls = calls["secrets-loader load() of 50"];
  console.log(
    `\nTarget: 3 calls and >= 5x faster than the sequential loop -> ${loadCalls} calls, ${(loop / loadMs).toFixed(1)}x`,
  );
  if (loadCalls !== 3 || loop / loadMs < 5) failed = true;

  // 2. Warm reads of one secret.
  const warm = newSecrets();
  const ref = `aws-sm://${names[0]}`;
  await warm.getSecret(ref);
  const ptWarm = new SecretsProvider({ awsSdkV3Client: ptClient });
  await ptWarm.get(names[0] as string, { maxAge: 3600 });
  proxy.reset();
  const ops = await throughput(
    {
      "secrets-loader getSecret (warm)": () => warm.getSecret(ref),
      "Powertools getSecret (warm)": () => ptWarm.get(names[0] as string, { maxAge: 3600 }),
    },
    { rounds: 9, callsPerRound: 100_000 },
  );
  console.log("\nWarm reads of one cached secret (median ops/s of 9 rounds x 100,000 calls):\n");
  table(
    Object.entries(ops).map(([subject, n]) => ({
      subject,
      "ops/s": Math.round(n),
      "ns/op": 1e9 / n,
    })),
  );
  // Counted by the proxy over both subjects' rounds (a per-call wrapper would
  // distort what is measured); any call at all fails the run.
  console.log(`\nprovider calls during the warm rounds (both subjects): ${proxy.calls.length}`);
  if (proxy.calls.length !== 0) failed = true;
  await warm.close();

  // 3. 1,000 concurrent cold credential requests for one role.
  const creds = newSecrets();
  proxy.reset();
  const t0 = performance.now();
  const all = await Promise.all(
    Array.from({ length: 1000 }, () =>
      creds.getCredentials("aws", { roleArn: ROLE, sessionName: "bench" }),
    ),
  );
  const credMs = performance.now() - t0;
  const assumeRole = proxy.count("AssumeRole");
  console.log("\n1,000 concurrent cold getCredentials for one role:\n");
  table([
    {
      subject: 'getCredentials("aws", { roleArn }) x1000',
      "wall ms": credMs,
      "AssumeRole calls": assumeRole,
      "distinct sessions": new Set(all.map((c) => c.accessKeyId)).size,
    },
  ]);
  if (assumeRole !== 1) failed = true;
  await creds.close();
  rawClient.destroy();
  ptClient.destroy();
} finally {
  await proxy.close();
  await moto.stop();
}
if (failed) {
  console.error("\nA call-count invariant did not hold (see the tables above).");
  process.exit(1);
}
