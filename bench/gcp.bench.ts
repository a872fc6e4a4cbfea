/**
 * GCP provider benchmarks (Secret Manager side), against the harness's drongo in one run:
 *  1. time to first secret in a fresh process (import, sign in, read): secrets-loader vs the
 *     official SecretManagerServiceClient (REST fallback), both through Application Default
 *     Credentials (a workload identity federation file against the STS stand-in); process
 *     wall time minus a bare `node -e 0` of the same run, median of 7 each;
 *  2. a warm getSecret vs raw reads of the official client (throughput);
 *  3. load() of 50 gcp-sm:// references vs a sequential loop of the official client, both
 *     through a 20 ms Toxiproxy latency toxic, and on bare loopback (median of rounds).
 *  (the cold token storm, 1,000 concurrent cold getCredentials("gcp"), is in
 *  bench/gcp-tokens.bench.ts: it needs only the token stand-in.)
 * drongo serves one request at a time (a global lock), and on a kept-alive connection each
 * of its answers waits ~40 ms (it writes headers and body in two small segments, so Nagle
 * on its side meets delayed ACK on ours; a fresh connection answers in ~3 ms). Both clients
 * keep connections alive, as they should against the real service, so (2) and (3) measure
 * drongo more than either client. Its listen backlog is 5 (Python's default): a burst of
 * 16 new connections loses SYNs and waits 1 s for their retransmit, so (3) opens the
 * connections of both clients before it times the reads. Run with `npm run build && node bench/gcp.bench.ts`.
 */
import { execFile } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SecretManagerServiceClient } from "@google-cloud/secret-manager";
import { OAuth2Client } from "google-auth-library";
import { gcpProvider } from "../dist/providers/gcp/index.js";
import { createSecrets } from "../dist/src/index.js";
import { startStandIn } from "../scripts/emulators/start.mjs";
import { startGcpTokenServer } from "../test/support/gcp/token-server.ts";
import { benchProxy, median, table, throughput } from "./support.ts";

const N = 50;
const AUDIENCE =
  "//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/pool/providers/bench";

