/**
 * Reliability and leak-proofing defects of the core, each shown by a test
 * that failed before its fix: deadlines, the stale wait, close(), hostile
 * option names, bad expiries, a stepped wall clock, the redaction registry's
 * bound, and the browser guard at provider creation.
 */

import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { awsProvider } from "../../providers/aws/index.js";
import { envProvider } from "../../providers/env/index.js";
import {
  createSecrets,
  LoadError,
  redact,
  type Secrets,
  SecretsError,
  type SecretsEvent,
} from "../../src/index.js";
import {
  type CallContext,
  defineProvider,
  type Issued,
  type ParsedRef,
} from "../../src/provider/index.js";
import { trackedCount } from "../../src/redact.js";
import { inline } from "../support/inline-provider.js";

let secrets: Secrets | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await secrets?.close();
  secrets = undefined;
});

/** A provider whose answers the test decides: a value, or a hang until aborted. */
function controlled() {
  const state = {
    mode: "answer" as "answer" | "hang",
    calls: 0,
    aborted: 0,
    value: `reliable-value-${Date.now().toString(36)}-Kq2`,
    expiresAt: undefined as unknown,
  };
  const provider = inline({
    name: "ctl",
    scheme: "ctl",
    getSecret(_ref: ParsedRef, call: CallContext): Promise<Issued> {
      state.calls++;
      if (state.mode === "hang") {
        // Never answers; records that the client aborted it.
        return new Promise(() => {
          call.signal.addEventListener("abort", () => state.aborted++, { once: true });
        });
      }
      const issued = { value: state.value } as Issued;
      if (state.expiresAt !== undefined)
        (issued as { expiresAt?: unknown }).expiresAt = state.expiresAt;
      return Promise.resolve(issued);
    },
  });
  return { state, provider };
}

const outcome = (p: Promise<unknown>) =>
  p.then(
    (v) => ({ ok: true as const, value: v }),
    (err: unknown) => ({ ok: false as const, err }),
  );

