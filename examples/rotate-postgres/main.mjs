// Rotates a PostgreSQL role's password kept in AWS Secrets Manager while an
// app keeps opening new connections with it, and checks the outcome:
//
//   AWS_REGION=eu-west-1 SECRET_NAME=prod/app/db node examples/rotate-postgres/main.mjs
//
// - generate: a new password, put as a new version labelled AWSPENDING;
// - deploy:   ALTER ROLE ... PASSWORD (logged in with the current password);
// - verify:   a new login with the new password;
// - finish:   AWSCURRENT moves to it, the old version becomes AWSPREVIOUS.
//
// The app side (another client, as another instance of the service would
// have) runs `withSecret` with the `pending` option: between deploy and
// finish PostgreSQL refuses the password that AWSCURRENT still holds, and the
// app logs in with the AWSPENDING one instead. A pool opened before the
// rotation keeps its connection (PostgreSQL checks a password only at login).
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { createSecrets, withSecret } from "secrets-loader";
import { awsProvider, pendingReference, rotateSecret } from "secrets-loader/providers/aws";
import * as steps from "./steps.mjs";

const ref = `aws-sm://${process.env.SECRET_NAME ?? "prod/app/db"}`;
// Keeps the window between deploy and finish open a while, so the loop runs inside it.
const holdMs = Number(process.env.HOLD_MS ?? 500);

const rotator = createSecrets({ providers: { aws: awsProvider() } });
const app = createSecrets({ providers: { aws: awsProvider() } });

// Secrets Manager unreachable or the secret missing: one line and exit 1, before the
// app starts or any rotation step (nothing was issued yet, so nothing is left behind).
const before = await rotator.getSecret(ref, { type: "json" }).catch((err) => {
  console.error(`cannot rotate: ${err.message}`);
  process.exit(1);
});

/** One unit of the app's work: a new connection, one query. */
function query() {
  return withSecret(
    ref,
    async (login) => {
      const db = await steps.connect(login, login.password);
      try {
        await db.query("select 1");
      } finally {
        await db.end();
      }
    },
    { secrets: app, type: "json", pending: pendingReference(ref), onRetry: () => stats.retried++ },
  );
}

const stats = { ok: 0, failed: 0, retried: 0, inWindow: 0 };
let window = false;
let running = true;
const loop = (async () => {
  while (running) {
    try {
      await query();
      stats.ok++;
      if (window) stats.inWindow++;
    } catch (err) {
      stats.failed++;
      console.error(`[app] query failed: ${err.code ?? err.name}`);
    }
    await sleep(5);
  }
})();

// A pool connected before the rotation.
const pool = new pg.Pool({
  host: before.host,
  port: Number(before.port),
  database: before.dbname,
  user: before.username,
  password: before.password,
  max: 1,
});
await pool.query("select 1");
await sleep(100);

const result = await rotateSecret(ref, {
  secrets: rotator,
  generate: steps.generate,
  deploy: async (ctx) => {
    await steps.deploy(ctx);
    window = true;
    await sleep(holdMs);
  },
  verify: steps.verify,
  onEvent: (e) => {
    if (e.status !== "started")
      console.log(`[rotate] ${e.step}: ${e.status}${e.detail ? ` (${e.detail})` : ""}`);
    if (e.step === "finish" && e.status !== "started") window = false;
  },
});
console.log(
  `[rotate] AWSCURRENT is version ${result.versionId}; AWSPREVIOUS is ${result.previousVersionId}`,
);
await sleep(200);
running = false;
await loop;

let ok = true;
// The pool's connection was opened with the old password and is still usable.
await pool.query("select 1");
console.log("pool connection opened before the rotation: still works");
await pool.end();

try {
  await (await steps.connect(before, before.password)).end();
  console.log("retired password: STILL ACCEPTED");
  ok = false;
} catch (err) {
  console.log(`retired password: refused by PostgreSQL (${err.code})`);
  if (err.code !== "28P01") ok = false;
}
const after = await rotator.getSecret(ref, { type: "json" });
await (await steps.connect(after, after.password)).end();
console.log("new password (AWSCURRENT): accepted");

console.log(
  `app loop: ${stats.ok} queries ok, ${stats.failed} failed, ${stats.retried} retried after a refused login, ${stats.inWindow} inside the rotation window`,
);
if (stats.failed > 0) ok = false;
await Promise.all([rotator.close(), app.close()]);
process.exit(ok ? 0 : 1);
