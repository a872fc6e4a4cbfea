import { afterEach, describe, expect, expectTypeOf, it, vi } from "vitest";
import { envProvider } from "../../providers/env/index.js";
import type { Secrets } from "../../src/api.js";
import {
  AccessDeniedError,
  ClientClosedError,
  ConfigError,
  InvalidReferenceError,
  LoadError,
  NoProviderError,
  NotFoundError,
  ProviderError,
  SecretsError,
  UnavailableError,
} from "../../src/errors.js";
import { createSecrets } from "../../src/index.js";
import { defineProvider, type ProviderOperations } from "../../src/provider/index.js";
import type { Issued, JsonValue, ParsedRef } from "../../src/types.js";
import { scriptedProvider } from "../support/fake-provider.js";
import { inline } from "../support/inline-provider.js";

let secrets: Secrets | undefined;
afterEach(async () => {
  await secrets?.close();
  secrets = undefined;
});

function batchingProvider(data: Record<string, string>) {
  const log: { single: string[]; batches: string[][] } = { single: [], batches: [] };
  const provider = inline({
    name: "batch",
    scheme: "kv",
    async getSecret(ref: ParsedRef) {
      log.single.push(ref.path);
      const value = data[ref.path];
      if (value === undefined) throw new NotFoundError({ provider: "batch", reference: ref.raw });
      return { value };
    },
    async getSecrets(refs: readonly ParsedRef[]) {
      log.batches.push(refs.map((r) => r.path));
      return refs.map((r): Issued | Error => {
        const value = data[r.path];
        return value === undefined
          ? new NotFoundError({ provider: "batch", reference: r.raw })
          : { value };
      });
    },
  });
  return { provider, log };
}

describe("load()", () => {
  it("resolves many references concurrently, typed by entry", async () => {
    process.env.SL_TEST_A = "alpha-value";
    process.env.SL_TEST_JSON = '{"port":5432,"host":"db"}';
    secrets = createSecrets();
    const out = await secrets.load({
      A: "env://SL_TEST_A",
      PORT: "env://SL_TEST_JSON#port",
      CFG: { ref: "env://SL_TEST_JSON", type: "json" },
      MISSING: { ref: "env://SL_TEST_NOT_SET", optional: true },
    });
    expect(out).toEqual({
      A: "alpha-value",
      PORT: "5432",
      CFG: { port: 5432, host: "db" },
      MISSING: undefined,
    });
    expect(Object.isFrozen(out.CFG)).toBe(true);
  });

  it("reports every failure in one error, without values", async () => {
    process.env.SL_TEST_OK = "ok-value-123";
    // Built-ins off, env registered: gcp-sm:// still parses, and has no provider here.
    secrets = createSecrets({ builtins: false, providers: { env: envProvider() } });
    const err = await secrets
      .load({
        OK: "env://SL_TEST_OK",
        GONE: "env://SL_TEST_GONE",
        BAD: "env:/oops",
        PUBLIC: "env://VITE_KEY",
        NOPROV: "gcp-sm://projects/acme-prod/secrets/app/versions/latest",
        FIELD: "env://SL_TEST_OK#nested",
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LoadError);
    const load = err as LoadError;
    expect(load.failures.map((f) => [f.name, f.code])).toEqual([
      ["GONE", "NOT_FOUND"],
      ["BAD", "INVALID_REFERENCE"],
      ["PUBLIC", "INVALID_REFERENCE"],
      ["NOPROV", "NO_PROVIDER"],
      ["FIELD", "INVALID_VALUE"],
    ]);
    expect(load.message).toContain("Failed to load 5 of 6 secret(s)");
    expect(load.message).toContain("GONE (env://SL_TEST_GONE)");
    expect(load.message).not.toContain("ok-value-123");
    expect(load.cause).toBeInstanceOf(AggregateError);
  });

  it("uses a provider's batch API for the misses, once", async () => {
    const { provider, log } = batchingProvider({ a: "1", b: "2", c: "3" });
    secrets = createSecrets({ providers: { batch: provider } });
    await secrets.getSecret("kv://a");
    const out = await secrets
      .load({ A: "kv://a", B: "kv://b", C: "kv://c", C2: "kv://c", MISSING: "kv://zz" })
      .catch((e: LoadError) => e);
    expect(out).toBeInstanceOf(LoadError);
    expect((out as LoadError).failures.map((f) => f.name)).toEqual(["MISSING"]);
    expect(log.batches).toEqual([["b", "c", "zz"]]);
    expect(log.single).toEqual(["a"]);
    // Values fetched by the batch are cached like any other.
    expect(await secrets.getSecret("kv://b")).toBe("2");
    expect(log.single).toEqual(["a"]);
  });

  it("wraps a non-typed provider failure, keeping the cause", async () => {
    const boom = new Error("socket hang up");
    secrets = createSecrets({
      providers: {
        flaky: inline({
          name: "flaky",
          scheme: "flaky",
          getSecret: async () => Promise.reject(boom),
        }),
      },
    });
    const err = await secrets.getSecret("flaky://x").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).cause).toBe(boom);
    expect((err as ProviderError).provider).toBe("flaky");
  });
});