describe("deadlines", () => {
  it("a provider that never answers fails getSecret and load() with UNAVAILABLE at the deadline, and its call is aborted", async () => {
    const { state, provider } = controlled();
    state.mode = "hang";
    secrets = createSecrets({ builtins: false, providers: { ctl: provider }, timeout: 150 });
    const t0 = Date.now();
    const one = await outcome(secrets.getSecret("ctl://a"));
    const many = await outcome(secrets.load({ A: "ctl://b", B: "ctl://c" }));
    const elapsed = Date.now() - t0;
    expect(one.ok).toBe(false);
    expect(SecretsError.is(!one.ok && one.err, "UNAVAILABLE")).toBe(true);
    expect((!one.ok && (one.err as Error).message) || "").toMatch(/within 150 ms/);
    expect(many.ok).toBe(false);
    const failures = (!many.ok && (many.err as LoadError).failures) || [];
    expect(failures.map((f) => [f.name, f.code])).toEqual([
      ["A", "UNAVAILABLE"],
      ["B", "UNAVAILABLE"],
    ]);
    expect(elapsed).toBeLessThan(1500);
    expect(state.aborted).toBe(state.calls);
  });

  it("a per-call timeout overrides the client's", async () => {
    const { state, provider } = controlled();
    state.mode = "hang";
    secrets = createSecrets({ builtins: false, providers: { ctl: provider }, timeout: "30s" });
    const t0 = Date.now();
    const r = await outcome(secrets.getSecret("ctl://a", { timeout: 100 }));
    expect(r.ok).toBe(false);
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it("a caller behind a slow refresh gets the stale value after the stale wait, not the deadline", async () => {
    const { state, provider } = controlled();
    const events: SecretsEvent[] = [];
    secrets = createSecrets({
      builtins: false,
      providers: { ctl: provider },
      timeout: "20s",
      cache: { maxAge: 50, staleWait: 100 },
      onEvent: (e) => events.push(e),
    });
    expect(await secrets.getSecret("ctl://a")).toBe(state.value);
    await new Promise((r) => setTimeout(r, 80)); // expired
    state.mode = "hang";
    const t0 = Date.now();
    expect(await secrets.getSecret("ctl://a")).toBe(state.value);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(events.some((e) => e.type === "stale")).toBe(true);
  });

  it("a refresh past its deadline counts as unavailable, so the stale value answers", async () => {
    const { state, provider } = controlled();
    secrets = createSecrets({
      builtins: false,
      providers: { ctl: provider },
      timeout: 150,
      cache: { maxAge: 50, staleWait: "1h" },
    });
    await secrets.getSecret("ctl://a");
    await new Promise((r) => setTimeout(r, 80));
    state.mode = "hang";
    const t0 = Date.now();
    expect(await secrets.getSecret("ctl://a")).toBe(state.value);
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  it("close() rejects every pending caller with CLIENT_CLOSED and aborts the calls in flight", async () => {
    const { state, provider } = controlled();
    state.mode = "hang";
    secrets = createSecrets({ builtins: false, providers: { ctl: provider }, timeout: "1h" });
    const pending = [
      outcome(secrets.getSecret("ctl://a")),
      outcome(secrets.load({ B: "ctl://b" })),
    ];
    await new Promise((r) => setTimeout(r, 20));
    await secrets.close();
    const [a, b] = await Promise.all(pending);
    expect(SecretsError.is(a && !a.ok && a.err, "CLIENT_CLOSED")).toBe(true);
    const failures = (b && !b.ok && (b.err as LoadError).failures) || [];
    expect(failures[0]?.code).toBe("CLIENT_CLOSED");
    expect(state.aborted).toBe(2);
  });

  it("refuses a dotenv path that is a FIFO instead of blocking on it", async () => {
    const fifo = join(mkdtempSync(join(tmpdir(), "sl-fifo-")), "env.fifo");
    execFileSync("mkfifo", [fifo]);
    secrets = createSecrets({
      providers: { env: envProvider({ env: {}, dotenvPath: fifo }) },
      timeout: "30s",
    });
    const t0 = Date.now();
    const r = await outcome(secrets.getSecret("env://ANY"));
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(SecretsError.is(!r.ok && r.err, "INVALID_CONFIG")).toBe(true);
    expect((!r.ok && (r.err as Error).message) || "").toMatch(/not a regular file/);
  });
});

describe("hostile input gives typed errors", () => {
  it("prototype names as reference options or value types are typed errors, not TypeErrors", async () => {
    const { provider } = controlled();
    secrets = createSecrets({ providers: { ctl: provider } });
    for (const ref of [
      "aws-sm://prod/db?constructor=1",
      "aws-sm://prod/db?__proto__=1",
      "vault://secret/app?toString=x",
    ]) {
      const r = await outcome(secrets.getSecret(ref));
      expect(SecretsError.is(!r.ok && r.err, "INVALID_REFERENCE"), ref).toBe(true);
    }
    for (const type of ["constructor", "toString", "__proto__"]) {
      const r = await outcome(secrets.getSecret("ctl://a", { type } as never));
      expect(SecretsError.is(!r.ok && r.err, "INVALID_CONFIG"), type).toBe(true);
      const l = await outcome(secrets.load({ A: { ref: "ctl://a", type } as never }));
      expect(!l.ok && l.err instanceof LoadError, type).toBe(true);
    }
  });

  it("refuses __proto__ as a load() name instead of dropping it", async () => {
    const { provider } = controlled();
    secrets = createSecrets({ builtins: false, providers: { ctl: provider } });
    const spec = JSON.parse('{"__proto__": "ctl://a", "B": "ctl://b"}');
    const r = await outcome(secrets.load(spec));
    expect(!r.ok && r.err instanceof LoadError).toBe(true);
    expect(((!r.ok && (r.err as LoadError).failures) || []).map((f) => f.name)).toEqual([
      "__proto__",
    ]);
  });

  it.each([
    ["NaN", Number.NaN],
    ["a string", "tomorrow"],
    ["a past instant", Date.now() - 1000],
  ])("an expiresAt that is %s is an error, never cached", async (_label, expiresAt) => {
    const { state, provider } = controlled();
    state.expiresAt = expiresAt;
    secrets = createSecrets({ builtins: false, providers: { ctl: provider } });
    for (let i = 0; i < 2; i++) {
      const r = await outcome(secrets.getSecret("ctl://a"));
      expect(SecretsError.is(!r.ok && r.err, "PROVIDER_ERROR")).toBe(true);
      expect((!r.ok && (r.err as Error).message) || "").not.toContain(state.value);
    }
    expect(state.calls).toBe(2);
  });

  it("provider options of the wrong type read as sentences", async () => {
    secrets = createSecrets({
      builtins: false,
      providers: { aws: awsProvider({ region: 5 as never, env: {} }) },
    });
    const r = await outcome(secrets.getSecret("aws-sm://prod/db"));
    expect((!r.ok && (r.err as Error).message) || "").toBe(
      "aws: region must be a string (got number).",
    );
    // Checked when the provider is created (on first use), like every provider's options.
    const env = createSecrets({
      builtins: false,
      providers: { env: envProvider({ dotenvPath: 5 as never }) },
    });
    const e = await outcome(env.getSecret("env://X"));
    await env.close();
    expect((!e.ok && (e.err as Error).message) || "").toMatch(
      /dotenvPath must be a file path or a list of file paths \(got number\)/,
    );
  });

  it("hints only field-like key names when a #field is missing", async () => {
    const token = ["ghp", "_", "Zx9QbT2kLmN4vR7sW1yC3dF6hJ8pA0eG5uI"].join("");
    const value = JSON.stringify({ password: "p", [token]: "x", db_host: "h" });
    secrets = createSecrets({
      builtins: false,
      providers: { env: envProvider({ env: { MAP: value } }) },
    });
    const r = await outcome(secrets.getSecret("env://MAP#user"));
    const message = (!r.ok && (r.err as Error).message) || "";
    expect(message).toContain("fields here: password, db_host, 1 more not shown");
    expect(message).not.toContain(token);
    expect(message).not.toContain(token.slice(4, 12));
  });

  it("never hints a key that looks like a credential (known prefixes, passwords, random strings)", async () => {
    const j = (...p: string[]) => p.join("");
    // Built at run time: none of these is a real credential.
    const keys = [
      j("sk", "_live_", "abc123"),
      j("ghp", "_", "abcDEF"),
      j("Passw", "0", "rdSecret"),
      j("hunter", "2"),
      j("xQzTrw", "PlmKd"),
      j("AKIA", "ABCDEFGHIJKLMNOP"),
      j("tGhJkLm", "NpQrStVwX"),
      j("correcthorse", "batterystaplezz"),
      j("postgres://svc:", "Pw-x1y2z3@db"),
    ];
    const names = ["password", "db_host", "apiKey", "clientSecret", "DB_PASSWORD", "username"];
    const value = JSON.stringify(Object.fromEntries([...keys, ...names].map((k) => [k, "x"])));
    secrets = createSecrets({
      builtins: false,
      providers: { env: envProvider({ env: { MAP: value } }) },
    });
    const r = await outcome(secrets.getSecret("env://MAP#user"));
    const message = (!r.ok && (r.err as Error).message) || "";
    expect(message).toContain(`fields here: ${names.join(", ")}, ${keys.length} more not shown`);
    for (const k of keys) {
      expect(message, k).not.toContain(k);
      expect(message, k).not.toContain(k.slice(0, 6));
    }
  });
});

describe("clock and registry", () => {
  it("expiry follows a monotonic clock: stepping the wall clock back keeps nothing fresh", async () => {
    vi.useFakeTimers({ now: new Date("2026-12-01T00:00:00Z") });
    const { state, provider } = controlled();
    secrets = createSecrets({
      builtins: false,
      providers: { ctl: provider },
      cache: { maxAge: "5m" },
    });
    await secrets.getSecret("ctl://a");
    vi.advanceTimersByTime(4 * 60_000);
    vi.setSystemTime(new Date("2026-11-30T23:00:00Z")); // the wall clock steps back an hour
    vi.advanceTimersByTime(2 * 60_000); // 6 minutes have passed
    await secrets.getSecret("ctl://a");
    expect(state.calls).toBe(2);
  });

  it("keeps values that left the cache in the redaction registry until close(), then drops all of them", async () => {
    const before = trackedCount();
    const env: Record<string, string> = {};
    for (let i = 0; i < 200; i++) env[`V${i}`] = `registry-value-${i}-${Date.now().toString(36)}`;
    secrets = createSecrets({ builtins: false, providers: { env: envProvider({ env }) } });
    for (let i = 0; i < 200; i++) {
      await secrets.getSecret(`env://V${i}`);
      secrets.invalidate(`env://V${i}`);
    }
    // Values that left the cache stay masked (a caller may still hold them) until clear()/close().
    expect(trackedCount()).toBe(before + 200);
    await secrets.getSecret("env://V1");
    expect(redact(`x ${env.V1} y`)).toBe("x [REDACTED] y");
    await secrets.close();
    expect(trackedCount()).toBe(before);
    secrets = undefined;
  });

  it("never registers a value delivered after close()", async () => {
    const before = trackedCount();
    let release: (v: Issued) => void = () => {};
    const late = `late-value-${Date.now().toString(36)}-Yz`;
    const provider = inline({
      name: "slow",
      scheme: "slow",
      getSecret: () => new Promise<Issued>((r) => (release = r)),
    });
    const client = createSecrets({ builtins: false, providers: { slow: provider }, timeout: "1h" });
    const pending = outcome(client.getSecret("slow://a"));
    await new Promise((r) => setTimeout(r, 10));
    await client.close();
    release({ value: late });
    await pending;
    await new Promise((r) => setTimeout(r, 10));
    expect(trackedCount()).toBe(before);
  });

  it("runs the browser guard when a provider is created, not only at import", async () => {
    const { provider } = controlled();
    const lazy = defineProvider({
      name: "ctl",
      schemes: { ctl: { example: "ctl://a" } },
      create: () => provider,
    })();
    secrets = createSecrets({ builtins: false, providers: { ctl: lazy } });
    const g = globalThis as Record<string, unknown>;
    g.window = {};
    g.document = {};
    try {
      const r = await outcome(secrets.getSecret("ctl://a"));
      expect(SecretsError.is(!r.ok && r.err, "BROWSER_USAGE")).toBe(true);
    } finally {
      delete g.window;
      delete g.document;
    }
  });
});

describe("map values (Vault KV, leased logins) read without #field", () => {
  const map = (value: Record<string, unknown>) =>
    inline({
      name: "kv",
      scheme: "kv",
      getSecret: async () => ({ value }) as unknown as Issued,
    });

  it("a string read returns the one value of a one-field map", async () => {
    secrets = createSecrets({
      builtins: false,
      providers: { kv: map({ api_key: "kv-one-field-Zx81" }) },
    });
    expect(await secrets.getSecret("kv://a")).toBe("kv-one-field-Zx81");
    expect(await secrets.getSecret("kv://a#api_key")).toBe("kv-one-field-Zx81");
    expect(await secrets.getSecret("kv://a", { type: "json" })).toEqual({
      api_key: "kv-one-field-Zx81",
    });
  });

  it("a string read of a map of several fields asks for #field and names none of them", async () => {
    secrets = createSecrets({
      builtins: false,
      providers: { kv: map({ "sk-field-name-secret": "v1-Zq", user: "u" }) },
    });
    const r = await outcome(secrets.getSecret("kv://a"));
    expect(SecretsError.is(!r.ok && r.err, "INVALID_VALUE")).toBe(true);
    const message = (!r.ok && (r.err as Error).message) || "";
    expect(message).toContain("add #field");
    expect(message).not.toContain("sk-field-name-secret");
    expect(message).not.toContain("user");
    expect(await secrets.getSecret("kv://a#user")).toBe("u");
  });
});
