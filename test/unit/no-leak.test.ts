/**
 * Loads distinctive values, drives every error path and event, and searches
 * everything the SDK emitted (messages, cause chains, stacks, events,
 * util.inspect, JSON) for those values.
 */
import { randomBytes } from "node:crypto";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { envProvider } from "../../providers/env/index.js";
import type { Secrets } from "../../src/api.js";
import { UnavailableError } from "../../src/errors.js";
import type { SecretsEvent } from "../../src/events.js";
import { createSecrets } from "../../src/index.js";
import { defineProvider, type ProviderOperations } from "../../src/provider/index.js";
import { redact, trackedCount } from "../../src/redact.js";
import type { ProviderContext } from "../../src/types.js";
import { scriptedProvider } from "../support/fake-provider.js";
import { inline } from "../support/inline-provider.js";

// Distinctive fake values, made at runtime so that no scanner trips on this file.
const mark = () => `LEAKCHECK${randomBytes(6).toString("hex")}`;
const values = {
  plain: mark(),
  jsonPassword: mark(),
  jsonUser: mark(),
  notJson: `${mark()} { oops`,
  binaryText: mark(),
  credential: mark(),
  scripted: mark(),
  // Never loaded: values a caller passes where a reference belongs.
  passedAsRef: `${"sk"}_live_${randomBytes(12).toString("hex")}`,
  urlPassword: mark(),
  colonPassword: mark(),
};
const env: Record<string, string> = {
  PLAIN: values.plain,
  JSON_SECRET: JSON.stringify({
    user: values.jsonUser,
    password: values.jsonPassword,
    nested: { n: 7 },
  }),
  NOT_JSON: values.notJson,
  BIN: Buffer.from(values.binaryText).toString("base64"),
  NOT_BASE64: `${values.plain}!!`,
};

const emitted: string[] = [];
const events: SecretsEvent[] = [];
let secrets: Secrets;
const fake = scriptedProvider();
// Providers that quote loaded values in their own errors (a careless SDK would).
const quoting = (what: string) =>
  new Error(`${what} ${values.plain}`, { cause: new Error(`inner ${values.jsonPassword}`) });
const leaky = inline({
  name: "leaky",
  scheme: "leaky",
  getSecret: async () => Promise.reject(quoting("rejected value")),
  getSecrets: async () => Promise.reject(quoting("batch rejected")),
});
// A provider whose auth material (issued through the client's memo) fails quoting a value.
const memoLeaky = defineProvider({
  name: "memoleaky",
  schemes: { memoleaky: { example: "memoleaky://a" } },
  create: (ctx: ProviderContext) => ({
    getSecret: async () => ({ value: "unused" }),
    getCredentials: async () => ({
      value: await ctx.memo<string>("login", async () =>
        Promise.reject(quoting("memo login rejected")),
      ),
    }),
  }),
})();
const broken = defineProvider({
  name: "broken",
  schemes: { broken: { example: "broken://a" } },
  create: (): ProviderOperations => {
    throw quoting("cannot create with token");
  },
})();

function record(thing: unknown): void {
  emitted.push(inspect(thing, { depth: 20, showHidden: true }));
  try {
    emitted.push(JSON.stringify(thing) ?? "");
  } catch {
    // circular structures are covered by inspect
  }
  let e: unknown = thing;
  for (let i = 0; e instanceof Error && i < 10; i++) {
    emitted.push(e.message, e.stack ?? "", String(e));
    if (e instanceof AggregateError) for (const inner of e.errors) record(inner);
    e = e.cause;
  }
}

async function expectFailure(p: Promise<unknown>): Promise<void> {
  const err = await p.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: unknown) => e,
  );
  record(err);
}

beforeAll(() => {
  vi.useFakeTimers({ now: new Date("2026-11-28T00:00:00Z") });
  secrets = createSecrets({
    providers: { env: envProvider({ env }), fake, leaky, broken, memoleaky: memoLeaky },
    cache: { maxAge: "1m", refreshAhead: 0.5, maxStale: "5m", maxEntries: 100 },
    onEvent: (e) => events.push(e),
  });
});
afterAll(async () => {
  await secrets.close();
  vi.useRealTimers();
});

