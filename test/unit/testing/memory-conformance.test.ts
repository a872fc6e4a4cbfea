/**
 * The memory provider passes the provider kit's conformance suite, as every
 * built-in provider does: it behaves like a backend, not like a stub.
 */
import { describe, expect, it } from "vitest";
import { testProvider } from "../../../src/provider/testing/index.js";
import { type MemoryProvider, memoryProvider } from "../../../src/testing/index.js";

const VALUE = ["memory", "conformance", Date.now().toString(36)].join("-");
const OTHER = ["memory", "other", Date.now().toString(36)].join("-");

// The last provider made: hang() delays its reads far past any deadline.
let current: MemoryProvider | undefined;

testProvider(
  { describe, it, expect },
  {
    name: "memory",
    provider: () => {
      const memory = memoryProvider({
        "aws-sm://app/key": VALUE,
        "vault://secret/other": OTHER,
        "vault://database/creds/ro": { value: `{"password":"${OTHER}-pw"}`, lease: { ttl: "1h" } },
        "env://DENIED_ONE": "x-denied-value",
      });
      memory.fail("env://DENIED_ONE", "ACCESS_DENIED");
      current = memory;
      return memory;
    },
    present: { ref: "aws-sm://app/key", value: VALUE },
    another: { ref: "vault://secret/other", value: OTHER },
    missing: "aws-sm://app/absent",
    denied: "env://DENIED_ONE",
    invalid: "aws-sm://prod/db?versionStag=AWSCURRENT",
    hang: {
      start: async () => current?.delay("*", "1h"),
      stop: async () => current?.delay("*", 0),
    },
    capabilities: { batch: true, leases: { ref: "vault://database/creds/ro" }, credentials: false },
  },
);
