/**
 * defineConfig against the memory provider: one load, validation with Zod,
 * Valibot and ArkType, every failure in one error with no value anywhere,
 * defaults only on NOT_FOUND, synchronous reads after load, live entries.
 */
import { randomBytes } from "node:crypto";
import { inspect } from "node:util";
import { type } from "arktype";
import * as v from "valibot";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigLoadError, defineConfig, toRuntimeEnv } from "../../../src/config/index.js";
import { createSecrets, type Secrets, SecretsError } from "../../../src/index.js";
import { memoryProvider, useTestClock } from "../../../src/testing/index.js";

/** Distinctive fake values, built at runtime. */
const fake = (tag: string) => `${tag}-${randomBytes(6).toString("hex")}`;

let clients: Secrets[] = [];
const client = (memory: ReturnType<typeof memoryProvider>) => {
  const s = createSecrets({ providers: { memory }, builtins: false });
  clients.push(s);
  return s;
};
afterEach(async () => {
  await Promise.all(clients.map((c) => c.close()));
  clients = [];
});

/** Everything a failing load exposes: message, cause chain, inspect, JSON. */
function everything(err: unknown): string {
  const parts = [String(err), inspect(err, { depth: 10 }), JSON.stringify(err)];
  for (let c = (err as Error).cause, i = 0; c && i < 5; c = (c as Error).cause, i++) {
    parts.push(String(c), inspect(c, { depth: 10 }));
    if (c instanceof AggregateError)
      for (const e of c.errors) parts.push(inspect(e, { depth: 10 }));
  }
  return parts.join("\n");
}

