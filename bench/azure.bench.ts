/**
 * Azure provider benchmarks, against the harness's stand-in in one run:
 *  1. a warm getSecret vs the raw SecretClient.getSecret on the same secret (throughput);
 *  2. cold load() of 49 azure-kv:// references vs a sequential loop of the raw client, on
 *     bare loopback and through a 20 ms Toxiproxy latency toxic (wall time, median of rounds);
 *  3. 1,000 concurrent cold getCredentials("azure", { scopes }) -> token requests;
 *  4. time to first secret in a fresh process: secrets-loader vs the raw clients
 *     (ClientSecretCredential + SecretClient), median of 5 processes each.
 * Run with `npm run build && node bench/azure.bench.ts`. It starts its own stand-in, then
 * runs the measurements in a child process: Node reads NODE_EXTRA_CA_CERTS (the stand-in's
 * per-run CA) only at start-up.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import type { AzureStandIn } from "../scripts/emulators/start.mjs";

const CHILD = process.env.AZURE_BENCH_INFO;

if (!CHILD) {
  const { startStandIn } = await import("../scripts/emulators/start.mjs");
  const azure = await startStandIn("azure");
  const toxiproxy = await startStandIn("toxiproxy");
  try {
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url)], {
      stdio: "inherit",
      env: {
        ...process.env,
        NODE_EXTRA_CA_CERTS: azure.info.caFile,
        AZURE_BENCH_INFO: JSON.stringify(azure.info),
        TOXIPROXY_BENCH_INFO: JSON.stringify(toxiproxy.info),
      },
    });
    process.exitCode = r.status ?? 1;
  } finally {
    await toxiproxy.stop();
    await azure.stop();
  }
} else {
  const azure = JSON.parse(CHILD) as AzureStandIn;
  const { ClientSecretCredential } = await import("@azure/identity");
  const { SecretClient } = await import("@azure/keyvault-secrets");
  const { azureProvider } = await import("../dist/providers/azure/index.js");
  const { createSecrets } = await import("../dist/src/index.js");
  const { benchProxy, median, table, throughput } = await import("./support.ts");

  const N = 50;
  const ROUNDS = 7;
  const credential = new ClientSecretCredential(
    azure.tenantId,
    azure.clientId,
    azure.clientSecret,
    { authorityHost: azure.authorityHost, disableInstanceDiscovery: true },
  );
  const raw = new SecretClient(azure.vaultUrl, credential, {
    disableChallengeResourceVerification: true,
  });
  const prefix = `bench-${randomUUID().slice(0, 8)}`;
  const names = Array.from({ length: N }, (_, i) => `${prefix}-s${i}`);
  for (const n of names) await raw.setSecret(n, `kv_fake_${randomBytes(8).toString("hex")}`);

  const options = {
    tenantId: azure.tenantId,
    clientId: azure.clientId,
    clientSecret: azure.clientSecret,
    authorityHost: azure.authorityHost,
    azureCli: false,
    vaultUrlTemplate: azure.vaultUrl,
    disableChallengeResourceVerification: true,
    disableInstanceDiscovery: true,
  };
  const newSecrets = (extra = {}) =>
    createSecrets({
      builtins: false,
      providers: { azure: azureProvider({ ...options, ...extra }) },
      cache: { maxAge: "1h" },
    });

  // 1. Warm reads.
  const warm = newSecrets();
  const first = `azure-kv://acme-kv/${names[0]}`;
  await warm.getSecret(first);
  await raw.getSecret(names[0] as string);
  const ops = await throughput(
    {
      "secrets.getSecret (warm)": () => warm.getSecret(first),
      "SecretClient.getSecret": () => raw.getSecret(names[0] as string),
    },
    { rounds: 5, callsPerRound: 300, warmup: 1 },
  );
  await warm.close();
  const warmRatio = (ops["secrets.getSecret (warm)"] ?? 0) / (ops["SecretClient.getSecret"] ?? 1);
  console.log("Warm getSecret (ops/s; the SDK row is bounded by its HTTPS round trip):");
  table(Object.entries(ops).map(([subject, o]) => ({ subject, "ops/s": o })));
  console.log(`ratio: ${warmRatio.toFixed(0)}x\n`);

  // 2. Cold load() vs a sequential loop of the raw client (both with a token and TLS warm).
  const toxi = JSON.parse(process.env.TOXIPROXY_BENCH_INFO ?? "{}") as {
    apiUrl: string;
    host: string;
  };
  const tp = await benchProxy(
    toxi,
    `bench-azure-${randomUUID().slice(0, 8)}`,
    new URL(azure.vaultUrl).host,
  );
  // The certificate names 127.0.0.1: the proxy's URL keeps that host.
  const proxy = { url: `https://${tp.listen}`, latency: tp.latency, close: tp.close };
  const compare = async (vaultUrl: string, rounds: number) => {
    const client = new SecretClient(vaultUrl, credential, {
      disableChallengeResourceVerification: true,
    });
    await client.getSecret(names[0] as string);
    const spec = Object.fromEntries(
      names.slice(1).map((n, i) => [`S${i}`, `azure-kv://acme-kv/${n}`]),
    );
    const loadMs: number[] = [];
    const loopMs: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const fresh = newSecrets({ vaultUrlTemplate: vaultUrl });
      await fresh.getSecret(`azure-kv://acme-kv/${names[0]}`); // token and TLS warm, the rest cold
      let t0 = performance.now();
      await fresh.load(spec);
      loadMs.push(performance.now() - t0);
      await fresh.close();
      t0 = performance.now();
      for (const n of names.slice(1)) await client.getSecret(n);
      loopMs.push(performance.now() - t0);
    }
    return { load: median(loadMs), loop: median(loopMs) };
  };
  const bare = await compare(azure.vaultUrl, ROUNDS);
  await proxy.latency(20);
  const slow = await compare(proxy.url, 3);
  await proxy.close();
  console.log(`Cold load() of ${N - 1} vs a sequential SecretClient loop (median ms):`);
  table([
    {
      network: "bare loopback",
      "load()": bare.load,
      loop: bare.loop,
      ratio: bare.loop / bare.load,
    },
    {
      network: "20 ms latency toxic",
      "load()": slow.load,
      loop: slow.loop,
      ratio: slow.loop / slow.load,
    },
  ]);
  console.log("");

  // 3. 1,000 concurrent cold getCredentials -> token requests.
  const stats = async () =>
    (await (
      await fetch(`${azure.control.url}/stats`, {
        headers: { "x-stand-in-control": azure.control.token },
      })
    ).json()) as { tokenRequests: number };
  const before = (await stats()).tokenRequests;
  const c = newSecrets();
  await Promise.all(
    Array.from({ length: 1000 }, () =>
      c.getCredentials("azure", { scopes: "https://vault.azure.net/.default" }),
    ),
  );
  await c.close();
  console.log(
    `1,000 concurrent cold getCredentials: ${(await stats()).tokenRequests - before} token request(s)`,
  );

  // 4. Time to first secret in a fresh process: from the process's own start
  // (performance.now(), whose origin is the process start) to the first value, and the
  // wall time from spawn to exit. Both sides read the same secret with a client secret.
  const root = new URL("../", import.meta.url).href;
  const id = JSON.stringify({ ...options, name: names[0] });
  const ours = `
    const o = ${id};
    const { createSecrets } = await import(${JSON.stringify(`${root}dist/src/index.js`)});
    const { azureProvider } = await import(${JSON.stringify(`${root}dist/providers/azure/index.js`)});
    const { name, ...opts } = o;
    const s = createSecrets({ builtins: false, providers: { azure: azureProvider(opts) } });
    const v = await s.getSecret("azure-kv://acme-kv/" + name);
    const ms = performance.now();
    await s.close();
    process.stdout.write(JSON.stringify({ ms, ok: v.length > 0 }));`;
  const rawScript = `
    const o = ${id};
    const { ClientSecretCredential } = await import("@azure/identity");
    const { SecretClient } = await import("@azure/keyvault-secrets");
    const c = new SecretClient(o.vaultUrlTemplate, new ClientSecretCredential(o.tenantId, o.clientId, o.clientSecret, { authorityHost: o.authorityHost, disableInstanceDiscovery: true }), { disableChallengeResourceVerification: true });
    const v = (await c.getSecret(o.name)).value ?? "";
    const ms = performance.now();
    process.stdout.write(JSON.stringify({ ms, ok: v.length > 0 }));`;
  const fresh = (script: string) => {
    const t0 = performance.now();
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: fileURLToPath(root),
      env: process.env,
      encoding: "utf8",
    });
    const wall = performance.now() - t0;
    const r = JSON.parse(out) as { ms: number; ok: boolean };
    if (!r.ok) throw new Error("the fresh process read no value");
    return { inProcess: r.ms, wall };
  };
  const runs: Record<string, { inProcess: number[]; wall: number[] }> = {
    "secrets-loader (getSecret)": { inProcess: [], wall: [] },
    "raw clients (SecretClient)": { inProcess: [], wall: [] },
  };
  for (let r = 0; r < 5; r++) {
    for (const [subject, script] of [
      ["secrets-loader (getSecret)", ours],
      ["raw clients (SecretClient)", rawScript],
    ] as const) {
      const m = fresh(script);
      runs[subject]?.inProcess.push(m.inProcess);
      runs[subject]?.wall.push(m.wall);
    }
  }
  console.log("\nTime to first secret in a fresh process (median of 5, ms):");
  table(
    Object.entries(runs).map(([subject, m]) => ({
      subject,
      "process start -> value": median(m.inProcess),
      "spawn -> exit": median(m.wall),
    })),
  );
}
