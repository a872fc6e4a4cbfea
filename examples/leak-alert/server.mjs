// A small API that issues keys and answers leak alerts: GET /v1/items needs a key,
// POST /leak-alerts is the endpoint registered with GitHub's secret scanning partner program.
// Plain node:http; records live in a Map (use your database: only `record` is stored).
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { createKeyring, handleLeakAlert } from "secrets-loader/keys";
import { leakAlertListener, withApiKey } from "secrets-loader/keys/http";

export const PREFIX = "acme_demo_";

/** Starts the API on 127.0.0.1; `githubKeysUrl` replaces GitHub's public-key URL (the stand-in). */
export async function startApi({ githubKeysUrl, onLeaked }) {
  const keyring = createKeyring({
    // A real pepper comes from your secret store (getSecret); this demo makes one per run.
    pepper: randomBytes(32).toString("base64url"),
    prefixes: [PREFIX],
  });
  const byHash = new Map();
  const lookup = (hash) => byHash.get(hash);
  let revocations = 0;

  const onLeakAlert = handleLeakAlert({
    keyring,
    lookup,
    prefixes: [PREFIX],
    // Store the record with its revokedAt in place of the old one.
    revoke: (record) => {
      revocations++;
      byHash.set(record.hash, record);
    },
    github: { url: githubKeysUrl },
    onEvent: onLeaked,
  });
  const leaks = leakAlertListener(onLeakAlert);
  const items = withApiKey({ keyring, lookup }, (_req, res, key) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ items: ["alpha", "beta"], key: key.id }));
  });

  const server = createServer((req, res) =>
    req.url === "/leak-alerts" ? leaks(req, res) : items(req, res),
  );
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    revocations: () => revocations,
    /** Issues a key to a customer: the key goes to them, the record to storage. */
    async issue() {
      const { key, record } = await keyring.issueKey({ prefix: PREFIX, scopes: ["read"] });
      byHash.set(record.hash, record);
      return { key, record };
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