describe("providers", () => {
  it("creates a lazily registered provider once, on first use", async () => {
    let created = 0;
    secrets = createSecrets({
      providers: {
        mem: defineProvider({
          name: "mem",
          schemes: { mem: { example: "mem://a" } },
          create: () => {
            created++;
            return { getSecret: async (ref: ParsedRef) => ({ value: `v-${ref.path}` }) };
          },
        })(),
      },
    });
    expect(created).toBe(0);
    await Promise.all([secrets.getSecret("mem://a"), secrets.getSecret("mem://b")]);
    expect(created).toBe(1);
  });

  it("stamps the registered name on every error and event of a provider", async () => {
    const events: string[] = [];
    secrets = createSecrets({
      builtins: false,
      providers: { "prod-env": envProvider({ env: { SET: "v" } }) },
      onEvent: (e) => events.push(e.provider),
    });
    const err = await secrets.getSecret("env://UNSET_VAR").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as NotFoundError).provider).toBe("prod-env");
    expect(await secrets.getSecret("env://SET")).toBe("v");
    expect(events.length).toBeGreaterThan(0);
    expect(new Set(events)).toEqual(new Set(["prod-env"]));
    // An event a provider emits itself through its context carries the name too.
    const own: string[] = [];
    const named = createSecrets({
      builtins: false,
      providers: {
        "mem-b": defineProvider({
          name: "mem",
          schemes: { mem: { example: "mem://a" } },
          create: (ctx) => ({
            getSecret: async () => {
              ctx.emit({ type: "miss", time: Date.now(), provider: "mem", reference: "mem://a" });
              return { value: "v" };
            },
          }),
        })(),
      },
      onEvent: (e) => own.push(e.provider),
    });
    await named.getSecret("mem://a");
    await named.close();
    expect(new Set(own)).toEqual(new Set(["mem-b"]));
  });

  it("a call's memo issues under that call's own timeout, not the client's", async () => {
    let loginSignal: AbortSignal | undefined;
    secrets = createSecrets({
      builtins: false,
      timeout: "1h",
      providers: {
        slowauth: defineProvider({
          name: "slowauth",
          schemes: { slowauth: { example: "slowauth://a" } },
          create: () => ({
            getSecret: async (_ref, call) => ({
              value: await call.memo<string>("login", (signal) => {
                loginSignal = signal;
                return new Promise(() => {}); // a login that never answers
              }),
            }),
          }),
        })(),
      },
    });
    const err = await secrets.getSecret("slowauth://a", { timeout: 50 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnavailableError);
    await new Promise((r) => setTimeout(r, 50));
    // The login was aborted by the call's 50 ms deadline, not left running for an hour.
    expect(loginSignal?.aborted).toBe(true);
  });

  it("the memo given at creation also issues under the running call's timeout", async () => {
    let loginSignal: AbortSignal | undefined;
    secrets = createSecrets({
      builtins: false,
      timeout: "1h",
      providers: {
        slowauth: defineProvider({
          name: "slowauth",
          schemes: { slowauth: { example: "slowauth://a" } },
          // The memo captured once, at creation, as the built-in providers do.
          create: ({ memo }) => ({
            getSecret: async () => ({
              value: await memo<string>("login", (signal) => {
                loginSignal = signal;
                return new Promise(() => {}); // a login that never answers
              }),
            }),
          }),
        })(),
      },
    });
    const err = await secrets.getSecret("slowauth://a", { timeout: 50 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnavailableError);
    await new Promise((r) => setTimeout(r, 50));
    // Aborted by the call's 50 ms deadline, not left running for the client's hour.
    expect(loginSignal?.aborted).toBe(true);
  });

  it("the memo given at creation may take longer than the client's timeout when the call allows it", async () => {
    secrets = createSecrets({
      builtins: false,
      timeout: 30,
      providers: {
        slowauth: defineProvider({
          name: "slowauth",
          schemes: { slowauth: { example: "slowauth://a" } },
          create: ({ memo }) => ({
            getSecret: async () => ({
              value: await memo<string>("login", async () => {
                await new Promise((r) => setTimeout(r, 120)); // slower than the client's 30 ms
                return { value: "memo-login-token", expiresAt: Date.now() + 3_600_000 };
              }),
            }),
          }),
        })(),
      },
    });
    expect(await secrets.getSecret("slowauth://a", { timeout: "5s" })).toBe("memo-login-token");
  });

  it("a provider that fails to create is retried next time", async () => {
    let attempts = 0;
    secrets = createSecrets({
      providers: {
        mem: defineProvider({
          name: "mem",
          schemes: { mem: { example: "mem://a" } },
          create: () => {
            attempts++;
            if (attempts === 1) throw new AccessDeniedError({ provider: "mem" });
            return { getSecret: async () => ({ value: "v" }) };
          },
        })(),
      },
    });
    await expect(secrets.getSecret("mem://a")).rejects.toBeInstanceOf(AccessDeniedError);
    expect(await secrets.getSecret("mem://a")).toBe("v");
  });

  it("can register a provider after creation, overriding a built-in scheme", async () => {
    secrets = createSecrets();
    const fake = scriptedProvider("myenv", "env");
    fake.script("*", { value: "from-custom" });
    secrets.register("myenv", fake);
    expect(await secrets.getSecret("env://ANYTHING")).toBe("from-custom");
    expect(await secrets.provider("myenv")).toBe(fake);
  });

  it("rejects malformed registrations with a clear ConfigError", () => {
    secrets = createSecrets();
    expect(() => secrets?.register("x", {} as never)).toThrow(ConfigError);
    // A plain object with getSecret is not a provider: it is declared with defineProvider.
    expect(() =>
      secrets?.register("x", { getSecret: async () => ({ value: "" }) } as never),
    ).toThrow(/defineProvider/);
    expect(() =>
      secrets?.register(
        "x",
        inline({ name: "x", scheme: "9bad", getSecret: async () => ({ value: "" }) }),
      ),
    ).toThrow(/scheme/);
  });

  it("names the missing provider and how to register one", async () => {
    secrets = createSecrets({ builtins: false });
    const err = await secrets.getSecret("env://X").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoProviderError);
    expect((err as Error).message).toMatch(/createSecrets\(\{ providers/);
    await expect(secrets.getCredentials("nope")).rejects.toThrow(/No provider named "nope"/);
    await expect(secrets.provider("nope")).rejects.toBeInstanceOf(NoProviderError);
  });

  it("says when a provider does not issue credentials", async () => {
    secrets = createSecrets();
    await expect(secrets.getCredentials("env")).rejects.toThrow(/does not issue credentials/);
  });

  it("describe() returns undefined when the provider has no metadata", async () => {
    secrets = createSecrets();
    expect(await secrets.describe("env://HOME")).toBeUndefined();
  });

  it("rejects a bad reference before calling any provider", async () => {
    const fake = scriptedProvider();
    secrets = createSecrets({ providers: { fake } });
    await expect(secrets.getSecret("fake://a?nope=1")).rejects.toBeInstanceOf(
      InvalidReferenceError,
    );
    await expect(secrets.getSecret("fake://a", { type: "yaml" as "json" })).rejects.toThrow(
      /type must be/,
    );
    // load() says the same, as a configuration error (the caller's mistake, not the provider's).
    const err = await secrets
      .load({ A: { ref: "fake://a", type: "yaml" as "json" } })
      .catch((e) => e);
    expect(err.failures[0]).toMatchObject({ name: "A", code: "INVALID_CONFIG" });
    expect(fake.calls).toEqual([]);
  });
});

describe("errors", () => {
  it("SecretsError.is works across copies of the module", async () => {
    // A second module instance stands for a second bundle or installed copy.
    vi.resetModules();
    // @ts-expect-error: the query string only exists to force a fresh module instance
    const copy = (await import("../../src/errors.js?copy")) as typeof import("../../src/errors.js");
    const fromDist = new copy.NotFoundError({ reference: "env://X" });
    expect(fromDist instanceof NotFoundError).toBe(false);
    expect(SecretsError.is(fromDist)).toBe(true);
    expect(SecretsError.is(fromDist, "NOT_FOUND")).toBe(true);
    expect(SecretsError.is(fromDist, "THROTTLED")).toBe(false);
    expect(SecretsError.is(new Error("x"))).toBe(false);
    expect(SecretsError.is({ code: "NOT_FOUND" })).toBe(false);
  });

  it("keeps cause, code, provider and reference; serialises safely", () => {
    const cause = new Error("sdk said no");
    const err = new AccessDeniedError({ provider: "aws", reference: "aws-sm://prod/db", cause });
    expect(err.cause).toBe(cause);
    expect(err.name).toBe("AccessDeniedError");
    expect(JSON.parse(JSON.stringify(err))).toEqual({
      name: "AccessDeniedError",
      code: "ACCESS_DENIED",
      message: err.message,
      provider: "aws",
      reference: "aws-sm://prod/db",
    });
  });
});

describe("types", () => {
  it("load() results are typed per entry", async () => {
    process.env.SL_TYPES = '{"a":1}';
    secrets = createSecrets();
    const out = await secrets.load({
      S: "env://SL_TYPES",
      J: { ref: "env://SL_TYPES", type: "json" },
      B: { ref: "env://SL_TYPES_B64", type: "binary", optional: true },
      O: { ref: "env://SL_TYPES_MISSING", optional: true },
    });
    expectTypeOf(out.S).toEqualTypeOf<string>();
    expectTypeOf(out.J).toEqualTypeOf<JsonValue>();
    expectTypeOf(out.B).toEqualTypeOf<Uint8Array | undefined>();
    expectTypeOf(out.O).toEqualTypeOf<string | undefined>();
    const pending = secrets.getSecret("env://SL_TYPES_UNSET", { type: "binary" });
    pending.catch(() => {}); // only its type matters here
    expectTypeOf(pending).toEqualTypeOf<Promise<Uint8Array>>();
    expect(out.J).toEqual({ a: 1 });
  });
});

describe("review fixes", () => {
  it("load() uses the batch API again once cached entries expire", async () => {
    vi.useFakeTimers();
    try {
      const { provider, log } = batchingProvider({ a: "1", b: "2" });
      secrets = createSecrets({
        providers: { batch: provider },
        cache: { maxAge: "1m", refreshAhead: 0 },
      });
      await secrets.load({ A: "kv://a", B: "kv://b" });
      vi.advanceTimersByTime(60_000);
      await secrets.load({ A: "kv://a", B: "kv://b" });
      expect(log.batches).toEqual([
        ["a", "b"],
        ["a", "b"],
      ]);
      expect(log.single).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("a whole batch failure becomes each reference's typed failure", async () => {
    const raw = new Error("connect ECONNREFUSED 127.0.0.1:1");
    secrets = createSecrets({
      providers: {
        batch: inline({
          name: "batch",
          scheme: "kv",
          getSecret: async () => ({ value: "x" }),
          getSecrets: async () => Promise.reject(raw),
        }),
      },
    });
    const err = (await secrets
      .load({ A: "kv://a", B: "kv://b" })
      .catch((e: unknown) => e)) as LoadError;
    expect(err.failures.map((f) => f.code)).toEqual(["PROVIDER_ERROR", "PROVIDER_ERROR"]);
    expect(err.failures[0]?.error.cause).toBe(raw);
  });

  it("a provider whose creation fails surfaces as a typed error with the cause", async () => {
    const boom = new Error("bad options");
    secrets = createSecrets({
      providers: {
        mem: defineProvider({
          name: "mem",
          schemes: { mem: { example: "mem://a" } },
          create: (): ProviderOperations => {
            throw boom;
          },
        })(),
      },
    });
    const err = await secrets.getSecret("mem://a").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as Error).message).toContain('Provider "mem" could not be created');
    expect((err as Error).cause).toBe(boom);
    await expect(secrets.getCredentials("mem")).rejects.toBeInstanceOf(ProviderError);
    await expect(secrets.describe("mem://a")).rejects.toBeInstanceOf(ProviderError);
  });

  it("close() closes a provider that was still being created", async () => {
    let release = () => {};
    const ready = new Promise<void>((r) => {
      release = r;
    });
    let closed = 0;
    secrets = createSecrets({
      providers: {
        slow: defineProvider({
          name: "slow",
          schemes: { slow: { example: "slow://a" } },
          create: async () => {
            await ready;
            return {
              getSecret: async () => ({ value: "v" }),
              close: async () => {
                closed++;
              },
            };
          },
        })(),
      },
    });
    const pending = secrets.getSecret("slow://a").catch(() => undefined);
    await new Promise((r) => setTimeout(r, 0)); // create() has started and waits
    const closing = secrets.close();
    release();
    await closing;
    await pending;
    expect(closed).toBe(1);
    // Nothing is created after close().
    await expect(secrets.getSecret("slow://b")).rejects.toBeInstanceOf(ClientClosedError);
    await expect(secrets.describe("slow://a")).rejects.toBeInstanceOf(ClientClosedError);
    await expect(secrets.provider("slow")).rejects.toBeInstanceOf(ClientClosedError);
  });

  it("register() replacing a provider unroutes its schemes, drops its cache and closes it", async () => {
    const first = scriptedProvider("mem", "mem");
    first.script("*", { value: "old" });
    secrets = createSecrets({ providers: { mem: first } });
    expect(await secrets.getSecret("mem://a")).toBe("old");
    const second = scriptedProvider("mem", "mem2");
    second.script("*", { value: "new" });
    secrets.register("mem", second);
    await new Promise((r) => setTimeout(r, 0));
    expect(first.closed).toBe(1);
    await expect(secrets.getSecret("mem://a")).rejects.toBeInstanceOf(InvalidReferenceError);
    expect(await secrets.getSecret("mem2://a")).toBe("new");
  });

  it("type binary refuses plain text instead of decoding it into noise", async () => {
    secrets = createSecrets({
      providers: {
        mem: inline({
          name: "mem",
          scheme: "mem",
          getSecret: async (r: ParsedRef) => ({
            value: r.path === "pw" ? "correcthorsebattery" : "aGVsbG8_d29ybGQ-",
          }),
        }),
      },
    });
    await expect(secrets.getSecret("mem://pw", { type: "binary" })).rejects.toThrow(/not base64/);
    expect(Buffer.from(await secrets.getSecret("mem://url", { type: "binary" })).toString()).toBe(
      "hello?world>",
    );
  });
});
