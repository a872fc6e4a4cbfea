/**
 * An unknown key must take the known key's path: the same constant-time comparison (against
 * a dummy record) and the same checks. node:crypto's timingSafeEqual is wrapped in a spy
 * (still the real function) to see that it runs, with equal-length inputs, in both cases.
 */
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createKeyring } from "../../../src/keys/keyring.js";
import { fakePepper, memoryStore } from "./support.js";

// The keys module loads node:crypto with process.getBuiltinModule, which returns this same
// exports object, so a spy on it sees every call (and still runs the real function).
const crypto = process.getBuiltinModule("node:crypto");
const spy = vi.spyOn(crypto, "timingSafeEqual");
const calls = () => spy.mock.calls.map(([a, b]) => [a.byteLength, b.byteLength]);
afterAll(() => spy.mockRestore());

describe("the dummy-record path", () => {
  beforeEach(() => {
    spy.mockClear();
  });

  it("known and unknown keys both make exactly one constant-time comparison of equal lengths", async () => {
    const keys = createKeyring({ pepper: fakePepper() });
    const known = await keys.issueKey({ prefix: "a_", scopes: ["read"] });
    const unknown = await keys.issueKey({ prefix: "a_", scopes: ["read"] });
    const store = memoryStore(known.record);

    expect((await keys.verifyKey(known.key, store.lookup, { scope: "read" })).ok).toBe(true);
    expect(calls()).toEqual([[43, 43]]);
    spy.mockClear();
    expect(await keys.verifyKey(unknown.key, store.lookup, { scope: "read" })).toEqual({
      ok: false,
      reason: "unknown",
    });
    expect(calls()).toEqual([[43, 43]]);
  });

  it("a stored hash of the wrong length is compared against the dummy, not skipped", async () => {
    const keys = createKeyring({ pepper: fakePepper() });
    const { key, record } = await keys.issueKey({ prefix: "a_", scopes: [] });
    expect(await keys.verifyKey(key, () => ({ ...record, hash: "AAAA" }))).toEqual({
      ok: false,
      reason: "unknown",
    });
    expect(calls()).toEqual([[43, 43]]);
  });

  it("malformed input and bad checksums stop before hashing (no comparison)", async () => {
    const keys = createKeyring({ pepper: fakePepper() });
    await keys.verifyKey("acme_live_nope", () => undefined);
    expect(calls()).toEqual([]);
  });
});
