/**
 * Leased PostgreSQL credentials from OpenBao's database engine, used with a
 * real `pg` client: renewed in place (a later expiry), re-issued at the max
 * TTL (a rotation), the old lease revoked after the grace period (its login
 * then fails), and nothing left on the server after close().
 */

import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Secrets, SecretsEvent } from "../../../src/index.js";
import { api, bao, tokenWithPolicy, vaultSecrets } from "./support/bao.js";

const connection = `pg-${randomUUID().slice(0, 8)}`;
const role = `short-${randomUUID().slice(0, 8)}`;
const REF = `vault://database/creds/${role}`;
let appToken = "";

beforeAll(async () => {
  const p = bao().postgres;
  await api("POST", `database/config/${connection}`, {
    plugin_name: "postgresql-database-plugin",
    connection_url: `postgresql://{{username}}:{{password}}@${p.host}:${p.port}/${p.database}?sslmode=disable`,
    username: p.adminUser,
    password: p.adminPassword,
    allowed_roles: [role, "longer"],
  });
  await api("POST", `database/roles/${role}`, {
    db_name: connection,
    creation_statements: [
      `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';`,
      `GRANT pg_read_all_data TO "{{name}}";`,
    ],
    default_ttl: "6s",
    max_ttl: "14s",
  });
  appToken = await tokenWithPolicy(
    [
      'path "database/creds/*" { capabilities = ["read"] }',
      'path "sys/leases/renew" { capabilities = ["update"] }',
      'path "sys/leases/revoke" { capabilities = ["update"] }',
    ].join("\n"),
  );
});

let current: Secrets | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

function client() {
  const c = vaultSecrets(
    { auth: { method: "token", token: appToken } },
    { cache: { credentialRefreshLead: "3s", leaseGrace: "1s" } },
  );
  current = c.secrets;
  return c;
}

interface DbCreds {
  username: string;
  password: string;
}

async function whoami(creds: DbCreds): Promise<string> {
  const p = bao().postgres;
  const c = new pg.Client({
    host: p.host,
    port: p.port,
    database: p.database,
    user: creds.username,
    password: creds.password,
  });
  await c.connect();
  try {
    return (await c.query("select current_user as u")).rows[0].u as string;
  } finally {
    await c.end();
  }
}

/** The lease's expiry on the server, or undefined once it is gone. */
async function leaseExpiry(id: string): Promise<number | undefined> {
  try {
    const r = await api<{ data: { expire_time: string } }>("PUT", "sys/leases/lookup", {
      lease_id: id,
    });
    return Date.parse(r.data.expire_time);
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const leases = (events: SecretsEvent[], action: string) =>
  events
    .filter((e) => e.type === "lease" && e.action === action)
    .map((e) => (e as { lease: string }).lease);
describe("vault leased database credentials", () => {
  it("log in to PostgreSQL, renew in place, rotate at the max TTL, revoke the old lease", async () => {
    const { secrets, events } = client();
    const first = (await secrets.getCredentials("vault", {
      path: `database/creds/${role}`,
    })) as DbCreds;
    expect(await whoami(first)).toBe(first.username);
    // getSecret of the same path shares the entry and the lease.
    expect(await secrets.getSecret(`${REF}#password`)).toBe(first.password);

    // Inside the refresh lead (3 s before the 6 s expiry): renewed in place.
    const leaseId = latestLease(events);
    const before = (await leaseExpiry(leaseId)) as number;
    await sleep(3_500);
    await secrets.getSecret(`${REF}#password`);
    await sleep(500);
    expect(leases(events, "renewed")).toContain(leaseId);
    const after = (await leaseExpiry(leaseId)) as number;
    expect(after).toBeGreaterThan(before);
    expect(await whoami(first)).toBe(first.username);

    // Keep using it until the max TTL (14 s) stops renewals: a new lease, new user.
    let second = first;
    for (let i = 0; i < 30 && second.username === first.username; i++) {
      await sleep(700);
      second = (await secrets.getCredentials("vault", {
        path: `database/creds/${role}`,
      })) as DbCreds;
    }
    expect(second.username).not.toBe(first.username);
    expect(await whoami(second)).toBe(second.username);
    // The old lease is revoked after the 1 s grace period: its login now fails.
    await sleep(1_500);
    expect(leases(events, "revoked")).toContain(leaseId);
    expect(await leaseExpiry(leaseId)).toBeUndefined();
    await expect(whoami(first)).rejects.toThrow(/password authentication failed|does not exist/);
  }, 40_000);

  it("revokes on invalidate, and leaves no lease on the server after close()", async () => {
    const { secrets, events } = client();
    const a = (await secrets.getCredentials("vault", {
      path: `database/creds/${role}`,
    })) as DbCreds;
    const firstId = latestLease(events);
    secrets.invalidate(REF);
    await sleep(200);
    await expect(whoami(a)).rejects.toThrow(/password authentication failed|does not exist/);
    const b = (await secrets.getCredentials("vault", {
      path: `database/creds/${role}`,
    })) as DbCreds;
    expect(await whoami(b)).toBe(b.username);
    const secondId = latestLease(events);
    expect(secondId).not.toBe(firstId);
    await secrets.close();
    current = undefined;
    expect(await leaseExpiry(firstId)).toBeUndefined();
    expect(await leaseExpiry(secondId)).toBeUndefined();
    expect(new Set(leases(events, "revoked"))).toEqual(new Set([firstId, secondId]));
  });

  it("an unknown role (HTTP 400) is a typed error naming the path, quoting nothing of the answer", async () => {
    const { secrets } = client();
    const err = await secrets.getCredentials("vault", { path: "database/creds/no-such-role" }).then(
      () => undefined,
      (e: unknown) => e as Error & { code?: string },
    );
    expect(err?.code).toBe("PROVIDER_ERROR");
    expect(err?.message).toContain('"database/creds/no-such-role"');
    expect(err?.message).toContain("HTTP 400");
  });

  it("issues one lease for 1,000 concurrent cold requests", async () => {
    const { secrets } = client();
    const all = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        i % 2
          ? secrets.getSecret(`${REF}#username`)
          : secrets
              .getCredentials("vault", { path: `database/creds/${role}` })
              .then((c) => (c as DbCreds).username),
      ),
    );
    expect(new Set(all).size).toBe(1);
  });
});

/** The lease of the latest issue, from the events (the provider's version is the lease id). */
function latestLease(events: SecretsEvent[]): string {
  const ids = events
    .filter((e) => e.type === "credentials" || e.type === "fetch")
    .map((e) => (e as { version?: string }).version)
    .filter((v): v is string => typeof v === "string" && v.startsWith("database/creds/"));
  const last = ids.at(-1);
  if (!last) throw new Error("no lease issued yet");
  return last;
}