describe("no secret value ever leaves the SDK", () => {
  it("drives every success path", async () => {
    expect(await secrets.getSecret("env://PLAIN")).toBe(values.plain);
    expect(await secrets.getSecret("env://JSON_SECRET#password")).toBe(values.jsonPassword);
    expect(await secrets.getSecret("env://JSON_SECRET#user")).toBe(values.jsonUser);
    expect(new TextDecoder().decode(await secrets.getSecret("env://BIN", { type: "binary" }))).toBe(
      values.binaryText,
    );
    fake.script("s", { value: values.scripted });
    expect(await secrets.getSecret("fake://s")).toBe(values.scripted);
    fake.script(
      "credentials",
      { value: values.credential, expiresAt: Date.now() + 3_600_000, version: "AKIDEXAMPLE" },
      // A new credential (a new key id) at the renewal: rotated, not renewed.
      { value: values.credential, expiresAt: Date.now() + 7_200_000, version: "AKIDEXAMPLE2" },
    );
    expect(await secrets.getCredentials("fake", { role: "r" })).toEqual({
      token: values.credential,
    });
    record(
      await secrets.load({ A: "env://PLAIN", B: "env://JSON_SECRET#user" }).then(() => "loaded"),
    );
  });

  it("drives every error path", async () => {
    await expectFailure(secrets.getSecret("env://NOT_JSON", { type: "json" }));
    await expectFailure(secrets.getSecret("env://NOT_JSON#field"));
    await expectFailure(secrets.getSecret("env://JSON_SECRET#missing.deeper"));
    await expectFailure(secrets.getSecret("env://JSON_SECRET#user.inner"));
    await expectFailure(secrets.getSecret("env://NOT_BASE64", { type: "binary" }));
    await expectFailure(secrets.getSecret("env://PLAIN#x"));
    await expectFailure(secrets.getSecret("env://ABSENT"));
    await expectFailure(secrets.getSecret("env://VITE_PLAIN"));
    await expectFailure(secrets.getSecret(`env://${values.plain} `));
    // A value passed where a reference belongs (a common slip) is not echoed.
    await expectFailure(secrets.getSecret(mark().toLowerCase()));
    await expectFailure(secrets.getSecret(`${values.jsonUser}x`));
    await expectFailure(secrets.getSecret("nope://x"));
    await expectFailure(secrets.getCredentials("env"));
    await expectFailure(
      secrets.load({
        A: "env://NOT_JSON#a",
        B: "env://JSON_SECRET#nope",
        C: "env://ABSENT",
        D: { ref: "env://NOT_BASE64", type: "binary" },
        E: "env://PLAIN",
      }),
    );
    // Values passed where references belong, in load() and getSecret().
    await expectFailure(
      secrets.load({
        STRIPE_KEY: values.passedAsRef,
        DB: `postgres://app:${values.urlPassword}@db:5432/app`,
        ADMIN: `admin:${values.colonPassword}`,
      }),
    );
    await expectFailure(secrets.getSecret(values.passedAsRef));
    await expectFailure(secrets.getSecret(`postgres://app:${values.urlPassword}@db/app`));
    await expectFailure(secrets.getSecret(`admin:${values.colonPassword}`));
    // Providers, their creation and their batches that quote loaded values.
    await expectFailure(secrets.getSecret("leaky://a"));
    await expectFailure(secrets.load({ A: "leaky://a", B: "leaky://b" }));
    await expectFailure(secrets.getSecret("broken://a"));
    await expectFailure(secrets.getCredentials("memoleaky" as never));
    // A dotenv file that cannot be read.
    const dotenvClient = createSecrets({
      providers: { env: envProvider({ env: {}, dotenvPath: "/nonexistent/.env" }) },
    });
    await expectFailure(dotenvClient.getSecret("env://PLAIN"));
    await dotenvClient.close();
  });

  it("drives refresh, stale, error and eviction events", async () => {
    fake.script("s", {
      error: new UnavailableError({ provider: "fake", message: "fake provider down" }),
    });
    vi.advanceTimersByTime(40_000); // refresh-ahead window for fake://s
    expect(await secrets.getSecret("fake://s")).toBe(values.scripted);
    await vi.advanceTimersByTimeAsync(30_000); // expired: served stale
    expect(await secrets.getSecret("fake://s")).toBe(values.scripted);
    await secrets.getCredentials("fake", { role: "r" }); // used, so renewed before expiry
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(events.some((e) => e.type === "credentials" && e.action === "rotated")).toBe(true);
    secrets.invalidate("env://PLAIN");
    secrets.clear();
    const types = new Set(events.map((e) => e.type));
    for (const t of ["miss", "fetch", "hit", "refresh", "error", "stale", "credentials", "evict"]) {
      expect(types, `event type ${t}`).toContain(t);
    }
  });

  it("inspect and JSON of the client show no value", () => {
    record(secrets);
    record(inspect(secrets));
  });

  it("finds none of the values in anything emitted", () => {
    for (const e of events) record(e);
    const haystack = emitted.join("\n");
    for (const [name, value] of Object.entries(values)) {
      const at = haystack.indexOf(value);
      if (at !== -1)
        console.error(name, JSON.stringify(haystack.slice(Math.max(0, at - 300), at + 50)));
    }
    expect(haystack.length).toBeGreaterThan(1000);
    for (const [name, value] of Object.entries(values)) {
      expect(haystack.includes(value), `${name} leaked`).toBe(false);
    }
    // The base64 form of the binary secret must not leak either.
    expect(haystack.includes(env.BIN as string)).toBe(false);
  });
});

describe("redact()", () => {
  it("masks every value currently loaded, including JSON leaves and binary text", async () => {
    const client = createSecrets({ providers: { env: envProvider({ env }) } });
    await client.getSecret("env://PLAIN");
    await client.getSecret("env://JSON_SECRET#password");
    await client.getSecret("env://BIN", { type: "binary" });
    const line = `a=${values.plain} b=${values.jsonPassword} c=${values.jsonUser} d=${values.binaryText} e=ok`;
    expect(redact(line)).toBe("a=[REDACTED] b=[REDACTED] c=[REDACTED] d=[REDACTED] e=ok");
    const before = trackedCount();
    await client.close();
    expect(trackedCount()).toBeLessThan(before);
    expect(redact(`x ${values.plain}`)).toBe(`x ${values.plain}`);
  });

  it("masks the leaves of a JSON value a provider returns as bytes", async () => {
    const password = `pw-${randomBytes(8).toString("hex")}`;
    const bytes = inline({
      name: "bytes",
      scheme: "bytes",
      getSecret: async () => ({
        value: new TextEncoder().encode(JSON.stringify({ user: "app", password })),
      }),
    });
    const client = createSecrets({ builtins: false, providers: { bytes } });
    await client.getSecret("bytes://db"); // the whole value, no #field asked for
    expect(redact(`pw=${password}`)).toBe("pw=[REDACTED]");
    await client.close();
  });

  it("leaves short values and non-matching text alone", async () => {
    const client = createSecrets({
      providers: { env: envProvider({ env: { SHORT: "abc", LONGER: "abcdefgh" } }) },
    });
    await client.getSecret("env://SHORT");
    await client.getSecret("env://LONGER");
    expect(redact("abc abcdefgh")).toBe("abc [REDACTED]");
    await client.close();
  });
});
