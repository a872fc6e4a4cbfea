// Starts the API (server.mjs) and runs a scripted client against it over HTTP: issue a key,
// use it, show each refusal and each alert of the anomaly watcher, rotate, revoke.
//   node --env-file=examples/issue-api-keys/demo.env examples/issue-api-keys/main.mjs [--redis redis://127.0.0.1:6379] [--when-store-down open|closed] [--log usage.jsonl]
// Keys are never printed: only their id and last four characters.
import { createWriteStream, mkdtempSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startApi } from "./server.mjs";

const { values } = parseArgs({
  options: {
    redis: { type: "string" },
    "when-store-down": { type: "string", default: "open" },
    log: { type: "string" },
  },
});
const whenStoreDown = values["when-store-down"];
if (whenStoreDown !== "open" && whenStoreDown !== "closed") {
  console.error("--when-store-down must be open or closed");
  process.exit(2);
}
const logPath = values.log ?? join(mkdtempSync(join(tmpdir(), "issue-api-keys-")), "usage.jsonl");
const usageLog = createWriteStream(logPath, { flags: "a" });
const alerts = [];

const api = await startApi({
  redisUrl: values.redis,
  whenStoreDown,
  usageLog,
  onLimiterEvent: (event) => {
    const what =
      event.type === "limiter-store-down"
        ? `(${event.error}): requests ${event.whenStoreDown === "open" ? "go through without limits" : "are refused with 503"}`
        : `after ${event.downForMs} ms`;
    console.log(`  LIMITER ${event.type} ${what}`);
  },
  onAlert: (alert) => {
    alerts.push(alert);
    const detail =
      alert.ip ??
      alert.route ??
      (alert.count ? `${alert.count} uses in ${alert.windowSeconds} s` : "");
    console.log(`  ALERT ${alert.type} key=${alert.keyId} ${detail}`.trimEnd());
  },
});
console.log(
  `API on ${api.url} (limiter and watcher state: ${values.redis ? "Redis" : "memory"}, when the store is down: fail ${whenStoreDown})`,
);

/** One request; `from` picks the client's source address (127.0.0.2 is another caller). */
function call(method, path, { key, body, from = "127.0.0.1" } = {}) {
  return new Promise((resolve, reject) => {
    const req = request(
      `${api.url}${path}`,
      {
        method,
        localAddress: from,
        headers: {
          ...(key ? { authorization: `Bearer ${key}` } : {}),
          ...(body ? { "content-type": "application/json" } : {}),
        },
      },
      (res) => {
        let text = "";
        res.on("data", (d) => {
          text += d;
        });
        res.on("end", () =>
          resolve({ status: res.statusCode, headers: res.headers, body: JSON.parse(text || "{}") }),
        );
      },
    );
    req.on("error", reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}
const shown = (record) => `${record.prefix}…${record.last4} (id ${record.id})`;
const refusal = (r) =>
  r.status < 400
    ? String(r.status)
    : `${r.status} ${r.body.reason}${r.headers["retry-after"] ? `, Retry-After: ${r.headers["retry-after"]} s` : ""}`;
// Alerts are raised after the answer (the watcher runs beside the request): let them land.
const settle = () => new Promise((r) => setTimeout(r, 50));

try {
  console.log("\n1. Issue a key with scope read");
  const issued = await call("POST", "/admin/keys", {
    key: api.adminKey,
    body: { scopes: ["read"], expiresIn: "30d" },
  });
  const key = issued.body.key;
  console.log(
    `   issued ${shown(issued.body.record)}, expires ${new Date(issued.body.record.expiresAt).toISOString().slice(0, 10)}`,
  );

  console.log("\n2. Use it");
  console.log(`   GET /v1/items -> ${refusal(await call("GET", "/v1/items", { key }))}`);
  console.log(`   GET /v1/items without a key -> ${refusal(await call("GET", "/v1/items"))}`);
  const typo = `${key.slice(0, -1)}${key.at(-1) === "x" ? "y" : "x"}`;
  console.log(
    `   GET /v1/items with a typo in the key -> ${refusal(await call("GET", "/v1/items", { key: typo }))}`,
  );
  console.log(
    `   POST /admin/keys with it (no admin scope) -> ${refusal(await call("POST", "/admin/keys", { key, body: { scopes: [] } }))}`,
  );

  console.log("\n3. The watcher: a new caller address, a new route");
  console.log(
    `   GET /v1/items from 127.0.0.2 -> ${refusal(await call("GET", "/v1/items", { key, from: "127.0.0.2" }))}`,
  );
  await settle();
  console.log(`   GET /v1/reports -> ${refusal(await call("GET", "/v1/reports", { key }))}`);
  await settle();

  console.log(
    "\n4. A burst: the rate limit (15 a minute per key) and the spike alert (over 10 in 10 s)",
  );
  const burst = [];
  for (let i = 0; i < 14; i++) burst.push(await call("GET", "/v1/items", { key }));
  await settle();
  const refused = burst.filter((r) => r.status >= 400);
  console.log(
    `   14 requests -> ${burst.length - refused.length} answered, ${refused.length} refused${refused.length ? `: ${refusal(refused.at(-1))}` : ""}`,
  );

  console.log(
    "\n5. Rotate a key: the successor works, the retiring key keeps working for the overlap",
  );
  const second = await call("POST", "/admin/keys", {
    key: api.adminKey,
    body: { scopes: ["read"] },
  });
  const rotated = await call("POST", `/admin/keys/${second.body.record.id}/rotate`, {
    key: api.adminKey,
    body: { overlap: "1d" },
  });
  console.log(`   rotated ${shown(second.body.record)} -> ${shown(rotated.body.record)}`);
  console.log(
    `   retiring key now expires ${new Date(rotated.body.retiring.expiresAt).toISOString()}`,
  );
  console.log(
    `   GET /v1/items with the successor -> ${refusal(await call("GET", "/v1/items", { key: rotated.body.key }))}`,
  );
  console.log(
    `   GET /v1/items with the retiring key -> ${refusal(await call("GET", "/v1/items", { key: second.body.key }))}`,
  );

  console.log("\n6. Revoke the successor, then use it");
  await call("POST", `/admin/keys/${rotated.body.record.id}/revoke`, { key: api.adminKey });
  console.log(
    `   GET /v1/items -> ${refusal(await call("GET", "/v1/items", { key: rotated.body.key }))}`,
  );
  await settle();
} finally {
  await api.close();
  await new Promise((r) => usageLog.end(r));
}

const kinds = [...new Set(alerts.map((a) => a.type))].sort();
console.log(`\nAlerts raised: ${kinds.join(", ")}`);
console.log(`Usage log (JSON lines, no key in it): ${logPath}`);
