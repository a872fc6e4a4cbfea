// The provider kit's conformance suite, run on this provider with Node's own
// test runner (any runner works: testProvider takes describe, it and expect).
//
//   node --test examples/custom-provider/conformance.test.mjs
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { testProvider } from "secrets-loader/provider/testing";
import { jsonFileProvider } from "./provider.mjs";

// node:test has no expect(): the few matchers the suite uses, on node:assert.
const expect = (actual) => {
  const matchers = (negate) => {
    const check = (ok, message) => assert.ok(negate ? !ok : ok, message);
    return {
      toBe: (expected) => check(Object.is(actual, expected), `${actual} vs ${expected}`),
      toEqual: (expected) => check(isDeepEqual(actual, expected), "deep equality"),
      toContain: (part) => check(actual.includes(part), "contains"),
    };
  };
  return { ...matchers(false), not: matchers(true) };
};
const isDeepEqual = (a, b) => {
  try {
    assert.deepStrictEqual(a, b);
    return true;
  } catch {
    return false;
  }
};

testProvider(
  { describe, it, expect },
  {
    name: "json-file",
    provider: () => jsonFileProvider({ path: new URL("./secrets.json", import.meta.url) }),
    present: { ref: "file://stripe", value: "demo-stripe-key-not-real" },
    another: { ref: "file://database#user", value: "app" },
    missing: "file://missing",
    denied: { unsupported: "a local file has no per-key permissions" },
    invalid: "file://bad!key",
    hang: { unsupported: "a local file read does not hang" },
    capabilities: { batch: false, leases: false, credentials: false },
  },
);
