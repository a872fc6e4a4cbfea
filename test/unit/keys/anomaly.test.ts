import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createAnomalyWatcher, type KeyAlert } from "../../../src/keys/anomaly/watcher.js";
import { memoryStore } from "../../../src/keys/limits/store.js";
import type { KeyUsageEvent } from "../../../src/keys/types.js";

const used = (keyId: string, extra: Partial<KeyUsageEvent> = {}): KeyUsageEvent => ({
  type: "key-used",
  at: Date.now(),
  keyId,
  prefix: "acme_test_",
  result: "ok",
  latencyMs: 0.2,
  ...extra,
});

function watcherWith(
  options: Parameters<typeof createAnomalyWatcher>[0] extends infer O
    ? Omit<O, "onAlert">
    : never = {},
) {
  const alerts: KeyAlert[] = [];
  const watcher = createAnomalyWatcher({ ...options, onAlert: (a) => alerts.push(a) });
  return { watcher, alerts };
}

describe("anomaly watcher (memory store)", () => {
  it("flags a spike once, when the rolling window crosses the threshold", async () => {
    const { watcher, alerts } = watcherWith({ spike: { threshold: 5, windowSeconds: 10 } });
    const k = `key_${randomUUID()}`;
    const t0 = Date.UTC(2026, 11, 1, 12);
    for (let i = 0; i < 5; i++) await watcher.observe(used(k, { at: t0 + i * 1000 }));
    expect(alerts).toEqual([]);
    await watcher.observe(used(k, { at: t0 + 5000 }));
    expect(alerts).toEqual([
      { type: "spike", at: t0 + 5000, keyId: k, count: 6, windowSeconds: 10 },
    ]);
    await watcher.observe(used(k, { at: t0 + 6000 })); // still above: no second alert
    expect(alerts).toHaveLength(1);
    // The window rolls: 20 s later the old uses have left it; a slow trickle never alerts.
    for (let i = 0; i < 5; i++) await watcher.observe(used(k, { at: t0 + 30_000 + i * 3000 }));
    expect(alerts).toHaveLength(1);
    // Another key has its own window.
    await watcher.observe(used(`key_${randomUUID()}`, { at: t0 + 6000 }));
    expect(alerts).toHaveLength(1);
  });

  it("flags an IP and a route the key has not used before (the first use is the baseline)", async () => {
    const { watcher, alerts } = watcherWith({ spike: false });
    const k = `key_${randomUUID()}`;
    await watcher.observe(used(k, { ip: "203.0.113.7", route: "/v1/items" }));
    await watcher.observe(used(k, { ip: "::ffff:203.0.113.7", route: "/v1/items" }));
    expect(alerts).toEqual([]);
    const at = Date.now();
    await watcher.observe(used(k, { at, ip: "2001:db8::1", route: "/v1/admin" }));
    expect(alerts).toEqual([
      { type: "new-ip", at, keyId: k, ip: "2001:db8::1" },
      { type: "new-route", at, keyId: k, route: "/v1/admin" },
    ]);
    await watcher.observe(used(k, { ip: "2001:DB8::1", route: "/v1/admin" }));
    expect(alerts).toHaveLength(2);
  });

  it("flags any use of a revoked key, and nothing for events without a key id", async () => {
    const { watcher, alerts } = watcherWith();
    const k = `key_${randomUUID()}`;
    const at = Date.now();
    await watcher.observe(used(k, { at, result: "revoked", ip: "198.51.100.1", route: "/v1" }));
    expect(alerts).toEqual([
      { type: "revoked-use", at, keyId: k, ip: "198.51.100.1", route: "/v1" },
    ]);
    await watcher.observe(used("", { keyId: undefined, result: "bad-checksum" }));
    expect(alerts).toHaveLength(1);
  });

  it("forgets a key's IPs and routes after it has been unused for rememberDays", async () => {
    const { watcher, alerts } = watcherWith({ rememberDays: 1, spike: false });
    const k = `key_${randomUUID()}`;
    const t0 = Date.UTC(2026, 11, 1);
    await watcher.observe(used(k, { at: t0, ip: "192.0.2.1" }));
    await watcher.observe(used(k, { at: t0 + 2 * 86_400_000, ip: "192.0.2.2" }));
    expect(alerts).toEqual([]); // a new baseline, not a new IP
  });

  it("watchers sharing a store share their history", async () => {
    const store = memoryStore();
    const a = watcherWith({ store });
    const b = watcherWith({ store });
    const k = `key_${randomUUID()}`;
    await a.watcher.observe(used(k, { ip: "192.0.2.1" }));
    await b.watcher.observe(used(k, { ip: "192.0.2.9" }));
    expect(a.alerts).toEqual([]);
    expect(b.alerts.map((x) => x.type)).toEqual(["new-ip"]);
  });

  it("onEvent is a listener that ignores other event types", async () => {
    const { watcher, alerts } = watcherWith();
    watcher.onEvent({ type: "key-expiring" });
    watcher.onEvent(used(`key_${randomUUID()}`, { result: "revoked" }));
    await new Promise((r) => setImmediate(r));
    expect(alerts.map((a) => a.type)).toEqual(["revoked-use"]);
  });
});
