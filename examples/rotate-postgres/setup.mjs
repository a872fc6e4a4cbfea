// Demo setup: a PostgreSQL role `app_...` with a random password, and the
// secret that holds its login in AWS Secrets Manager. In production the role
// and the secret already exist; this script only makes the demo runnable.
//
//   ADMIN_DATABASE_URL=postgresql://postgres:…@127.0.0.1:5432/postgres \
//   SECRET_NAME=demo/app/db node examples/rotate-postgres/setup.mjs
import { randomBytes } from "node:crypto";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import pg from "pg";
import { scramVerifier } from "./steps.mjs";

const admin = process.env.ADMIN_DATABASE_URL;
const name = process.env.SECRET_NAME ?? "demo/app/db";
if (!admin) {
  console.error("setup: set ADMIN_DATABASE_URL (a role allowed to CREATE ROLE)");
  process.exit(2);
}
const url = new URL(admin);
const username = `app_${randomBytes(4).toString("hex")}`;
const password = randomBytes(24).toString("base64url");

const db = new pg.Client({ connectionString: admin, connectionTimeoutMillis: 5000 });
await db.connect();
try {
  await db.query(
    `CREATE ROLE ${db.escapeIdentifier(username)} LOGIN PASSWORD ${db.escapeLiteral(scramVerifier(password))}`,
  );
} finally {
  await db.end();
}

const sm = new SecretsManagerClient({});
try {
  const secret = {
    username,
    password,
    host: url.hostname,
    port: Number(url.port || 5432),
    dbname: url.pathname.slice(1) || "postgres",
  };
  await sm.send(new CreateSecretCommand({ Name: name, SecretString: JSON.stringify(secret) }));
} finally {
  sm.destroy();
}
console.log(`setup: role ${username} created; its login is in aws-sm://${name}`);
