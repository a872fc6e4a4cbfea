/**
 * An unknown key must take the known key's path: the same constant-time comparison (against
 * a dummy record) and the same checks. node:crypto's timingSafeEqual is wrapped in a spy
 * (still the real function) to see that it runs, with equal-length inputs, in both cases.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";

const spy = vi.hoisted(() => ({ calls: [] as [number, number][] }));
vi.mock("node:crypto", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:crypto")>();
  return {
    ...real,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      spy.calls.push([a.byteLength, b.byteLength]);
      return real.timingSafeEqual(a, b);
    },
  };
});

const { createKeyring } = await import("../../../src/keys/keyring.js");
const { fakePepper, memoryStore } = await import("./support.js");

describe("the dummy-record path", () => {
  beforeEach(() => {
    spy.calls.length = 0;
  });

  it("known and unknown keys both make exactly one 32-byte constant-time comparison", async () => {
    const keys = createKeyring({ pepper: fakePepper() });
    const known = await keys.issueKey({ prefix: "a_", scopes: ["read"] });
    const unknown = await keys.issueKey({ prefix: "a_", scopes: ["read"] });
    const store = memoryStore(known.record);

    expect((await keys.verifyKey(known.key, store.lookup, { scope: "read" })).ok).toBe(true);
    expect(spy.calls).toEqual([[32, 32]]);
    spy.calls.length = 0;
    expect(await keys.verifyKey(unknown.key, store.lookup, { scope: "read" })).toEqual({
      ok: false,
      reason: "unknown",
    });
    expect(spy.calls).toEqual([[32, 32]]);
  });

  it("a stored hash of the wrong length is compared against the dummy, not skipped", async () => {
    const keys = createKeyring({ pepper: fakePepper() });
    const { key, record } = await keys.issueKey({ prefix: "a_", scopes: [] });
    expect(await keys.verifyKey(key, () => ({ ...record, hash: "AAAA" }))).toEqual({
      ok: false,
      reason: "unknown",
    });
    expect(spy.calls).toEqual([[32, 32]]);
  });

  it("malformed input and bad checksums stop before hashing (no comparison)", async () => {
    const keys = createKeyring({ pepper: fakePepper() });
    await keys.verifyKey("acme_live_nope", () => undefined);
    expect(spy.calls).toEqual([]);
  });
});
