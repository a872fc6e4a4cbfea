// Records parsed by type, rotation rules, limits that follow the customer, the watcher's
// baselines and bounds, and route names: the unit side of issue 24 (the PostgreSQL, Redis and
// adapter sides are in test/integration/keys/).
import { describe, expect, it } from "vitest";
import { createAnomalyWatcher, type KeyAlert } from "../../../src/keys/anomaly/watcher.js";
import { ApiKeyCheckError, KeyRotationError } from "../../../src/keys/errors.js";
import { listExpiring } from "../../../src/keys/expiring.js";
import { routeName } from "../../../src/keys/http/route.js";
import { createKeyring } from "../../../src/keys/keyring.js";
import { createKeyLimiter } from "../../../src/keys/limits/limiter.js";
import { memoryStore as limiterMemory } from "../../../src/keys/limits/store.js";
import type { KeyRecord, KeyUsageEvent } from "../../../src/keys/types.js";
import { clock, DAY, fakePepper } from "./support.js";

async function issued(options: { scopes?: string[]; allowedIps?: string[] } = {}) {
  const c = clock(Date.UTC(2026, 5, 1));
  const keys = createKeyring({ pepper: fakePepper(), now: c.now });
  const { key, record } = await keys.issueKey({ prefix: "acme_live_", scopes: [], ...options });
  return { keys, key, record, c };
}

describe("records are parsed by type", () => {
  const at = Date.UTC(2026, 5, 1);
  it("accepts every shape a database returns for a time", async () => {
    const { keys, key, record } = await issued();
    const past = at - 1000;
    for (const revokedAt of [
      new Date(past),
      new Date(past).toISOString(),
      new Date(past).toISOString().replace("T", " ").replace("Z", "+00"),
      "2026-05-31 23:59:59",
      "2026-05-31",
      past,
      String(past),
      BigInt(past),
    ]) {
      const r = await keys.verifyKey(key, () => ({ ...record, revokedAt }));
      expect(r, String(revokedAt)).toMatchObject({ ok: false, reason: "revoked" });
    }
    for (const expiresAt of [
      new Date(at - 1),
      String(at - 1),
      BigInt(at - 1),
      "2026-05-31T12:00:00.000+02:00",
    ]) {
      const r = await keys.verifyKey(key, () => ({ ...record, expiresAt }));
      expect(r, String(expiresAt)).toMatchObject({ ok: false, reason: "expired" });
    }
    for (const revokedAt of [null, undefined]) {
      expect((await keys.verifyKey(key, () => ({ ...record, revokedAt }))).ok).toBe(true);
    }
  });

  it("refuses what is present but not a time, naming the field and never the key", async () => {
    const { keys, key, record } = await issued();
    for (const revokedAt of [
      "yesterday",
      "",
      "2026-02-30T25:00:00Z",
      "2026-02-30T10:00:00Z",
      "2026-04-31",
      true,
      false,
      {},
      [],
      Number.NaN,
      Number.POSITIVE_INFINITY,
      new Date(Number.NaN),
      2n ** 80n,
      "1e12",
      "0x1f",
    ]) {
      const e = await keys.verifyKey(key, () => ({ ...record, revokedAt })).catch((x) => x);
      expect(e, String(revokedAt)).toBeInstanceOf(ApiKeyCheckError);
      expect(e.field).toBe("revokedAt");
      expect(e.message).not.toContain(key);
    }
  });

  it("scopes and allowedIps: arrays or JSON text; anything else refuses", async () => {
    const { keys, key, record } = await issued();
    const as = (patch: Record<string, unknown>) => () => ({ ...record, ...patch });
    expect(
      await keys.verifyKey(key, as({ scopes: '["not-admin"]' }), { scope: "admin" }),
    ).toMatchObject({ reason: "scope" });
    expect((await keys.verifyKey(key, as({ scopes: '["admin"]' }), { scope: "admin" })).ok).toBe(
      true,
    );
    expect(await keys.verifyKey(key, as({ scopes: null }), { scope: "admin" })).toMatchObject({
      reason: "scope",
    });
    expect((await keys.verifyKey(key, as({ allowedIps: null }), { ip: "192.0.2.1" })).ok).toBe(
      true,
    );
    expect((await keys.verifyKey(key, as({ allowedIps: "[]" }), { ip: "192.0.2.1" })).ok).toBe(
      true,
    );
    expect(
      await keys.verifyKey(key, as({ allowedIps: '["10.0.0.0/8"]' }), { ip: "192.0.2.1" }),
    ).toMatchObject({ reason: "ip" });
    // PostgreSQL array literals, as a driver returns array types it does not parse (cidr[]).
    expect(
      await keys.verifyKey(key, as({ allowedIps: "{10.0.0.0/8,2001:db8::/32}" }), {
        ip: "192.0.2.1",
      }),
    ).toMatchObject({ reason: "ip" });
    expect((await keys.verifyKey(key, as({ scopes: "{read,admin}" }), { scope: "admin" })).ok).toBe(
      true,
    );
    for (const [field, value] of [
      ["scopes", "admin"],
      ["scopes", '{"admin":true}'],
      ["scopes", '{"read",admin}'],
      ["scopes", "{read,{admin}}"],
      ["scopes", [1]],
      ["scopes", { 0: "admin", length: 1 }],
      ["allowedIps", "10.0.0.0/8"],
      ["allowedIps", ["10.0.0.0/8", "not-an-ip"]],
      ["allowedIps", 42],
    ] as const) {
      const e = await keys.verifyKey(key, as({ [field]: value })).catch((x) => x);
      expect(e, `${field} ${JSON.stringify(value)}`).toBeInstanceOf(ApiKeyCheckError);
      expect(e.field).toBe(field);
    }
  });

  it("a lookup answering null or undefined is unknown; a non-object or missing field refuses", async () => {
    const { keys, key, record } = await issued();
    for (const none of [null, undefined]) {
      expect(await keys.verifyKey(key, () => none)).toEqual({ ok: false, reason: "unknown" });
      expect(await keys.verifyKey(key, async () => none)).toEqual({ ok: false, reason: "unknown" });
    }
    for (const [row, field] of [
      ["a row", "record"],
      [[record], "record"],
      [{ ...record, hash: null }, "hash"],
      [{ ...record, expiresAt: undefined }, "expiresAt"],
      [{ ...record, id: {} }, "id"],
      // snake_case columns read without mapping: refused, not read as "not revoked"
      [{ ...record, revoked_at: new Date(0) }, "revokedAt"],
    ] as const) {
      const e = await keys.verifyKey(key, () => row as never).catch((x) => x);
      expect(e, field).toBeInstanceOf(ApiKeyCheckError);
      expect(e.field).toBe(field);
    }
  });

  it("listExpiring keeps records whose revokedAt is null and parses stored times", () => {
    const now = Date.UTC(2026, 5, 1);
    const base = { hash: "h", pepperId: "p", prefix: "a_", scopes: null, last4: "abcd" };
    const rows = [
      { ...base, id: "a", createdAt: now - DAY, expiresAt: String(now + 3 * DAY), revokedAt: null },
      {
        ...base,
        id: "b",
        createdAt: now - DAY,
        expiresAt: new Date(now + 2 * DAY),
        revokedAt: now - 1,
      },
      { ...base, id: "c", createdAt: now - DAY, expiresAt: now + DAY, rotatedTo: "d" },
    ];
    expect(listExpiring(rows, "14d", now).map((r) => r.id)).toEqual(["a"]);
  });
});

