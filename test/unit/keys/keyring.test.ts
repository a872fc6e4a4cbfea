import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SecretsError } from "../../../src/errors.js";
import { createKeyring } from "../../../src/keys/keyring.js";
import type { KeyEvent, KeyRecord } from "../../../src/keys/types.js";
import { clock, DAY, fakePepper, memoryStore } from "./support.js";

describe("issueKey", () => {
  it("returns the key once and a record holding only its HMAC under the pepper", async () => {
    const pepper = fakePepper();
    const c = clock();
    const keys = createKeyring({ pepper, now: c.now });
    const { key, record } = await keys.issueKey({ prefix: "acme_live_", scopes: ["orders:read"] });
    expect(key).toMatch(/^acme_live_[0-9A-Za-z]{39}$/);
    expect(record).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      hash: createHmac("sha256", pepper).update(key).digest("base64url"),
      pepperId: expect.stringMatching(/^[\w-]{12}$/),
      prefix: "acme_live_",
      scopes: ["orders:read"],
      createdAt: c.now(),
      expiresAt: c.now() + 90 * DAY,
      last4: key.slice(-4),
      lineageId: record.id,
    });
    const stored = JSON.stringify(record);
    expect(stored).not.toContain(key.slice(10, 43));
    expect(stored).not.toContain(pepper);
  });

  it("the pepper id is a stable fingerprint, or the given name", async () => {
    const pepper = fakePepper();
    const a = await createKeyring({ pepper }).issueKey({ prefix: "a_", scopes: [] });
    const b = await createKeyring({ pepper: () => pepper }).issueKey({ prefix: "a_", scopes: [] });
    const other = await createKeyring({ pepper: fakePepper() }).issueKey({
      prefix: "a_",
      scopes: [],
    });
    expect(a.record.pepperId).toBe(b.record.pepperId);
    expect(other.record.pepperId).not.toBe(a.record.pepperId);
    const named = createKeyring({ pepper: { id: "2026-12", value: async () => pepper } });
    expect((await named.issueKey({ prefix: "a_", scopes: [] })).record.pepperId).toBe("2026-12");
  });

  it("takes expiresIn as a duration and refuses more than 90 days unless allowLongLived", async () => {
    const c = clock();
    const keys = createKeyring({ pepper: fakePepper(), now: c.now });
    const short = await keys.issueKey({ prefix: "a_", scopes: [], expiresIn: "30d" });
    expect(short.record.expiresAt - short.record.createdAt).toBe(30 * DAY);
    const exact = await keys.issueKey({ prefix: "a_", scopes: [], expiresIn: 90 * DAY });
    expect(exact.record.expiresAt - exact.record.createdAt).toBe(90 * DAY);
    await expect(keys.issueKey({ prefix: "a_", scopes: [], expiresIn: "91d" })).rejects.toThrow(
      /longer than 90 days.*allowLongLived/,
    );
    const long = await keys.issueKey({
      prefix: "a_",
      scopes: [],
      expiresIn: "365d",
      allowLongLived: true,
    });
    expect(long.record.expiresAt - long.record.createdAt).toBe(365 * DAY);
    await expect(keys.issueKey({ prefix: "a_", scopes: [], expiresIn: 0 })).rejects.toThrow(
      /positive/,
    );
    await expect(keys.issueKey({ prefix: "a_", scopes: [], expiresIn: "soon" })).rejects.toThrow(
      /expiresIn must be a duration/,
    );
  });

  it.each([
    ["an invalid prefix", { prefix: "Acme-", scopes: [] }, /prefix must be/],
    ["scopes that are not an array", { prefix: "a_", scopes: "read" }, /scopes must be/],
    ["a scope with a space", { prefix: "a_", scopes: ["read all"] }, /scopes must be/],
    ["an empty scope", { prefix: "a_", scopes: [""] }, /scopes must be/],
    ["a bad CIDR", { prefix: "a_", scopes: [], allowedIps: ["10.0.0.0/33"] }, /allowedIps\[0\]/],
    ["a host name", { prefix: "a_", scopes: [], allowedIps: ["example.com"] }, /allowedIps\[0\]/],
  ])("refuses %s", async (_name, options, message) => {
    const keys = createKeyring({ pepper: fakePepper() });
    // biome-ignore lint/suspicious/noExplicitAny: hostile input on purpose
    const error = await keys.issueKey(options as any).catch((e: unknown) => e);
    expect(SecretsError.is(error, "INVALID_CONFIG")).toBe(true);
    expect((error as Error).message).toMatch(message);
  });

  it("refuses a short pepper without quoting it", async () => {
    const short = `tiny-${Date.now()}`;
    const keys = createKeyring({ pepper: async () => short });
    const error = await keys.issueKey({ prefix: "a_", scopes: [] }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/at least 32 characters \(got \d+ characters\)/);
    expect((error as Error).message).not.toContain(short);
  });
});

