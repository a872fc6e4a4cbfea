/**
 * Every wait of the client is bounded, and nothing it caused is left behind:
 * a provider whose creation never settles, revocations refused then accepted
 * within close()'s budget, close() twice or through `await using`, listeners
 * that throw or reject. Real timers: each bound is checked against the clock.
 */

import { afterEach, describe, expect, it } from "vitest";
import type { Secrets } from "../../src/api.js";
import { AccessDeniedError, SecretsError } from "../../src/errors.js";
import type { SecretsEvent } from "../../src/events.js";
import { createSecrets, redact } from "../../src/index.js";
import { defineProvider } from "../../src/provider/index.js";
import type { Lease } from "../../src/types.js";

let secrets: Secrets | undefined;
afterEach(async () => {
  await secrets?.close();
  secrets = undefined;
});

const never = () => new Promise<never>(() => {});

/** How long `p` takes to settle (resolve or reject), in ms. */
async function timed(p: Promise<unknown>): Promise<{ ms: number; error?: unknown }> {
  const t0 = performance.now();
  try {
    await p;
    return { ms: performance.now() - t0 };
  } catch (error) {
    return { ms: performance.now() - t0, error };
  }
}

function hangingCreate() {
  return defineProvider({
    name: "stuck",
    schemes: { stuck: { example: "stuck://a" } },
    create: never,
  })();
}

/** A provider that issues one lease per read and revokes it after `refusals` refusals. */
function leasing(refusals: number, revokeLatencyMs = 0) {
  const revokes: string[] = [];
  let n = 0;
  let refused = 0;
  const provider = defineProvider({
    name: "leasing",
    schemes: { lease: { example: "lease://a" } },
    create: async () => ({
      getSecret: async () => {
        n++;
        return {
          value: `value-${n}`,
          lease: { id: `lease-${n}`, renewable: false },
          expiresAt: Date.now() + 3_600_000,
        };
      },
      revoke: async (lease: Lease, call: { signal: AbortSignal }) => {
        if (refused < refusals) {
          refused++;
          throw new AccessDeniedError({ provider: "leasing", message: "revocation refused" });
        }
        if (revokeLatencyMs > 0) {
          await new Promise((r, j) => {
            const t = setTimeout(r, revokeLatencyMs);
            call.signal.addEventListener("abort", () => {
              clearTimeout(t);
              j(call.signal.reason);
            });
          });
        }
        revokes.push(lease.id);
      },
    }),
  })();
  return { provider, revokes };
}

describe("provider creation inside the call's deadline", () => {
  it("a create() that never settles fails getSecret and getCredentials at their timeout", async () => {
    secrets = createSecrets({ builtins: false, providers: { stuck: hangingCreate() } });
    const read = await timed(secrets.getSecret("stuck://a", { timeout: 500 }));
    expect(read.ms).toBeLessThan(1_000);
    expect(SecretsError.is(read.error, "UNAVAILABLE")).toBe(true);
    const creds = await timed(secrets.getCredentials("stuck", {}, { timeout: 500 }));
    expect(creds.ms).toBeLessThan(1_000);
    expect(SecretsError.is(creds.error, "UNAVAILABLE")).toBe(true);
    const load = await timed(secrets.load({ A: "stuck://a" }, { timeout: 500 }));
    expect(load.ms).toBeLessThan(1_000);
    expect(load.error).toBeInstanceOf(Error);
  });

  it("one deadline covers creation and the call: a slow create() is not added to it", async () => {
    const slowCreate = (what: "secret" | "credentials") =>
      defineProvider({
        name: "slow",
        schemes: { slow: { example: "slow://a" } },
        create: async () => {
          await new Promise((r) => setTimeout(r, 400));
          return what === "secret"
            ? { getSecret: never }
            : { getSecret: never, getCredentials: never };
        },
      })();
    secrets = createSecrets({ builtins: false, providers: { slow: slowCreate("secret") } });
    const read = await timed(secrets.getSecret("slow://a", { timeout: 600 }));
    expect(SecretsError.is(read.error, "UNAVAILABLE")).toBe(true);
    expect(read.ms).toBeLessThan(600 + 150);
    await secrets.close();
    secrets = createSecrets({ builtins: false, providers: { slow: slowCreate("credentials") } });
    const creds = await timed(secrets.getCredentials("slow", {}, { timeout: 600 }));
    expect(SecretsError.is(creds.error, "UNAVAILABLE")).toBe(true);
    expect(creds.ms).toBeLessThan(600 + 150);
  });

  it("close() does not wait for a create() that never settles beyond its budget", async () => {
    secrets = createSecrets({
      builtins: false,
      closeTimeout: 400,
      providers: { stuck: hangingCreate() },
    });
    secrets.getSecret("stuck://a").catch(() => undefined);
    await new Promise((r) => setTimeout(r, 0)); // create() has started and hangs
    const closing = await timed(secrets.close());
    expect(closing.error).toBeUndefined();
    expect(closing.ms).toBeLessThan(400 + 250);
  });
});