describe("rotation rules", () => {
  it("refuses revoked, expired and already rotated records, each with its own code", async () => {
    const { keys, record, c } = await issued();
    const codes = async (r: unknown) =>
      keys.rotateKey(r as KeyRecord).then(
        () => "rotated",
        (e: unknown) => (e instanceof KeyRotationError ? e.code : String(e)),
      );
    expect(await codes({ ...record, revokedAt: c.now() - 1 })).toBe("KEY_REVOKED");
    expect(await codes({ ...record, expiresAt: c.now() - 1 })).toBe("KEY_EXPIRED");
    expect(await codes({ ...record, expiresAt: new Date(c.now()).toISOString() })).toBe(
      "KEY_EXPIRED",
    );
    const first = await keys.rotateKey(record);
    expect(first.retiring.rotatedTo).toBe(first.record.id);
    // Rotating the same (now marked) record again would give two live successors.
    expect(await codes(first.retiring)).toBe("KEY_ROTATED");
    // Its successor rotates; the chain keeps its lineage.
    const second = await keys.rotateKey(first.record);
    expect(second.record.lineageId).toBe(record.id);
    expect(second.record.rotatedFrom).toBe(first.record.id);
  });

  it("owner and lineage are copied forward; an old record without lineage starts one", async () => {
    const c = clock();
    const keys = createKeyring({ pepper: fakePepper(), now: c.now });
    const { record } = await keys.issueKey({ prefix: "a_", scopes: [], owner: "cust-7" });
    expect(record).toMatchObject({ owner: "cust-7", lineageId: record.id });
    const next = await keys.rotateKey(record);
    expect(next.record).toMatchObject({ owner: "cust-7", lineageId: record.id });
    const { lineageId: _l, owner: _o, ...legacy } = record;
    expect((await keys.rotateKey(legacy)).record.lineageId).toBe(record.id);
    await expect(keys.issueKey({ prefix: "a_", scopes: [], owner: "" })).rejects.toThrow(/owner/);
  });
});

