// @stand-ins: postgres
// Stored records as a real database returns them: written to and read back from PostgreSQL
// through `pg` (node-postgres), with timestamptz, int8, text, jsonb and text[] columns and JSON
// text, so the shapes under test are the driver's own (Date, digit strings, bigint, arrays,
// parsed JSON, null), not hand-made objects.
import { randomBytes, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiKeyCheckError, KeyRotationError } from "../../../src/keys/errors.js";
import { listExpiring } from "../../../src/keys/expiring.js";
import { withApiKey } from "../../../src/keys/http/index.js";
import { createKeyring } from "../../../src/keys/keyring.js";
import type { KeyEvent, KeyLookup, KeyRecord } from "../../../src/keys/types.js";
import { standIn } from "../../support/stand-ins.js";

const DAY = 86_400_000;
const pepper = () => `pepper-pg-${randomBytes(24).toString("base64url")}`;

/** The columns every table shares, in camelCase as the keyring reads them. */
const SELECT = `id, hash, pepper_id as "pepperId", prefix, scopes, created_at as "createdAt",
  expires_at as "expiresAt", last4, revoked_at as "revokedAt", allowed_ips as "allowedIps",
  owner, lineage_id as "lineageId"`;

/** One layout per way of storing times and lists. */
const TABLES = {
  // timestamptz times (pg: Date), text[] scopes and cidr[] allowlists (pg: arrays).
  native: `scopes text[], created_at timestamptz not null, expires_at timestamptz not null,
    revoked_at timestamptz, allowed_ips cidr[]`,
  // int8 epoch ms (pg: digit strings, or bigint with a type parser), jsonb lists (pg: parsed).
  epoch: `scopes jsonb, created_at int8 not null, expires_at int8 not null, revoked_at int8,
    allowed_ips jsonb`,
  // Everything as text: ISO 8601 times and JSON text lists (as from a JSON column or an ORM).
  text: `scopes text, created_at text not null, expires_at text not null, revoked_at text,
    allowed_ips text`,
} as const;
type Layout = keyof typeof TABLES;