describe("close()", () => {
  it("retries a refused revocation with backoff within its budget", async () => {
    const { provider, revokes } = leasing(2);
    const events: SecretsEvent[] = [];
    secrets = createSecrets({
      builtins: false,
      providers: { leasing: provider },
      onEvent: (e) => events.push(e),
    });
    await secrets.getSecret("lease://a");
    const result = await secrets.close();
    expect(revokes).toEqual(["lease-1"]);
    expect(result.leftLive).toEqual([]);
    expect(result.timedOut).toBe(false);
    const revoked = events.filter((e) => e.type === "lease" && e.action === "revoked");
    expect(revoked).toHaveLength(1);
  });

  it("lists every lease it could not revoke, within its budget, and gives one result to every caller", async () => {
    const { provider, revokes } = leasing(Number.POSITIVE_INFINITY);
    secrets = createSecrets({
      builtins: false,
      closeTimeout: 500,
      providers: { leasing: provider },
    });
    await secrets.getSecret("lease://a");
    await secrets.getSecret("lease://b");
    const first = secrets.close();
    const second = secrets.close();
    const { ms, error } = await timed(first);
    expect(error).toBeUndefined();
    expect(ms).toBeLessThan(500 + 250);
    const result = await first;
    expect(await second).toBe(result);
    expect(await secrets.close()).toBe(result);
    expect(revokes).toEqual([]);
    expect(result.timedOut).toBe(true);
    expect(result.leftLive.map((l) => l.lease).sort()).toEqual(["lease-1", "lease-2"]);
    expect(result.leftLive[0]?.provider).toBe("leasing");
    expect(JSON.stringify(result)).not.toContain("value-");
  });

  it("revokes in parallel: two slow revocations fit a budget one after the other would not", async () => {
    const { provider, revokes } = leasing(0, 400);
    secrets = createSecrets({
      builtins: false,
      closeTimeout: 700,
      providers: { leasing: provider },
    });
    await secrets.getSecret("lease://a");
    await secrets.getSecret("lease://b");
    const result = await secrets.close();
    expect(revokes.sort()).toEqual(["lease-1", "lease-2"]);
    expect(result.leftLive).toEqual([]);
  });

  it("is what `await using` calls", async () => {
    const { provider, revokes } = leasing(0);
    {
      await using scoped = createSecrets({ builtins: false, providers: { leasing: provider } });
      await scoped.getSecret("lease://a");
    }
    expect(revokes).toEqual(["lease-1"]);
  });
});

describe("listeners", () => {
  it("a listener that rejects or throws is caught and reported once, never an unhandled rejection", async () => {
    const unhandled: unknown[] = [];
    const warnings: Error[] = [];
    const onUnhandled = (r: unknown) => unhandled.push(r);
    const onWarning = (w: Error) => {
      if ((w as { code?: string }).code === "SECRETS_LOADER_LISTENER_ERROR") warnings.push(w);
    };
    process.on("unhandledRejection", onUnhandled);
    process.on("warning", onWarning);
    try {
      const { provider } = leasing(0);
      const seen: string[] = [];
      secrets = createSecrets({
        builtins: false,
        providers: { leasing: provider },
        // The README's shape: forwards a promise (an audit log that is down).
        onEvent: async () => {
          throw new Error("audit log unreachable");
        },
      });
      secrets.on(() => {
        throw new Error("sync logger failure");
      });
      secrets.on((e) => {
        seen.push(e.type);
      });
      expect(await secrets.getSecret("lease://a")).toBe("value-1");
      expect(await secrets.getSecret("lease://b")).toBe("value-2");
      await new Promise((r) => setTimeout(r, 20));
      expect(unhandled).toEqual([]);
      expect(warnings).toHaveLength(2); // once per failing listener
      expect(warnings.map((w) => w.message).join(" ")).toContain("audit log unreachable");
      expect(seen.length).toBeGreaterThan(2); // the other listener still gets every event
    } finally {
      process.off("unhandledRejection", onUnhandled);
      process.off("warning", onWarning);
    }
  });
});

describe("long delays", () => {
  it("a 768 h credential gets its renewal timer without TimeoutOverflowWarning, and it does not fire early", async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on("warning", onWarning);
    try {
      let calls = 0;
      const provider = defineProvider({
        name: "long",
        schemes: { long: { example: "long://a" } },
        create: async () => ({
          getSecret: async () => ({ value: "v" }),
          getCredentials: async () => {
            calls++;
            return { value: { token: `t${calls}` }, expiresAt: Date.now() + 768 * 3_600_000 };
          },
        }),
      })();
      secrets = createSecrets({ builtins: false, providers: { long: provider } });
      await secrets.getCredentials("long", {});
      await secrets.getCredentials("long", {}); // used: the timer will renew it
      await new Promise((r) => setTimeout(r, 50));
      expect(warnings).not.toContain("TimeoutOverflowWarning");
      expect(calls).toBe(1);
    } finally {
      process.off("warning", onWarning);
    }
  });
});

