import { describe, expect, it } from "vitest";
import { envProvider } from "../../../providers/env/index.js";
import { testProvider } from "../../../src/provider/testing/index.js";
import { leasingProvider, staticValue } from "../../support/leasing-provider.js";

// The env provider, with values fake but distinctive.
const envValue = `env-conformance-${Date.now().toString(36)}-q7Z`;
testProvider(
  { describe, it, expect },
  {
    name: "env",
    provider: () =>
      envProvider({ env: { SL_CONF_PRESENT: envValue, SL_CONF_OTHER: `${envValue}-other` } }),
    present: { ref: "env://SL_CONF_PRESENT", value: envValue },
    another: { ref: "env://SL_CONF_OTHER", value: `${envValue}-other` },
    missing: "env://SL_CONF_MISSING",
    denied: { unsupported: "the environment has no permissions to deny" },
    invalid: "env://NEXT_PUBLIC_KEY",
    hang: { unsupported: "reading the environment cannot hang" },
    capabilities: { batch: false, leases: false, credentials: false },
  },
);

// A scripted leasing backend (the kind a Vault database engine is).
testProvider(
  { describe, it, expect },
  {
    name: "leasing",
    provider: () => leasingProvider({ ttl: 60_000, maxTtl: 150_000 }),
    present: { ref: "lease://static/app", value: staticValue("static/app") },
    another: { ref: "lease://static/other", value: staticValue("static/other") },
    missing: "lease://db/creds/missing",
    denied: { unsupported: "the scripted backend checks no permissions" },
    invalid: "lease://Bad_Path",
    hang: { unsupported: "the scripted backend answers in memory" },
    capabilities: {
      batch: false,
      leases: { ref: "lease://db/creds/readonly#password" },
      credentials: false,
    },
  },
);
