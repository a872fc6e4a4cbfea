// A pg pool whose PostgreSQL login comes from Vault's database engine
// (getCredentials("vault", { path: "database/creds/<role>" })), and which
// changes over to a new login when the lease is rotated, without failing a
// query that is running on the old one.
//
//   VAULT_ADDR=https://vault.internal:8200 VAULT_TOKEN=... DB_ROLE=readonly \
//   PGHOST=db.internal PGDATABASE=app node examples/vault-dynamic-db/main.mjs
//
// How the change-over works: before each checkout the pool asks the client for
// the credentials (a cache hit, which also renews the lease in place when it is
// close to expiry). When the lease reaches its max TTL the client issues a new
// one (a `credentials` event with action "rotated") and keeps the old one for
// cache.leaseGrace before revoking it. A new pg.Pool is made for the new login;
// the old pool is ended, which waits for its checked-out clients, so a query in
// flight finishes on the old login, inside the grace period.
import pg from "pg";
import { createSecrets } from "secrets-loader";
import { vaultProvider } from "secrets-loader/providers/vault";

const path = `database/creds/${process.env.DB_ROLE ?? "readonly"}`;
const durationMs = Number(process.env.DURATION_MS ?? 30_000);
const intervalMs = Number(process.env.INTERVAL_MS ?? 500);
const querySeconds = Number(process.env.QUERY_SECONDS ?? 1);

const secrets = createSecrets({
  // VAULT_ADDR and VAULT_TOKEN (or an auth method: see the README's Vault section).
  providers: { vault: vaultProvider() },
  cache: {
    // Renew (or re-issue) this long before the lease expires ...
    credentialRefreshLead: process.env.REFRESH_LEAD ?? "1m",
    // ... and keep a replaced lease this long: longer than the longest query.
    leaseGrace: process.env.LEASE_GRACE ?? "2m",
  },
  onEvent: (e) => {
    if (e.type === "credentials" && e.reference === `vault:${path}`)
      console.log(`[credentials] ${e.action}, expires ${new Date(e.expiresAt).toISOString()}`);
    if (e.type === "lease") console.log(`[lease] ${e.action}`);
  },
});

/** One pg.Pool per login; replaced when the login changes. */
let current; // { username, pool }

async function pool() {
  const { username, password } = await secrets.getCredentials("vault", { path });
  if (current?.username !== username) {
    const old = current;
    current = { username, pool: new pg.Pool({ user: username, password, max: 5 }) };
    // end() waits for the clients that are checked out: in-flight queries finish.
    if (old) {
      console.log(`[pool] changed over to ${username}`);
      old.pool.end().catch((err) => console.error(`[pool] old pool: ${err.message}`));
    }
  }
  return current.pool;
}

// The first login decides whether to start: with Vault down, one line and exit 1, not a loop of failures.
try {
  await pool();
} catch (err) {
  console.error(`cannot start: ${err.message}`);
  await secrets.close();
  process.exit(1);
}

let ok = 0;
let failed = 0;
const users = new Set();
const running = new Set();
const until = Date.now() + durationMs;
for (let i = 1; Date.now() < until; i++) {
  // A query every intervalMs, each lasting querySeconds: there is always one in flight.
  const q = pool()
    .then((p) => p.query("select current_user as u, pg_sleep($1)", [querySeconds]))
    .then((r) => {
      ok++;
      users.add(r.rows[0].u);
    })
    .catch((err) => {
      failed++;
      console.error(`[query ${i}] failed: ${err.message}`);
    });
  running.add(q);
  q.finally(() => running.delete(q));
  await new Promise((r) => setTimeout(r, intervalMs));
}
await Promise.all(running);
await current?.pool.end();
await secrets.close(); // revokes the lease it holds
console.log(`${ok} queries ok, ${failed} failed, ${users.size} database login(s)`);
process.exitCode = failed ? 1 : 0;
