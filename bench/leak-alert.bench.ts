/**
 * Leak alerts (issue 28): the time from an alert arriving to its keys being revoked, for alerts
 * of 1 and 1,000 live keys, through `handleLeakAlert` (signature check over the raw body,
 * parse, prefix and checksum, HMAC and lookup, revoke, feedback). Each round issues fresh keys
 * (a key is revoked once: repeated alerts are answered from memory), in a store of 10,000
 * records; the lookup and revoke are an in-memory Map, then a Map behind 1 ms of latency (a
 * database round trip), where the handler's 16 concurrent lookups show.
 * Run with `npm run bench leak-alert` (builds first) or `node bench/leak-alert.bench.ts` after a build.
 */
import { generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { createKeyring, handleLeakAlert, type KeyRecord } from "../dist/src/keys/index.js";
import { median, table } from "./support.ts";

const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
const pem = publicKey.export({ type: "spki", format: "pem" }) as string;
const keyring = createKeyring({ pepper: `bench-pepper-${randomBytes(24).toString("base64url")}` });
const records = new Map<string, KeyRecord>();
for (let i = 0; i < 10_000; i++) {
  const { record } = await keyring.issueKey({ prefix: "bench_live_", scopes: ["read"] });
  records.set(record.hash, record);
}

function handlerWith(latencyMs: number) {
  let revoked = 0;
  const handle = handleLeakAlert({
    keyring,
    lookup: async (hash) => {
      if (latencyMs > 0) await sleep(latencyMs);
      return records.get(hash);
    },
    revoke: async (record) => {
      if (latencyMs > 0) await sleep(latencyMs);
      records.set(record.hash, record);
      revoked++;
    },
    github: { keys: [{ key_identifier: "bench", key: pem }] },
    rateLimit: false,
    maxBodyBytes: 16 * 1024 * 1024,
  });
  return { handle, revoked: () => revoked };
}

async function alertOf(size: number) {
  const tokens: string[] = [];
  for (let i = 0; i < size; i++) {
    const { key, record } = await keyring.issueKey({ prefix: "bench_live_", scopes: ["read"] });
    records.set(record.hash, record);
    tokens.push(key);
  }
  const body = Buffer.from(
    JSON.stringify(
      tokens.map((token, i) => ({
        token,
        type: "bench_api_key",
        url: `https://github.com/octo/bench/blob/0123456789abcdef/config/${i}.env`,
        source: "content",
      })),
    ),
  );
  const signature = sign("sha256", body, { key: privateKey, dsaEncoding: "der" }).toString(
    "base64",
  );
  return {
    body,
    headers: { "github-public-key-identifier": "bench", "github-public-key-signature": signature },
    ip: "192.0.2.1",
  };
}

const rows: Array<Record<string, string | number>> = [];
for (const latency of [0, 1]) {
  const { handle, revoked } = handlerWith(latency);
  await handle(await alertOf(1)); // loads the handler's code
  for (const [size, rounds] of [
    [1, 200],
    [1_000, 15],
  ] as const) {
    const times: number[] = [];
    let bytes = 0;
    for (let r = 0; r < rounds + 2; r++) {
      const alert = await alertOf(size);
      bytes = alert.body.length;
      const before = revoked();
      const t0 = performance.now();
      const answer = await handle(alert);
      const ms = performance.now() - t0;
      if (answer.status !== 200 || revoked() - before !== size) {
        throw new Error(
          `round ${r}: status ${answer.status}, revoked ${revoked() - before} of ${size}`,
        );
      }
      if (r >= 2) times.push(ms);
    }
    const ms = median(times);
    rows.push({
      "lookup + revoke": latency === 0 ? "in memory" : "1 ms each",
      tokens: size,
      "body bytes": bytes,
      "ms to revoke all (median)": ms,
      "µs per token": (ms * 1000) / size,
      rounds,
    });
  }
}
console.log("Alert received -> every key revoked, answer ready (handleLeakAlert, in process):\n");
table(rows);