describe("defineConfig", () => {
  it("reads every entry in one provider call and returns deeply frozen, validated values", async () => {
    const password = fake("db-pass");
    const memory = memoryProvider({
      "aws-sm://prod/db#url": "postgres://db.internal:5432/app",
      "aws-sm://prod/db#password": password,
      "env://PORT": "9090",
      "vault://secret/app": JSON.stringify({ flags: { beta: true }, region: "eu" }),
      "env://LOG_LEVEL": "debug",
    });
    const config = defineConfig({
      DB_URL: { ref: "aws-sm://prod/db#url", schema: z.string().url() },
      DB_PASSWORD: { ref: "aws-sm://prod/db#password", schema: v.pipe(v.string(), v.minLength(8)) },
      PORT: { ref: "env://PORT", schema: z.coerce.number().int(), default: 8080 },
      APP: {
        ref: "vault://secret/app",
        type: "json",
        schema: type({ flags: { beta: "boolean" }, region: "string" }),
      },
      LOG_LEVEL: "LOG_LEVEL",
      MISSING_OK: { ref: "env://NOT_SET_ANYWHERE", optional: true },
      WITH_DEFAULT: { ref: "env://ALSO_NOT_SET", default: "fallback" },
    });
    expect(config.loaded).toBe(false);
    const values = await config.load(client(memory));
    expect(values).toEqual({
      DB_URL: "postgres://db.internal:5432/app",
      DB_PASSWORD: password,
      PORT: 9090,
      APP: { flags: { beta: true }, region: "eu" },
      LOG_LEVEL: "debug",
      MISSING_OK: undefined,
      WITH_DEFAULT: "fallback",
    });
    // One batch call for the five references (the two #fields of prod/db are one secret).
    expect(memory.calls()).toBe(1);
    expect(memory.reads[0]?.op).toBe("batch");
    expect(Object.isFrozen(values)).toBe(true);
    expect(Object.isFrozen(values.APP)).toBe(true);
    expect(Object.isFrozen(values.APP.flags)).toBe(true);
    expect(config.get()).toBe(values);
    expect(config.get("PORT")).toBe(9090);
    expect(config.loaded).toBe(true);
  });

  it("reports every bad entry at once, with no value in the message, cause, inspect or JSON", async () => {
    const badUrl = fake("not-a-url");
    const badEmail = fake("not-an-email");
    const shortPin = fake("pin").slice(0, 3);
    const badJson = fake("json-leaf");
    const good = fake("good");
    const memory = memoryProvider({
      "env://Z_URL": badUrl,
      "env://V_URL": badUrl,
      "env://A_EMAIL": badEmail,
      "env://PIN": shortPin,
      "env://OBJ": JSON.stringify({ nested: { port: badJson } }),
      "env://GOOD": good,
      "env://DOWN": fake("down"),
      "env://DENIED": fake("denied"),
    });
    memory.fail("env://DOWN", "UNAVAILABLE");
    memory.fail("env://DENIED", "ACCESS_DENIED");
    const config = defineConfig({
      Z_URL: { ref: "env://Z_URL", schema: z.string().url() },
      V_URL: { ref: "env://V_URL", schema: v.pipe(v.string(), v.url()) },
      A_EMAIL: { ref: "env://A_EMAIL", schema: type("string.email") },
      PIN: { ref: "env://PIN", schema: v.pipe(v.string(), v.regex(/^\d{6}$/)) },
      OBJ: {
        ref: "env://OBJ",
        type: "json",
        schema: z.object({ nested: z.object({ port: z.number() }) }),
      },
      GOOD: { ref: "env://GOOD", schema: z.string() },
      ABSENT: { ref: "env://ABSENT", schema: z.string() },
      // A default answers NOT_FOUND only: a failing backend still fails the load.
      DOWN: { ref: "env://DOWN", default: "never-used" },
      DENIED: { ref: "env://DENIED", optional: true },
      TYPO: { ref: "aws-sm://prod/db?versionStag=AWSCURRENT" },
    });
    const err = await config.load(client(memory)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigLoadError);
    expect(SecretsError.is(err, "CONFIG_LOAD_FAILED")).toBe(true);
    const failures = (err as ConfigLoadError).failures;
    expect(failures.map((f) => [f.name, f.code])).toEqual([
      ["Z_URL", "INVALID_VALUE"],
      ["V_URL", "INVALID_VALUE"],
      ["A_EMAIL", "INVALID_VALUE"],
      ["PIN", "INVALID_VALUE"],
      ["OBJ", "INVALID_VALUE"],
      ["ABSENT", "NOT_FOUND"],
      ["DOWN", "UNAVAILABLE"],
      ["DENIED", "ACCESS_DENIED"],
      ["TYPO", "INVALID_REFERENCE"],
    ]);
    expect(failures.find((f) => f.name === "OBJ")?.issues[0]?.path).toBe("nested.port");
    expect(failures.find((f) => f.name === "V_URL")?.issues[0]?.message).toMatch(/URL/);
    expect(failures.find((f) => f.name === "A_EMAIL")?.issues[0]?.message).toMatch(/email/);
    expect(failures.find((f) => f.name === "Z_URL")?.reference).toBe("env://Z_URL");
    // No issue object is kept (Valibot's carry the input).
    expect(JSON.stringify(failures)).not.toContain('"input"');
    const text = everything(err);
    for (const value of [badUrl, badEmail, shortPin, badJson, good]) {
      expect(text).not.toContain(value);
    }
    expect((err as Error).message).toContain("Z_URL (env://Z_URL): [INVALID_VALUE]");
    expect(config.loaded).toBe(false);
  });

  it("runs async schemas", async () => {
    const memory = memoryProvider({ "env://TOKEN": "tok-async-value" });
    const slowCheck = z.string().refine(async (s) => {
      await new Promise((r) => setTimeout(r, 5));
      return s.startsWith("tok-");
    });
    const config = defineConfig({ TOKEN: { ref: "env://TOKEN", schema: slowCheck } });
    expect(await config.load(client(memory))).toEqual({ TOKEN: "tok-async-value" });
  });

  it("throws a clear error naming the entry when read before load", () => {
    const config = defineConfig({ DB_URL: "aws-sm://prod/db#url", PORT: "PORT" });
    expect(() => config.get("DB_URL")).toThrow(
      /config entry DB_URL was read before config\.load\(\)/,
    );
    expect(() => config.get()).toThrow(/entries DB_URL, PORT/);
    // @ts-expect-error a name that is not declared
    expect(() => config.get("DB_URl")).toThrow(/no such entry \(did you mean "DB_URL"\?\)/);
  });

  it("checks the declaration: bad names, unknown keys, non-schemas", () => {
    expect(() => defineConfig({ "db-url": "env://X" })).toThrow(/not a valid entry name/);
    // @ts-expect-error a misspelt key
    expect(() => defineConfig({ A: { ref: "env://A", defualt: 1 } })).toThrow(
      /unknown key "defualt" \(did you mean "default"\?\)/,
    );
    // @ts-expect-error not a Standard Schema
    expect(() => defineConfig({ A: { ref: "env://A", schema: { parse() {} } } })).toThrow(
      /Standard Schema v1/,
    );
    expect(() => defineConfig({ A: "not an env name" })).toThrow(/neither a reference/);
    // What tools read of a config: names and references, no schema and no default value.
    const info = defineConfig({
      A: { ref: "A", default: "dflt-value-1", schema: z.string() },
    }).entries;
    expect(info).toEqual([
      {
        name: "A",
        ref: "env://A",
        type: "string",
        optional: true,
        hasDefault: true,
        live: false,
        validated: true,
      },
    ]);
  });

  it("live entries read through the cache: a rotated value is validated again", async () => {
    const clock = useTestClock();
    try {
      const first = fake("lease-pw");
      const memory = memoryProvider({
        "vault://database/creds/ro": { value: first, expiresIn: "10m" },
      });
      const config = defineConfig({
        DB_PASSWORD: { ref: "vault://database/creds/ro", live: true, schema: z.string().min(8) },
      });
      const { DB_PASSWORD } = await config.load(client(memory));
      expect(await DB_PASSWORD()).toBe(first);
      expect(memory.calls()).toBe(1); // served from the cache while fresh
      const second = fake("rotated-pw");
      memory.set("vault://database/creds/ro", { value: second, expiresIn: "10m" });
      clock.advance("11m");
      expect(await DB_PASSWORD()).toBe(second);
      expect(memory.calls()).toBe(2);
      // A new value that fails its schema: the accessor rejects, naming the entry, never the value.
      const bad = "short";
      memory.set("vault://database/creds/ro", { value: bad, expiresIn: "10m" });
      clock.advance("11m");
      const err = await DB_PASSWORD().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigLoadError);
      expect((err as ConfigLoadError).failures[0]?.name).toBe("DB_PASSWORD");
      expect(everything(err)).not.toContain(`"${bad}"`);
    } finally {
      clock.restore();
    }
  });

  it("toRuntimeEnv hands strings, numbers and booleans over; JSON as text, bytes as base64", () => {
    const env = toRuntimeEnv({
      A: "text",
      B: 42,
      C: false,
      D: undefined,
      E: Object.freeze({ x: [1, 2] }),
      F: new Uint8Array([104, 105]),
      G: null,
    });
    expect(env).toEqual({
      A: "text",
      B: 42,
      C: false,
      D: undefined,
      E: '{"x":[1,2]}',
      F: "aGk=",
      G: "null",
    });
    expect(() => toRuntimeEnv({ LIVE: async () => "x" })).toThrow(/LIVE is a live entry/);
  });
});