describe("credentials handed to callers", () => {
  it("are a copy per caller: one caller cannot change them for the others", async () => {
    const provider = defineProvider({
      name: "sts",
      schemes: { sts: { example: "sts://a" } },
      create: async () => ({
        getSecret: async () => ({ value: "v" }),
        getCredentials: async () => ({
          value: {
            accessKeyId: "AKIDFAKE",
            secretAccessKey: "fake-secret",
            sessionToken: "fake-session",
          },
          expiresAt: Date.now() + 3_600_000,
        }),
      }),
    })();
    secrets = createSecrets({ builtins: false, providers: { sts: provider } });
    const a = (await secrets.getCredentials("sts", {})) as Record<string, string>;
    delete a.sessionToken; // allowed on a copy of its own (the AWS SDK adds $source to it, too)
    const b = (await secrets.getCredentials("sts", {})) as Record<string, string>;
    expect(b.sessionToken).toBe("fake-session");
  });
});

describe("redact() after a value left the cache", () => {
  it("keeps masking a value handed to a caller after invalidate() during its fetch, until clear()", async () => {
    const value = `fake-${"q".repeat(8)}-${Math.random().toString(36).slice(2)}`;
    let release = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const provider = defineProvider({
      name: "gated",
      schemes: { gated: { example: "gated://a" } },
      create: async () => ({
        getSecret: async () => {
          await gate;
          return { value };
        },
      }),
    })();
    secrets = createSecrets({ builtins: false, providers: { gated: provider } });
    const pending = secrets.getSecret("gated://a");
    await new Promise((r) => setTimeout(r, 10));
    secrets.invalidate("gated://a");
    release();
    expect(await pending).toBe(value);
    expect(redact(`log line with ${value}`)).not.toContain(value);
    secrets.clear();
    expect(redact(`log line with ${value}`)).toContain(value);
  });
});

describe("credentials events", () => {
  it("say renewed for the same credential extended, rotated only for a new one", async () => {
    let version = "accessor a1";
    const provider = defineProvider({
      name: "tok",
      schemes: { tok: { example: "tok://a" } },
      create: async () => ({
        getSecret: async () => ({ value: "v" }),
        getCredentials: async () => ({
          value: { token: "fake-token" },
          version,
          expiresAt: Date.now() + 1_200,
        }),
      }),
    })();
    const events: SecretsEvent[] = [];
    secrets = createSecrets({
      builtins: false,
      cache: { credentialRefreshLead: "1s" },
      providers: { tok: provider },
      onEvent: (e) => events.push(e),
    });
    const actions = () =>
      events.flatMap((e) => (e.type === "credentials" ? [`${e.action} ${e.version}`] : []));
    await secrets.getCredentials("tok", {});
    await secrets.getCredentials("tok", {}); // used: renewed at its refresh point (600 ms)
    await new Promise((r) => setTimeout(r, 750));
    version = "accessor a2";
    await secrets.getCredentials("tok", {});
    await new Promise((r) => setTimeout(r, 750));
    expect(actions()).toEqual(["issued accessor a1", "renewed accessor a1", "rotated accessor a2"]);
  });
});

describe("load() batches", () => {
  it("revokes every lease of a batch answer that arrives after the caller's deadline", async () => {
    const revokes: string[] = [];
    let answer: (v: unknown) => void = () => {};
    const provider = defineProvider({
      name: "batching",
      schemes: { batch: { example: "batch://a" } },
      create: async () => ({
        getSecret: async () => ({ value: "single" }),
        // Answers when the test says so, whatever the call's signal: a backend
        // that issued the leases and answers late.
        getSecrets: (refs: readonly { raw: string }[]) =>
          new Promise<never>((r) => {
            answer = r as (v: unknown) => void;
          }).then(() =>
            refs.map((ref, i) => ({
              value: `batch-value-${i}`,
              lease: { id: `batch-lease-${ref.raw}`, renewable: false },
              expiresAt: Date.now() + 3_600_000,
            })),
          ),
        revoke: async (lease: Lease) => {
          revokes.push(lease.id);
        },
      }),
    })();
    const events: SecretsEvent[] = [];
    secrets = createSecrets({
      builtins: false,
      providers: { batching: provider },
      onEvent: (e) => events.push(e),
    });
    const { error } = await timed(
      secrets.load({ a: "batch://a", b: "batch://b" }, { timeout: 200 }),
    );
    expect(error).toBeInstanceOf(SecretsError);
    expect(revokes).toEqual([]);
    answer(undefined);
    await new Promise((r) => setTimeout(r, 50));
    expect(revokes.sort()).toEqual(["batch-lease-batch://a", "batch-lease-batch://b"]);
    const result = await secrets.close();
    expect(result.leftLive).toEqual([]);
  });
});
