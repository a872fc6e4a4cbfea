// The rotation steps for a PostgreSQL role whose login is kept in AWS Secrets
// Manager as JSON: { username, password, host, port, dbname } (the shape AWS
// uses for database secrets). Used by main.mjs, and by the CLI:
//
//   secrets rotate aws-sm://prod/app/db --with examples/rotate-postgres/steps.mjs
//
// Single-user strategy: the role changes its own password. deploy and verify
// may run again when a rotation is resumed, so both are idempotent.
import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";
import pg from "pg";

/** Opens a connection as the secret's role with `password`. */
export async function connect(secret, password) {
  const client = new pg.Client({
    host: secret.host,
    port: Number(secret.port),
    database: secret.dbname,
    user: secret.username,
    password,
    connectionTimeoutMillis: 5000,
  });
  await client.connect();
  return client;
}

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for `password`. Sending the
 * verifier in ALTER ROLE keeps the password itself out of the server's logs
 * (log_statement) and pg_stat_activity.
 */
export function scramVerifier(password, iterations = 4096) {
  const salt = randomBytes(16);
  const salted = pbkdf2Sync(password.normalize("NFKC"), salt, iterations, 32, "sha256");
  const hmac = (key, text) => createHmac("sha256", key).update(text).digest();
  const storedKey = createHash("sha256").update(hmac(salted, "Client Key")).digest();
  const serverKey = hmac(salted, "Server Key");
  const b64 = (b) => b.toString("base64");
  return `SCRAM-SHA-256$${iterations}:${b64(salt)}$${b64(storedKey)}:${b64(serverKey)}`;
}

/** generate: the same login with a new random password. */
export function generate({ current }) {
  return JSON.stringify({
    ...JSON.parse(current),
    password: randomBytes(24).toString("base64url"),
  });
}

/** deploy: ALTER ROLE ... PASSWORD, logged in with the current password; nothing if already done. */
export async function deploy({ current, pending }) {
  const now = JSON.parse(current);
  const next = JSON.parse(pending);
  try {
    // A resumed rotation whose deploy already ran: the pending password works.
    await (await connect(next, next.password)).end();
    return;
  } catch (err) {
    if (err?.code !== "28P01") throw err;
  }
  const db = await connect(now, now.password);
  try {
    await db.query(
      `ALTER ROLE ${db.escapeIdentifier(now.username)} PASSWORD ${db.escapeLiteral(scramVerifier(next.password))}`,
    );
  } finally {
    await db.end();
  }
}

/** verify: a new login with the pending password, as the expected role. */
export async function verify({ pending }) {
  const next = JSON.parse(pending);
  const db = await connect(next, next.password);
  try {
    const { rows } = await db.query("select current_user");
    return rows[0]?.current_user === next.username;
  } finally {
    await db.end();
  }
}