describe("records read back from PostgreSQL (pg)", () => {
  const info = standIn("postgres");
  const client = new pg.Client({ connectionString: info.url });
  // A second connection returning int8 as bigint, as apps that set this parser get.
  const bigintClient = new pg.Client({
    connectionString: info.url,
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        oid === 20
          ? (v: string) => BigInt(v)
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  const suffix = randomUUID().replaceAll("-", "").slice(0, 12);
  const table = (layout: Layout) => `keys_${layout}_${suffix}`;

  beforeAll(async () => {
    await client.connect();
    await bigintClient.connect();
    for (const [layout, columns] of Object.entries(TABLES)) {
      await client.query(
        `create table ${table(layout as Layout)} (id text primary key, hash text unique not null,
          pepper_id text not null, prefix text not null, last4 text not null, owner text,
          lineage_id text, ${columns})`,
      );
    }
  });
  afterAll(async () => {
    for (const layout of Object.keys(TABLES)) {
      await client.query(`drop table if exists ${table(layout as Layout)}`);
    }
    await client.end();
    await bigintClient.end();
  });

  /** Writes a record the way each layout stores it; `raw` overrides columns with SQL values. */
  async function insert(
    layout: Layout,
    r: KeyRecord,
    raw: Partial<Record<"scopes" | "revoked_at" | "allowed_ips" | "expires_at", unknown>> = {},
  ) {
    const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
    const list = (l: string[] | undefined) =>
      l === undefined ? null : layout === "native" ? l : JSON.stringify(l);
    const time = (ms: number | undefined) =>
      ms === undefined ? null : layout === "epoch" ? String(ms) : iso(ms);
    const values = {
      scopes: list(r.scopes),
      created_at: time(r.createdAt),
      expires_at: time(r.expiresAt),
      revoked_at: time(r.revokedAt),
      allowed_ips: list(r.allowedIps),
      ...raw,
    };
    await client.query(
      `insert into ${table(layout)} (id, hash, pepper_id, prefix, last4, owner, lineage_id,
        scopes, created_at, expires_at, revoked_at, allowed_ips)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        r.id,
        r.hash,
        r.pepperId,
        r.prefix,
        r.last4,
        r.owner ?? null,
        r.lineageId ?? null,
        values.scopes,
        values.created_at,
        values.expires_at,
        values.revoked_at,
        values.allowed_ips,
      ],
    );
  }

  /** The KeyLookup doc's own shape: one row or null (pg-promise's oneOrNone does the same). */
  const lookupIn =
    (layout: Layout, c: pg.Client = client): KeyLookup =>
    async (hash) =>
      (await c.query(`select ${SELECT} from ${table(layout)} where hash = $1`, [hash])).rows[0] ??
      null;

  for (const layout of Object.keys(TABLES) as Layout[]) {
    describe(`${layout} columns`, () => {
      it("a revoked key is refused and revokedAt: null is not revoked", async () => {
        const keys = createKeyring({ pepper: pepper() });
        const live = await keys.issueKey({ prefix: "pgtest_", scopes: ["read"] });
        const revoked = await keys.issueKey({ prefix: "pgtest_", scopes: ["read"] });
        await insert(layout, live.record);
        await insert(layout, { ...revoked.record, revokedAt: Date.now() - 60_000 });
        const lookup = lookupIn(layout);
        expect(await keys.verifyKey(live.key, lookup, { scope: "read" })).toMatchObject({
          ok: true,
          record: { id: live.record.id, scopes: ["read"], expiresAt: live.record.expiresAt },
        });
        expect(await keys.verifyKey(revoked.key, lookup)).toMatchObject({
          ok: false,
          reason: "revoked",
        });
      });

      it('scopes grant exactly their names: ["not-admin"] does not grant admin', async () => {
        const keys = createKeyring({ pepper: pepper() });
        const k = await keys.issueKey({ prefix: "pgtest_", scopes: ["not-admin"] });
        await insert(layout, k.record);
        const lookup = lookupIn(layout);
        expect(await keys.verifyKey(k.key, lookup, { scope: "admin" })).toMatchObject({
          reason: "scope",
        });
        expect(await keys.verifyKey(k.key, lookup, { scope: "min" })).toMatchObject({
          reason: "scope",
        });
        expect((await keys.verifyKey(k.key, lookup, { scope: "not-admin" })).ok).toBe(true);
      });

      it("allowedIps: null means any address; a stored list is enforced", async () => {
        const keys = createKeyring({ pepper: pepper() });
        const open = await keys.issueKey({ prefix: "pgtest_", scopes: [] });
        const fenced = await keys.issueKey({
          prefix: "pgtest_",
          scopes: [],
          allowedIps: ["10.0.0.0/8", "2001:db8::/32"],
        });
        await insert(layout, open.record);
        await insert(layout, fenced.record);
        const lookup = lookupIn(layout);
        expect((await keys.verifyKey(open.key, lookup, { ip: "192.0.2.1" })).ok).toBe(true);
        expect((await keys.verifyKey(fenced.key, lookup, { ip: "10.1.2.3" })).ok).toBe(true);
        expect(await keys.verifyKey(fenced.key, lookup, { ip: "192.0.2.1" })).toMatchObject({
          reason: "ip",
        });
      });

      it("listExpiring keeps live records whose revokedAt is null", async () => {
        const now = Date.now();
        const keys = createKeyring({ pepper: pepper(), now: () => now - 80 * DAY });
        const soon = await keys.issueKey({ prefix: "pgtest_", scopes: [] });
        await insert(layout, soon.record);
        const rows = (
          await client.query(`select ${SELECT} from ${table(layout)} where id = $1`, [
            soon.record.id,
          ])
        ).rows;
        expect(rows[0].revokedAt).toBeNull();
        expect(listExpiring(rows, "14d", now).map((r) => r.id)).toEqual([soon.record.id]);
      });
    });
  }

  it("int8 read as bigint (a type parser) works as digit strings do", async () => {
    const keys = createKeyring({ pepper: pepper() });
    const k = await keys.issueKey({ prefix: "pgtest_", scopes: ["read"] });
    const revoked = await keys.issueKey({ prefix: "pgtest_", scopes: ["read"] });
    await insert("epoch", k.record);
    await insert("epoch", { ...revoked.record, revokedAt: Date.now() - 1000 });
    const lookup = lookupIn("epoch", bigintClient);
    const row = await lookup(k.record.hash);
    expect(typeof (row as { expiresAt: unknown }).expiresAt).toBe("bigint");
    expect(await keys.verifyKey(k.key, lookup, { scope: "read" })).toMatchObject({ ok: true });
    expect(await keys.verifyKey(revoked.key, lookup)).toMatchObject({ reason: "revoked" });
  });

  it("an unknown key (the lookup answers null) is `unknown`, and a record under an old pepper is still found", async () => {
    const oldPepper = pepper();
    const old = await createKeyring({ pepper: oldPepper }).issueKey({
      prefix: "pgtest_",
      scopes: [],
    });
    await insert("native", old.record);
    const keys = createKeyring({ pepper: pepper(), previousPeppers: [oldPepper] });
    const stranger = await createKeyring({ pepper: pepper() }).issueKey({
      prefix: "pgtest_",
      scopes: [],
    });
    const lookup = lookupIn("native");
    expect(await keys.verifyKey(stranger.key, lookup)).toEqual({ ok: false, reason: "unknown" });
    const found = await keys.verifyKey(old.key, lookup);
    expect(found).toMatchObject({ ok: true, record: { id: old.record.id } });
    expect(found.ok && found.rehashed?.pepperId).not.toBe(old.record.pepperId);
  });

  it("a value present but unparseable refuses with ApiKeyCheckError naming the field, never the key", async () => {
    const keys = createKeyring({ pepper: pepper() });
    const cases: [Layout, "revoked_at" | "scopes" | "allowed_ips" | "expires_at", unknown][] = [
      ["text", "revoked_at", "yesterday"],
      ["text", "expires_at", "2026-13-45T99:00:00Z"],
      ["text", "scopes", "read,write"],
      ["text", "allowed_ips", '["10.0.0.0/33"]'],
      ["epoch", "scopes", JSON.stringify({ read: true })],
      ["epoch", "allowed_ips", JSON.stringify([10])],
    ];
    const field = {
      revoked_at: "revokedAt",
      expires_at: "expiresAt",
      scopes: "scopes",
      allowed_ips: "allowedIps",
    };
    for (const [layout, column, value] of cases) {
      const k = await keys.issueKey({ prefix: "pgtest_", scopes: ["read"] });
      await insert(layout, k.record, { [column]: value });
      const error = await keys.verifyKey(k.key, lookupIn(layout)).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, `${layout}.${column}`).toBeInstanceOf(ApiKeyCheckError);
      expect((error as ApiKeyCheckError).field).toBe(field[column]);
      expect((error as Error).message).toContain(`"${field[column]}"`);
      expect((error as Error).message).not.toContain(k.key);
      expect((error as Error).message).not.toContain(String(value));
    }
  });

  it("rotateKey takes a row as read and refuses an expired one with its own code", async () => {
    const now = Date.now();
    const keys = createKeyring({ pepper: pepper(), now: () => now - 100 * DAY });
    const expired = await keys.issueKey({ prefix: "pgtest_", scopes: [], expiresIn: "30d" });
    const live = await createKeyring({ pepper: pepper() }).issueKey({
      prefix: "pgtest_",
      scopes: ["read"],
      owner: "customer-42",
    });
    await insert("epoch", expired.record);
    await insert("epoch", live.record);
    const row = async (id: string) =>
      (await client.query(`select ${SELECT} from ${table("epoch")} where id = $1`, [id])).rows[0];
    const rotating = createKeyring({ pepper: pepper() });
    await expect(rotating.rotateKey(await row(expired.record.id))).rejects.toMatchObject({
      name: "KeyRotationError",
      code: "KEY_EXPIRED",
    });
    const next = await rotating.rotateKey(await row(live.record.id));
    expect(next.record).toMatchObject({ owner: "customer-42", lineageId: live.record.id });
    expect(next.retiring.rotatedTo).toBe(next.record.id);
    await expect(rotating.rotateKey(next.retiring)).rejects.toBeInstanceOf(KeyRotationError);
  });

  it("through the http adapter: an unknown key is 401 unknown, an unparseable record 500 via onError", async () => {
    const events: KeyEvent[] = [];
    const keys = createKeyring({ pepper: pepper(), onEvent: (e) => events.push(e) });
    const good = await keys.issueKey({ prefix: "pgtest_", scopes: [] });
    const broken = await keys.issueKey({ prefix: "pgtest_", scopes: [] });
    const stranger = await keys.issueKey({ prefix: "pgtest_", scopes: [] });
    await insert("text", good.record);
    await insert("text", broken.record, { revoked_at: "not a time" });
    const errors: unknown[] = [];
    const server = createServer(
      withApiKey(
        { keyring: keys, lookup: lookupIn("text"), onError: (e) => errors.push(e) },
        (_q, res) => res.end("ok"),
      ),
    );
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const get = (key: string) => fetch(url, { headers: { authorization: `Bearer ${key}` } });
    try {
      expect((await get(good.key)).status).toBe(200);
      const unknown = await get(stranger.key);
      expect(unknown.status).toBe(401);
      expect(await unknown.json()).toMatchObject({ reason: "unknown" });
      const bad = await get(broken.key);
      expect(bad.status).toBe(500);
      expect(bad.headers.get("content-type")).toMatch(/problem\+json/);
      expect(await bad.text()).not.toContain("revokedAt");
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ name: "ApiKeyCheckError", field: "revokedAt" });
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
    expect(JSON.stringify(events)).not.toContain(good.key);
  });
});
