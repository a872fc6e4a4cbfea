// @stand-ins: redis
// The anomaly watcher on a real Redis: two instances (two clients, as two processes would have)
// share the history, so a fleet alerts once per anomaly.
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { createAnomalyWatcher, type KeyAlert } from "../../../src/keys/anomaly/watcher.js";
import { redisStore } from "../../../src/keys/limits/store.js";
import type { KeyUsageEvent } from "../../../src/keys/types.js";
import { standIn } from "../../support/stand-ins.js";

describe("anomaly watcher on Redis", () => {
  const redis = standIn("redis");
  const stores = [redisStore({ url: redis.url }), redisStore({ url: redis.url })];
  afterAll(() => Promise.all(stores.map((s) => s.close())));
  const alerts: KeyAlert[] = [];
  const fleet = stores.map((store) =>
    createAnomalyWatcher({
      store,
      spike: { threshold: 20, windowSeconds: 30 },
      onAlert: (a) => alerts.push(a),
    }),
  );
  const used = (keyId: string, extra: Partial<KeyUsageEvent>): KeyUsageEvent => ({
    type: "key-used",
    at: Date.now(),
    keyId,
    result: "ok",
    latencyMs: 0.1,
    ...extra,
  });

  it("counts a spike across instances and alerts exactly once", async () => {
    alerts.length = 0;
    const k = `key_${randomUUID()}`;
    // 40 concurrent uses spread over both instances: the window crosses 20 once.
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => fleet[i % 2]?.observe(used(k, { ip: "192.0.2.1" }))),
    );
    expect(alerts.filter((a) => a.type === "spike")).toEqual([
      expect.objectContaining({ type: "spike", keyId: k, count: 21, windowSeconds: 30 }),
    ]);
  });

  it("an IP or route new to the key is flagged once, by whichever instance sees it first", async () => {
    alerts.length = 0;
    const k = `key_${randomUUID()}`;
    await fleet[0]?.observe(used(k, { ip: "192.0.2.1", route: "/v1/items" }));
    await Promise.all([
      fleet[0]?.observe(used(k, { ip: "2001:db8::7", route: "/v1/admin" })),
      fleet[1]?.observe(used(k, { ip: "2001:db8::7", route: "/v1/admin" })),
    ]);
    await fleet[1]?.observe(used(k, { ip: "192.0.2.1", route: "/v1/items" }));
    expect(alerts.map((a) => a.type).sort()).toEqual(["new-ip", "new-route"]);
  });

  it("a store that does not answer skips the checks and reports it, without throwing", async () => {
    const errors: unknown[] = [];
    // Port 1 on 127.0.0.1: nothing listens, connections are refused at once.
    const dead = redisStore({ url: "redis://127.0.0.1:1", timeoutMs: 100 });
    const watcher = createAnomalyWatcher({
      store: dead,
      onAlert: (a) => alerts.push(a),
      onStoreError: (e) => errors.push(e),
    });
    try {
      expect(await watcher.observe(used(`key_${randomUUID()}`, { ip: "192.0.2.1" }))).toEqual([]);
      expect(errors.length).toBeGreaterThan(0);
      // A revoked key is still flagged: that check needs no store.
      const r = await watcher.observe(used(`key_${randomUUID()}`, { result: "revoked" }));
      expect(r.map((a) => a.type)).toEqual(["revoked-use"]);
    } finally {
      await dead.close();
    }
  });
});
