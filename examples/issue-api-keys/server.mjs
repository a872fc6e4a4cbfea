// A small HTTP API that issues API keys to its customers, verifies them on every request,
// rate-limits per key, logs every use as a JSON line, rotates and revokes keys, and runs the
// anomaly watcher over the usage events. Plain node:http; records live in a Map (use your
// database: only `record` is stored, never the key).
import { createServer } from "node:http";
import { getSecret } from "secrets-loader";
import {
  createAnomalyWatcher,
  createKeyLimiter,
  createKeyring,
  jsonLinesLogger,
  memoryStore,
  redisStore,
} from "secrets-loader/keys";
import { createApiKeyGuard, withApiKey } from "secrets-loader/keys/http";

const PREFIX = "acme_demo_";

/**
 * Starts the API on 127.0.0.1 (a free port). `redisUrl` puts the limiter's and the watcher's
 * state in Redis (a fleet shares it); without it they live in this process. `whenStoreDown`
 * says what the limiter does while Redis is down ("open": let requests through without limits,
 * the default; "closed": refuse them with 503); `onLimiterEvent` hears each outage and recovery.
 * @param {{ redisUrl?: string, whenStoreDown?: "open" | "closed", usageLog: { write(line: string): unknown }, onAlert: (alert: object) => void, onLimiterEvent?: (event: object) => void }} options
 */
export async function startApi({
  redisUrl,
  whenStoreDown = "open",
  usageLog,
  onAlert,
  onLimiterEvent,
}) {
  const store = redisUrl ? redisStore({ url: redisUrl }) : memoryStore();
  const log = jsonLinesLogger(usageLog);
  const watcher = createAnomalyWatcher({
    store,
    onAlert,
    spike: { threshold: 10, windowSeconds: 10 },
  });
  // One listener for the keyring, the adapters and the limiter: one usage line per request
  // (the watcher counts each request once), plus the limiter's store-down/up events.
  const onEvent = (event) => {
    log(event);
    if (event.type.startsWith("limiter-")) onLimiterEvent?.(event);
    else watcher.onEvent(event);
  };
  const keyring = createKeyring({
    // The pepper comes from a provider through getSecret, called when the keyring needs it.
    pepper: () => getSecret("env://KEYS_PEPPER"),
    prefixes: [PREFIX],
    onEvent,
  });
  const limiter = createKeyLimiter({
    store,
    limits: [{ by: "key", points: 15, per: 60 }],
    quotas: [{ by: "key", points: 10_000, per: "day" }],
    whenStoreDown,
    onEvent,
  });

  const byHash = new Map();
  const byId = new Map();
  const save = (record) => {
    const old = byId.get(record.id);
    if (old) byHash.delete(old.hash);
    byHash.set(record.hash, record);
    byId.set(record.id, record);
  };
  const lookup = (hash) => byHash.get(hash);

  // The first admin key is minted at start-up and handed to the caller (shown once).
  const admin = await keyring.issueKey({ prefix: PREFIX, scopes: ["admin"] });
  save(admin.record);

  const common = { keyring, lookup, onEvent, onRehashed: save };
  const adminGuard = createApiKeyGuard({
    // The operator's own endpoints are not rate-limited, so keys can be issued and revoked
    // even while Redis is down and the limiter fails closed.
    ...common,
    scope: "admin",
    // One route per action, not per key id: the watcher flags routes new to a key.
    route: (r) => r.route.replace(/^(\w+ \/admin\/keys\/)[^/]+/, "$1:id"),
  });
  const read = withApiKey({ ...common, limiter, scope: "read" }, (req, res, key) => {
    json(res, 200, { route: req.url, items: ["alpha", "beta"], key: key.id });
  });

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (!url.pathname.startsWith("/admin/")) return read(req, res);
    const outcome = await adminGuard.check(req);
    if (!outcome.ok) return adminGuard.refuse(res, outcome);
    const body = await readJson(req);
    // POST /admin/keys {scopes, expiresIn?, allowedIps?, owner?}: a new key (shown once) and
    // its record. Only these fields are taken from the body (never allowLongLived).
    if (req.method === "POST" && url.pathname === "/admin/keys") {
      const { scopes, expiresIn, allowedIps, owner } = body;
      const issued = await keyring.issueKey({
        prefix: PREFIX,
        scopes,
        expiresIn,
        allowedIps,
        owner,
      });
      save(issued.record);
      return json(res, 201, { key: issued.key, record: publicView(issued.record) });
    }
    const m = /^\/admin\/keys\/([^/]+)\/(rotate|revoke)$/.exec(url.pathname);
    const record = m && byId.get(decodeURIComponent(m[1]));
    if (req.method === "POST" && record && m[2] === "rotate") {
      const rotated = await keyring.rotateKey(record, { overlap: body.overlap ?? "1d" });
      save(rotated.retiring);
      save(rotated.record);
      return json(res, 201, {
        key: rotated.key,
        record: publicView(rotated.record),
        retiring: publicView(rotated.retiring),
      });
    }
    if (req.method === "POST" && record && m[2] === "revoke") {
      save({ ...record, revokedAt: Date.now() });
      return json(res, 200, { revoked: record.id });
    }
    return json(res, 404, { error: "not found" });
  });

  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    adminKey: admin.key,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      if (store.kind === "redis") await store.close();
    },
  };
}

/** What an operator may see of a record: no hash. */
function publicView({ hash: _hash, ...rest }) {
  return rest;
}

function json(res, status, body) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

async function readJson(req) {
  let text = "";
  for await (const chunk of req) text += chunk;
  return text ? JSON.parse(text) : {};
}
