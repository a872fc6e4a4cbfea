import { describe, expect, it } from "vitest";
import { listExpiring } from "../../../src/keys/expiring.js";
import { createKeyring } from "../../../src/keys/keyring.js";
import { jsonLinesLogger } from "../../../src/keys/log.js";
import type { KeyRecord } from "../../../src/keys/types.js";
import { clock, DAY, fakePepper, memoryStore } from "./support.js";

describe("listExpiring", () => {
  const now = Date.UTC(2026, 5, 1);
  const record = (id: string, expiresIn: number, extra: Partial<KeyRecord> = {}): KeyRecord => ({
    id,
    hash: id,
    pepperId: "p",
    prefix: "a_",
    scopes: [],
    createdAt: now - DAY,
    expiresAt: now + expiresIn,
    last4: "abcd",
    ...extra,
  });

  it("returns live records expiring within the window, soonest first", () => {
    const records = [
      record("later", 20 * DAY),
      record("soon", 10 * DAY),
      record("sooner", 1 * DAY),
      record("edge", 14 * DAY),
      record("gone", -1),
      record("revoked", 2 * DAY, { revokedAt: now - 1 }),
    ];
    expect(listExpiring(records, "14d", now).map((r) => r.id)).toEqual(["sooner", "soon", "edge"]);
    expect(listExpiring(new Set(records), 2 * DAY, now).map((r) => r.id)).toEqual(["sooner"]);
    expect(() => listExpiring(records, "two weeks", now)).toThrow(/within must be a duration/);
  });
});

describe("jsonLinesLogger", () => {
  it("writes one JSON line per event, never the key", async () => {
    const lines: string[] = [];
    const c = clock();
    const keys = createKeyring({
      pepper: fakePepper(),
      now: c.now,
      onEvent: jsonLinesLogger({ write: (line) => lines.push(line) }),
    });
    const { key, record } = await keys.issueKey({ prefix: "acme_live_", scopes: ["read"] });
    const store = memoryStore(record);
    await keys.verifyKey(key, store.lookup, { scope: "read", ip: "192.0.2.4", route: "GET /x" });
    await keys.verifyKey(`${key}x`, store.lookup);
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => l.endsWith("\n") && !l.slice(0, -1).includes("\n"))).toBe(true);
    const events = lines.map((l) => JSON.parse(l));
    expect(events[0]).toMatchObject({
      type: "key-used",
      keyId: record.id,
      prefix: "acme_live_",
      scope: "read",
      result: "ok",
      ip: "192.0.2.4",
      route: "GET /x",
    });
    expect(events[1]).toMatchObject({ type: "key-used", result: "malformed" });
    expect(lines.join("")).not.toContain(key.slice(10));
  });
});
