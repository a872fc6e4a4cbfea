/**
 * The declaration is the single source of truth: the built-ins plus a
 * third-party fixture (own scheme, alias, suggestion, options check, typed
 * credentials, doctor facet) composed through the function the package root
 * uses, with nothing in src/ naming the fixture. The parser, the CLI's option
 * check, the doctor, typed getCredentials, the import-cost list of optional
 * peers and the conformance suite all pick it up.
 */

import { afterEach, describe, expect, expectTypeOf, it } from "vitest";
import { checkProviderOptions } from "../../../src/cli/config/provider-options.js";
import { validateConfig } from "../../../src/cli/config/validate.js";
import { DoctorContext } from "../../../src/cli/doctor/context.js";
import { type ItemReport, runChecks } from "../../../src/cli/doctor/run.js";
import {
  BUILTIN_PROVIDERS,
  builtins,
  compose,
  type Secrets,
  SecretsError,
} from "../../../src/index.js";
import { testProvider } from "../../../src/provider/testing/index.js";
import { type MemCredentials, memProvider } from "../../fixtures/providers/mem/index.js";
import { optionalPeersOf } from "../../support/peers.js";
import { makeProject } from "../cli/support/project.js";

const VALUE = `mem-composed-${Date.now().toString(36)}-Kq7`;
const composed = compose([...BUILTIN_PROVIDERS, memProvider]);
let secrets: Secrets | undefined;
afterEach(async () => {
  await secrets?.close();
  secrets = undefined;
});

describe("a composition of the built-ins and a third-party provider", () => {
  it("the root's own composition is the same function over the built-ins", () => {
    expect(builtins.providers).toEqual(BUILTIN_PROVIDERS);
    expect(composed.schemes()).toEqual([...builtins.schemes(), "mem"]);
    expect(() => compose([memProvider, memProvider])).toThrow(/two providers are named "mem"/);
  });

  it("parses its scheme, alias and suggestion from the declaration", () => {
    expect(composed.parseReference("memory://app/key").source).toBe("mem://app/key");
    const bad = (() => {
      try {
        composed.parseReference("mem://App/Key");
      } catch (e) {
        return e;
      }
    })();
    expect(SecretsError.is(bad, "INVALID_REFERENCE")).toBe(true);
    expect(() => composed.parseReference("ram://app/key")).toThrow(/did you mean "mem"/);
    // The root's parser (the built-ins alone) does not know it; the built-ins' suggestions hold.
    expect(() => builtins.parseReference("mem://app/key")).toThrow(/unknown scheme "mem"/);
    expect(() => builtins.parseReference("ssm://x")).toThrow(/did you mean "aws-ssm"/);
  });

  it("checks its options in the CLI config with its own check", async () => {
    const config = validateConfig({ providers: { mem: { data: { a: 5 } } } }, "c.json");
    const err = await checkProviderOptions(config.providers, "c.json", composed.providers).catch(
      (e: unknown) => e as Error & { keyPath: string },
    );
    expect(err?.keyPath).toBe("providers.mem.data.a");
    expect(err?.message).toContain("must be a string");
    // Unknown to the built-in list, so not checked there (the module path imports it first).
    await expect(checkProviderOptions(config.providers, "c.json")).resolves.toBeUndefined();
  });

  it("types getCredentials from its declaration merging, and issues them", async () => {
    secrets = composed.createSecrets({ providers: { mem: memProvider({ data: {} }) } });
    const creds = await secrets.getCredentials("mem", { role: "reader" });
    expectTypeOf(creds).toEqualTypeOf<MemCredentials>();
    const token: string = creds.token;
    expect(token).toMatch(/^mem-token-1-reader/);
  });

  it("lists its optional peers with the built-ins' (the import-cost test's list)", () => {
    const peers = optionalPeersOf(composed.providers);
    expect(peers.has("@example/mem-client")).toBe(true);
    expect(peers.has("@aws-sdk/client-sts")).toBe(true);
    expect(optionalPeersOf(BUILTIN_PROVIDERS).has("@example/mem-client")).toBe(false);
  });

  it("is in the doctor's provider list, with its guidance and typed evidence, without a module", async () => {
    const dir = makeProject({
      "secrets.config.json": JSON.stringify({
        providers: { mem: { data: { "app/key": VALUE } } },
        references: { KEY: "mem://app/key", ALIASED: "memory://app/key" },
      }),
    });
    const file = `${dir}/secrets.config.json`;
    const config = validateConfig(
      {
        providers: { mem: { data: { "app/key": VALUE } } },
        references: { KEY: "mem://app/key", ALIASED: "memory://app/key" },
      },
      file,
      composed,
    );
    // The root's composition does not know the scheme.
    expect(() => validateConfig({ references: { KEY: "mem://app/key" } }, file)).toThrow(
      /unknown scheme "mem"/,
    );
    const ctx = new DoctorContext(dir, config, file, { env: {}, composition: composed });
    let items: ItemReport[];
    try {
      expect([...(await ctx.declarations()).keys()]).toEqual([
        ...BUILTIN_PROVIDERS.map((p) => p.declaration.name),
        "mem",
      ]);
      items = await runChecks(ctx);
    } finally {
      await ctx.close();
    }
    const item = (id: string) => items.find((i) => i.id === id) as ItemReport;
    expect(ctx.references().map((r) => r.provider)).toEqual(["mem", "mem"]);
    expect(item("ip-restrictions").results[0]?.fix).toBe(
      "mem guidance: bind the memory store to 127.0.0.1.",
    );
    expect(item("rotation").results.map((r) => r.evidence)).toContain(
      "mem: 0 tokens issued, each for 10 minutes",
    );
    expect(item("short-lived").results.map((r) => r.status)).toEqual(["pass"]);
    expect(item("references-resolve").status).toBe("pass");
    expect(JSON.stringify(items)).not.toContain(VALUE);
  });
});

testProvider(
  { describe, it, expect },
  {
    name: "mem",
    provider: () => memProvider({ data: { "app/key": VALUE, "app/other": `${VALUE}-2` } }),
    present: { ref: "mem://app/key", value: VALUE },
    another: { ref: "memory://app/other", value: `${VALUE}-2` },
    missing: "mem://app/missing",
    denied: { unsupported: "the memory map checks no permissions" },
    invalid: "mem://App",
    hang: { unsupported: "the memory map answers in process" },
    capabilities: { batch: false, leases: false, credentials: { request: { role: "reader" } } },
  },
);