const gcp = await startStandIn("gcp");
const toxiproxy = await startStandIn("toxiproxy");
const subject = `bench-subject-${randomUUID()}`;
const tokens = await startGcpTokenServer({ audience: AUDIENCE, subjectTokens: [subject] });
const dir = mkdtempSync(join(tmpdir(), "gcp-bench-"));
try {
  const { projectId, apiEndpoint, host, port } = gcp.info;
  const fixed = () => {
    const c = new OAuth2Client();
    c.setCredentials({
      access_token: `bench-${randomUUID()}`,
      expiry_date: Date.now() + 3_600_000,
    });
    return c;
  };
  const official = (p: number) =>
    new SecretManagerServiceClient({
      apiEndpoint: host,
      port: p,
      protocol: "http",
      fallback: true,
      projectId,
      authClient: fixed(),
    });

  // Seed N secrets.
  const prefix = `bench-${randomUUID().slice(0, 8)}`;
  const names = Array.from({ length: N }, (_, i) => `${prefix}-s${i}`);
  const seed = async (path: string, body: unknown) => {
    const r = await fetch(`${apiEndpoint}/v1/projects/${projectId}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!r.ok) throw new Error(`seed ${path}: HTTP ${r.status}`);
  };
  for (const n of names) {
    await seed(`/secrets?secretId=${n}`, { replication: { automatic: {} } });
    await seed(`/secrets/${n}:addVersion`, {
      payload: {
        data: Buffer.from(`gsm_fake_${randomBytes(8).toString("hex")}`).toString("base64"),
      },
    });
  }
  const ref = (n: string) => `gcp-sm://${n}`;
  const fullName = (n: string) => `projects/${projectId}/secrets/${n}/versions/latest`;
  const newSecrets = (endpoint: string, concurrency?: number) =>
    createSecrets({
      builtins: false,
      providers: {
        gcp: gcpProvider({
          endpoint,
          // drongo sends no dataCrc32c.
          endpointSendsChecksum: false,
          projectId,
          authClient: fixed(),
          ...(concurrency ? { concurrency } : {}),
        }),
      },
      cache: { maxAge: "1h" },
    });

  // 1. Time to first secret in a fresh process.
  const adc = join(dir, "adc.json");
  writeFileSync(join(dir, "subject"), subject);
  writeFileSync(
    adc,
    JSON.stringify({
      type: "external_account",
      audience: AUDIENCE,
      subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
      token_url: tokens.tokenUrl,
      credential_source: { file: join(dir, "subject") },
    }),
  );
  const root = new URL("../", import.meta.url).href;
  const ours = `
    const { createSecrets } = await import(${JSON.stringify(`${root}dist/src/index.js`)});
    const { gcpProvider } = await import(${JSON.stringify(`${root}dist/providers/gcp/index.js`)});
    const s = createSecrets({ builtins: false, providers: { gcp: gcpProvider({ endpoint: process.env.SM_ENDPOINT, endpointSendsChecksum: false }) } });
    const v = await s.getSecret("gcp-sm://" + process.env.SECRET_NAME);
    await s.close();
    if (!v) process.exit(2);`;
  const theirs = `
    const { SecretManagerServiceClient } = await import("@google-cloud/secret-manager");
    const c = new SecretManagerServiceClient({ apiEndpoint: process.env.SM_HOST, port: Number(process.env.SM_PORT), protocol: "http", fallback: true });
    const [v] = await c.accessSecretVersion({ name: "projects/" + process.env.GOOGLE_CLOUD_PROJECT + "/secrets/" + process.env.SECRET_NAME + "/versions/latest" });
    await c.close();
    if (!v.payload?.data?.length) process.exit(2);`;
  const env = {
    PATH: process.env.PATH ?? "",
    HOME: dir,
    GOOGLE_APPLICATION_CREDENTIALS: adc,
    GOOGLE_CLOUD_PROJECT: projectId,
    SM_ENDPOINT: apiEndpoint,
    SM_HOST: host,
    SM_PORT: String(port),
    SECRET_NAME: names[0] as string,
  };
  // Async spawns: the STS stand-in answers from this process, so it must not block.
  const wallAsync = (args: string[]) =>
    new Promise<number>((resolve, reject) => {
      const t0 = performance.now();
      execFile(process.execPath, args, { cwd: fileURLToPath(root), env }, (err) =>
        err ? reject(err) : resolve(performance.now() - t0),
      );
    });
  await wallAsync(["-e", "0"]); // warm the file cache
  const samples: Record<string, number[]> = { bare: [], ours: [], official: [] };
  for (let r = 0; r < 7; r++) {
    samples.bare?.push(await wallAsync(["-e", "0"]));
    samples.ours?.push(await wallAsync(["--input-type=module", "-e", ours]));
    samples.official?.push(await wallAsync(["--input-type=module", "-e", theirs]));
  }
  const bare = median(samples.bare ?? []);
  const oursMs = median(samples.ours ?? []) - bare;
  const officialMs = median(samples.official ?? []) - bare;
  console.log(
    "Time to first secret in a fresh process (import, ADC sign-in, read; median of 7, minus node -e 0):",
  );
  table([
    { subject: "node -e 0", "wall ms": bare, "minus bare": 0 },
    { subject: "secrets-loader (getSecret)", "wall ms": oursMs + bare, "minus bare": oursMs },
    {
      subject: "official client (REST fallback)",
      "wall ms": officialMs + bare,
      "minus bare": officialMs,
    },
  ]);
  console.log(`ratio: ${(officialMs / oursMs).toFixed(1)}x (target >= 2x)\n`);

  // 2. Warm reads.
  const warm = newSecrets(apiEndpoint);
  const raw = official(port);
  const first = ref(names[0] as string);
  await warm.getSecret(first);
  await raw.accessSecretVersion({ name: fullName(names[0] as string) });
  const ops = await throughput(
    {
      "secrets.getSecret (warm)": () => warm.getSecret(first),
      "official accessSecretVersion": () =>
        raw.accessSecretVersion({ name: fullName(names[0] as string) }),
    },
    { rounds: 5, callsPerRound: 200, warmup: 1 },
  );
  await warm.close();
  const warmRatio =
    (ops["secrets.getSecret (warm)"] ?? 0) / (ops["official accessSecretVersion"] ?? 1);
  console.log("Warm getSecret vs raw reads (ops/s; the raw row is bounded by a round trip):");
  table(Object.entries(ops).map(([subject, o]) => ({ subject, "ops/s": o })));
  console.log(`ratio: ${warmRatio.toFixed(0)}x (target >= 50x)\n`);

  // 3. Bulk load() vs a sequential loop of the official client, through Toxiproxy.
  const tp = await benchProxy(
    toxiproxy.info as { apiUrl: string; host: string },
    `bench-gcp-${randomUUID().slice(0, 8)}`,
    `${host}:${port}`,
  );
  const proxyPort = Number(tp.listen.split(":").at(-1));
  const spec = Object.fromEntries(names.map((n, i) => [`S${i}`, ref(n)]));
  const compare = async (p: number, rounds: number) => {
    const client = official(p);
    await client.accessSecretVersion({ name: fullName(names[0] as string) }); // warm
    const loadMs: number[] = [];
    const loopMs: number[] = [];
    for (let r = 0; r < rounds; r++) {
      // Both clients warm (connections open), the values cold: drongo listens with a
      // backlog of 5, so a burst of new connections waits for SYN retransmits (1 s).
      const fresh = newSecrets(`http://${host}:${p}`);
      await fresh.load(spec);
      fresh.clear();
      let t0 = performance.now();
      await fresh.load(spec);
      loadMs.push(performance.now() - t0);
      await fresh.close();
      t0 = performance.now();
      for (const n of names) await client.accessSecretVersion({ name: fullName(n) });
      loopMs.push(performance.now() - t0);
    }
    await client.close();
    return { load: median(loadMs), loop: median(loopMs) };
  };
  const bareRun = await compare(port, 7);
  await tp.latency(20);
  const slow = await compare(proxyPort, 3);
  await tp.close();
  console.log(`load() of ${N} vs a sequential official-client loop (median ms; concurrency 16):`);
  table([
    {
      network: "bare loopback",
      "load()": bareRun.load,
      loop: bareRun.loop,
      ratio: bareRun.loop / bareRun.load,
    },
    {
      network: "20 ms latency toxic",
      "load()": slow.load,
      loop: slow.loop,
      ratio: slow.loop / slow.load,
    },
  ]);
  console.log("(target with the toxic: >= 5x)\n");
  await raw.close();
} finally {
  await tokens.close();
  rmSync(dir, { recursive: true, force: true });
  await toxiproxy.stop();
  await gcp.stop();
}