describe("verifyKey", () => {
  async function setup(extra: Partial<Parameters<typeof createKeyring>[0]> = {}) {
    const c = clock();
    const events: KeyEvent[] = [];
    const keys = createKeyring({
      pepper: fakePepper(),
      now: c.now,
      onEvent: (e) => events.push(e),
      ...extra,
    });
    const issued = await keys.issueKey({
      prefix: "acme_live_",
      scopes: ["orders:read"],
      expiresIn: "30d",
    });
    const store = memoryStore(issued.record);
    return { c, events, keys, store, ...issued };
  }

  it("accepts the key with its scope and reports the use without the key", async () => {
    const { keys, key, record, store, events } = await setup();
    const result = await keys.verifyKey(key, store.lookup, {
      scope: "orders:read",
      ip: "203.0.113.7",
      route: "GET /orders",
    });
    expect(result).toEqual({ ok: true, record });
    expect(events).toEqual([
      {
        type: "key-used",
        at: expect.any(Number),
        keyId: record.id,
        prefix: "acme_live_",
        scope: "orders:read",
        result: "ok",
        ip: "203.0.113.7",
        route: "GET /orders",
        latencyMs: expect.any(Number),
      },
    ]);
    expect((events[0] as { latencyMs: number }).latencyMs).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(events)).not.toContain(key.slice(10));
  });

  it("works with an async lookup and an async pepper", async () => {
    const pepper = fakePepper();
    const keys = createKeyring({ pepper: async () => pepper });
    const { key, record } = await keys.issueKey({ prefix: "a_", scopes: [] });
    const result = await keys.verifyKey(key, async (hash) =>
      hash === record.hash ? record : undefined,
    );
    expect(result.ok).toBe(true);
  });

  it("refuses malformed input and bad checksums before any lookup", async () => {
    const { keys, key, store, events } = await setup();
    const typo = `${key.slice(0, 20)}${key[20] === "x" ? "y" : "x"}${key.slice(21)}`;
    expect(await keys.verifyKey(typo, store.lookup)).toEqual({ ok: false, reason: "bad-checksum" });
    for (const hostile of [
      "",
      "x".repeat(5_000_000),
      `${key} `,
      key.slice(0, -1),
      key.toUpperCase(),
      `Bearer ${key}`,
      `${key.slice(0, 30)}\u{1F511}${key.slice(32)}`,
      null,
      { toString: () => key },
    ]) {
      expect(await keys.verifyKey(hostile, store.lookup)).toEqual({
        ok: false,
        reason: "malformed",
      });
    }
    expect(store.calls).toEqual([]);
    // A refused input's "prefix" might be part of some other secret: not logged.
    expect(events.every((e) => e.type === "key-used" && e.prefix === undefined)).toBe(true);
    expect(events.map((e) => e.type === "key-used" && e.result)).toEqual([
      "bad-checksum",
      ...Array(9).fill("malformed"),
    ]);
  });

  it("an unknown but well-formed key is looked up, compared with the dummy, and refused", async () => {
    const { keys, store, events } = await setup();
    const stranger = await createKeyring({ pepper: fakePepper("other") }).issueKey({
      prefix: "acme_live_",
      scopes: ["orders:read"],
    });
    const result = await keys.verifyKey(stranger.key, store.lookup, { scope: "orders:read" });
    expect(result).toEqual({ ok: false, reason: "unknown" });
    expect(store.calls).toHaveLength(1);
    expect(events[0]).toMatchObject({ result: "unknown", prefix: "acme_live_" });
    expect(events[0]).not.toHaveProperty("keyId");
  });

  it("does not trust the lookup: a record whose hash differs is unknown (loose matching)", async () => {
    const { keys, key, record } = await setup();
    // A case-insensitive collation would hand back this record for a differently-cased hash.
    const loose = { ...record, hash: record.hash.toLowerCase() };
    expect(await keys.verifyKey(key, () => loose)).toEqual({ ok: false, reason: "unknown" });
    expect(await keys.verifyKey(key, () => ({ ...record, hash: "short" }))).toEqual({
      ok: false,
      reason: "unknown",
    });
    // Base64 decoding would ignore padding and stray characters: the comparison is exact.
    expect(await keys.verifyKey(key, () => ({ ...record, hash: `${record.hash}=` }))).toEqual({
      ok: false,
      reason: "unknown",
    });
    // A non-ASCII look-alike character never compares equal.
    const i = record.hash.search(/[A-Za-z]/);
    const fancy = `${record.hash.slice(0, i)}\u0100${record.hash.slice(i + 1)}`;
    expect(await keys.verifyKey(key, () => ({ ...record, hash: fancy }))).toEqual({
      ok: false,
      reason: "unknown",
    });
    // biome-ignore lint/suspicious/noExplicitAny: a corrupt row
    expect(await keys.verifyKey(key, () => ({ ...record, hash: 42 }) as any)).toEqual({
      ok: false,
      reason: "unknown",
    });
  });

  it("refuses an expired key, at the exact expiry", async () => {
    const { keys, key, record, store, c } = await setup();
    c.advance(30 * DAY - 1);
    expect((await keys.verifyKey(key, store.lookup)).ok).toBe(true);
    c.advance(1);
    expect(await keys.verifyKey(key, store.lookup)).toEqual({
      ok: false,
      reason: "expired",
      record,
    });
  });

  it("refuses a revoked key (revocation wins over expiry); a future revocation is not yet one", async () => {
    const { keys, key, record, c } = await setup();
    const revoked = { ...record, revokedAt: c.now() };
    expect(await keys.verifyKey(key, () => revoked)).toEqual({
      ok: false,
      reason: "revoked",
      record: revoked,
    });
    c.advance(31 * DAY);
    expect((await keys.verifyKey(key, () => revoked)) as { reason: string }).toMatchObject({
      reason: "revoked",
    });
    const scheduled = { ...record, revokedAt: c.now() + 1000 };
    expect((await keys.verifyKey(key, () => scheduled)) as { reason: string }).toMatchObject({
      reason: "expired",
    });
  });

  it("refuses a missing scope; no scope asked means any", async () => {
    const { keys, key, record, store } = await setup();
    expect(await keys.verifyKey(key, store.lookup, { scope: "orders:write" })).toEqual({
      ok: false,
      reason: "scope",
      record,
    });
    expect((await keys.verifyKey(key, store.lookup)).ok).toBe(true);
  });

  it("checks the IP allowlist: IPv4, IPv6, IPv4-mapped, and refuses when no IP is given", async () => {
    const keys = createKeyring({ pepper: fakePepper() });
    const { key, record } = await keys.issueKey({
      prefix: "a_",
      scopes: [],
      allowedIps: ["10.0.0.0/8", "2001:db8::/32", "192.0.2.1"],
    });
    const store = memoryStore(record);
    const verdict = async (ip?: string) => {
      const r = await keys.verifyKey(key, store.lookup, ip === undefined ? {} : { ip });
      return r.ok ? "ok" : r.reason;
    };
    expect(await verdict("10.200.0.1")).toBe("ok");
    expect(await verdict("::ffff:10.200.0.1")).toBe("ok");
    expect(await verdict("2001:db8:1::5")).toBe("ok");
    expect(await verdict("192.0.2.1")).toBe("ok");
    expect(await verdict("192.0.2.2")).toBe("ip");
    expect(await verdict("11.0.0.1")).toBe("ip");
    expect(await verdict("2001:db9::1")).toBe("ip");
    expect(await verdict("not an ip")).toBe("ip");
    expect(await verdict(`10.0.0.1${" ".repeat(1_000_000)}`)).toBe("ip");
    expect(await verdict("10.0.0.1/8")).toBe("ip");
    expect(await verdict(undefined)).toBe("ip");
  });

  it("a key without an allowlist accepts any caller IP", async () => {
    const { keys, key, store } = await setup();
    expect((await keys.verifyKey(key, store.lookup, { ip: "198.51.100.1" })).ok).toBe(true);
  });

  it("restricts prefixes when configured", async () => {
    const { keys, key, store } = await setup({ prefixes: ["acme_test_"] });
    expect(await keys.verifyKey(key, store.lookup)).toEqual({ ok: false, reason: "malformed" });
    expect(() => createKeyring({ pepper: fakePepper(), prefixes: ["Bad"] })).toThrow(
      /prefixes\[0\] is not a key prefix/,
    );
    // A key pasted as a prefix is not echoed.
    const error = (() => {
      try {
        createKeyring({ pepper: fakePepper(), prefixes: ["acme_live_", key] });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toMatch(/prefixes\[1\]/);
    expect(error?.message).not.toContain(key.slice(10, 20));
  });

  it("emits key-expiring when a key within the window is used, and only then", async () => {
    const { keys, key, record, store, events, c } = await setup();
    await keys.verifyKey(key, store.lookup);
    expect(events.filter((e) => e.type === "key-expiring")).toEqual([]);
    c.advance(16 * DAY);
    await keys.verifyKey(key, store.lookup);
    expect(events.filter((e) => e.type === "key-expiring")).toEqual([
      {
        type: "key-expiring",
        at: c.now(),
        keyId: record.id,
        prefix: "acme_live_",
        expiresAt: record.expiresAt,
      },
    ]);
    // A refused use is no use: no warning for it.
    await keys.verifyKey(key, store.lookup, { scope: "admin" });
    expect(events.filter((e) => e.type === "key-expiring")).toHaveLength(1);
  });

  it("the warning window is configurable", async () => {
    const { keys, key, store, events } = await setup({ expiringWithin: "31d" });
    await keys.verifyKey(key, store.lookup);
    expect(events.map((e) => e.type)).toEqual(["key-expiring", "key-used"]);
  });

  it("a throwing listener does not change the outcome", async () => {
    const { key, record, store } = await setup();
    const keys = createKeyring({
      pepper: fakePepper(),
      onEvent: () => {
        throw new Error("log sink down");
      },
    });
    // Different pepper: unknown, but it must still answer.
    expect(await keys.verifyKey(key, store.lookup)).toEqual({ ok: false, reason: "unknown" });
    expect(record.id).toBeDefined();
  });
});

describe("pepper rotation", () => {
  it("a record under a previous pepper verifies and comes back re-hashed under the current one", async () => {
    const oldPepper = fakePepper("old");
    const newPepper = fakePepper("new");
    const before = createKeyring({ pepper: oldPepper });
    const { key, record } = await before.issueKey({ prefix: "a_", scopes: ["read"] });
    const store = memoryStore(record);

    const after = createKeyring({ pepper: newPepper, previousPeppers: [() => oldPepper] });
    const result = await after.verifyKey(key, store.lookup, { scope: "read" });
    expect(result.ok).toBe(true);
    const rehashed = (result as { rehashed?: KeyRecord }).rehashed as KeyRecord;
    expect(rehashed).toEqual({
      ...record,
      hash: createHmac("sha256", newPepper).update(key).digest("base64url"),
      pepperId: expect.any(String),
    });
    expect(rehashed.pepperId).not.toBe(record.pepperId);

    // Stored in place of the old record, it verifies without the old pepper.
    store.delete(record);
    store.put(rehashed);
    const only = createKeyring({ pepper: newPepper });
    expect(await only.verifyKey(key, store.lookup)).toEqual({ ok: true, record: rehashed });
  });

  it("a record under the current pepper is not re-hashed; an unknown key tries every pepper", async () => {
    const pepper = fakePepper();
    const keys = createKeyring({ pepper, previousPeppers: [fakePepper("a"), fakePepper("b")] });
    const { key, record } = await keys.issueKey({ prefix: "a_", scopes: [] });
    const store = memoryStore(record);
    expect(await keys.verifyKey(key, store.lookup)).toEqual({ ok: true, record });
    expect(store.calls).toHaveLength(1);
    store.delete(record);
    expect(await keys.verifyKey(key, store.lookup)).toEqual({ ok: false, reason: "unknown" });
    expect(store.calls).toHaveLength(4);
  });

  it("a refused record under an old pepper is not re-hashed", async () => {
    const oldPepper = fakePepper("old");
    const { key, record } = await createKeyring({ pepper: oldPepper }).issueKey({
      prefix: "a_",
      scopes: ["read"],
    });
    const keys = createKeyring({ pepper: fakePepper("new"), previousPeppers: [oldPepper] });
    expect(await keys.verifyKey(key, memoryStore(record).lookup, { scope: "write" })).toEqual({
      ok: false,
      reason: "scope",
      record,
    });
  });
});

describe("rotateKey", () => {
  it("issues a successor like the old key and retires the old one after the overlap", async () => {
    const c = clock();
    const keys = createKeyring({ pepper: fakePepper(), now: c.now });
    const old = await keys.issueKey({
      prefix: "acme_live_",
      scopes: ["read", "write"],
      expiresIn: "60d",
      allowedIps: ["10.0.0.0/8"],
    });
    c.advance(50 * DAY);
    const { key, record, retiring } = await keys.rotateKey(old.record);
    expect(key).not.toBe(old.key);
    expect(record).toMatchObject({
      prefix: "acme_live_",
      scopes: ["read", "write"],
      allowedIps: ["10.0.0.0/8"],
      rotatedFrom: old.record.id,
      createdAt: c.now(),
      expiresAt: c.now() + 60 * DAY,
    });
    expect(retiring).toEqual({
      ...old.record,
      expiresAt: c.now() + 7 * DAY,
      rotatedTo: record.id,
    });

    const store = memoryStore(record, retiring);
    const ip = { ip: "10.0.0.1" };
    expect((await keys.verifyKey(old.key, store.lookup, ip)).ok).toBe(true);
    expect((await keys.verifyKey(key, store.lookup, ip)).ok).toBe(true);
    c.advance(7 * DAY);
    expect(await keys.verifyKey(old.key, store.lookup, ip)).toMatchObject({ reason: "expired" });
    expect((await keys.verifyKey(key, store.lookup, ip)).ok).toBe(true);
  });

  it("the overlap never extends the old key, and is configurable", async () => {
    const c = clock();
    const keys = createKeyring({ pepper: fakePepper(), now: c.now });
    const old = await keys.issueKey({ prefix: "a_", scopes: [], expiresIn: "10d" });
    c.advance(8 * DAY);
    expect((await keys.rotateKey(old.record)).retiring.expiresAt).toBe(old.record.expiresAt);
    expect((await keys.rotateKey(old.record, { overlap: "1h" })).retiring.expiresAt).toBe(
      c.now() + 3_600_000,
    );
    expect((await keys.rotateKey(old.record, { expiresIn: "5d" })).record.expiresAt - c.now()).toBe(
      5 * DAY,
    );
  });

  it("keeps a long-lived key's lifetime only because it was explicitly allowed", async () => {
    const keys = createKeyring({ pepper: fakePepper() });
    const old = await keys.issueKey({
      prefix: "a_",
      scopes: [],
      expiresIn: "180d",
      allowLongLived: true,
    });
    const next = await keys.rotateKey(old.record);
    expect(next.record.expiresAt - next.record.createdAt).toBe(180 * DAY);
    await expect(keys.rotateKey(old.record, { allowLongLived: false })).rejects.toThrow(
      /longer than 90 days/,
    );
  });

  it("refuses to rotate a revoked key", async () => {
    const keys = createKeyring({ pepper: fakePepper() });
    const { record } = await keys.issueKey({ prefix: "a_", scopes: [] });
    await expect(keys.rotateKey({ ...record, revokedAt: 0 })).rejects.toThrow(/revoked/);
  });
});