describe("limits follow the customer", () => {
  it("a monthly quota holds across three rotations (counters on owner ?? lineageId ?? id)", async () => {
    const c = clock(Date.UTC(2026, 5, 1));
    const keys = createKeyring({ pepper: fakePepper(), now: c.now });
    const limiter = createKeyLimiter({
      quotas: [{ by: "key", points: 5, per: "month" }],
      now: c.now,
    });
    let { record } = await keys.issueKey({ prefix: "a_", scopes: [] });
    let allowed = 0;
    for (let rotation = 0; rotation < 4; rotation++) {
      for (let i = 0; i < 5; i++) {
        const { id: keyId, owner, lineageId } = record;
        if ((await limiter.consume({ keyId, owner, lineageId })).allowed) allowed++;
      }
      c.advance(DAY);
      record = (await keys.rotateKey(record)).record;
    }
    expect(allowed).toBe(5);
  });

  it("keys of one owner share a budget; an old record counts on its own id", async () => {
    const limiter = createKeyLimiter({ limits: [{ by: "key", points: 2, per: 60 }] });
    expect((await limiter.consume({ keyId: "k1", owner: "o" })).allowed).toBe(true);
    expect((await limiter.consume({ keyId: "k2", owner: "o", lineageId: "k2" })).allowed).toBe(
      true,
    );
    expect((await limiter.consume({ keyId: "k3", owner: "o" })).allowed).toBe(false);
    expect((await limiter.consume({ keyId: "legacy" })).allowed).toBe(true);
  });
});

describe("anomaly watcher baselines and bounds", () => {
  const used = (patch: Partial<KeyUsageEvent>): KeyUsageEvent => ({
    type: "key-used",
    at: Date.now(),
    keyId: "k",
    result: "ok",
    latencyMs: 0,
    ...patch,
  });

  it("a refused first use from a stranger's IP is not the baseline", async () => {
    const alerts: KeyAlert[] = [];
    const w = createAnomalyWatcher({ onAlert: (a) => alerts.push(a) });
    await w.observe(used({ result: "ip", ip: "198.51.100.9", route: "GET /admin" }));
    await w.observe(used({ result: "scope", ip: "198.51.100.9", route: "GET /admin" }));
    await w.observe(used({ ip: "10.0.0.1", route: "GET /v1/items" })); // the owner, first real use
    await w.observe(used({ ip: "10.0.0.1", route: "GET /v1/items" }));
    expect(alerts).toEqual([]);
    await w.observe(used({ ip: "10.0.0.2", route: "GET /v1/items" }));
    expect(alerts.map((a) => a.type)).toEqual(["new-ip"]);
  });

  it("1,000 new routes: one alert per window, and at most maxRemembered routes kept", async () => {
    const alerts: KeyAlert[] = [];
    const store = limiterMemory();
    const w = createAnomalyWatcher({ store, onAlert: (a) => alerts.push(a), spike: false });
    for (let i = 0; i < 1000; i++) await w.observe(used({ route: `GET /v1/r${i}` }));
    expect(alerts.filter((a) => a.type === "new-route")).toHaveLength(1);
    const routes = store.sets.get("routes:k")?.members;
    expect(routes?.size).toBe(100);
    // Least recently used goes first: the newest are kept.
    expect(routes?.has("GET /v1/r999")).toBe(true);
    expect(routes?.has("GET /v1/r0")).toBe(false);
  });

  it("the same event object fed twice (shared listener) counts once", async () => {
    const alerts: KeyAlert[] = [];
    const w = createAnomalyWatcher({
      onAlert: (a) => alerts.push(a),
      spike: { threshold: 10, windowSeconds: 60 },
    });
    for (let i = 0; i < 8; i++) {
      const e = used({ keyId: "dup" });
      w.onEvent(e);
      w.onEvent(e);
    }
    await new Promise((r) => setTimeout(r, 20));
    expect(alerts).toEqual([]);
  });
});

describe("routeName", () => {
  it("keeps words, replaces ids and anything key-shaped or random", () => {
    const key = `acme_live_${"A1b2C3d4E5".repeat(3)}abcdefghi`;
    expect(routeName("GET", "/v1/orders?limit=5")).toBe("GET /v1/orders");
    expect(routeName("GET", `/v1/keys/${key}`)).toBe("GET /v1/keys/:id");
    expect(routeName("POST", `/v1/keys/${key}/revoke`)).toBe("POST /v1/keys/:id/revoke");
    expect(routeName("GET", "/v1/orders/12345")).toBe("GET /v1/orders/:id");
    expect(routeName("GET", "/v1/orders/8f14e45f-ceea-467f-a0e6-7a2b0c1d3e4f")).toBe(
      "GET /v1/orders/:id",
    );
    expect(routeName("GET", "/v1/x/QmFzZVNpeHR5Rm91clRleHRIZXJl")).toBe("GET /v1/x/:id");
    expect(routeName("GET", "/v1/administration/settings")).toBe("GET /v1/administration/settings");
    expect(routeName("GET", `/${"a/".repeat(40)}`)).toMatch(/\/…$/);
    expect(routeName("get /x", "/")).toBe("OTHER /");
  });
});
