/**
 * `policy.requireShortLived` enforced by the client from each provider's
 * `authClass`, before any read: single reads, load() batches, credentials.
 */
import { afterEach, describe, expect, it } from "vitest";
import { envProvider } from "../../providers/env/index.js";
import type { Secrets } from "../../src/api.js";
import { PolicyViolationError } from "../../src/errors.js";
import { createSecrets } from "../../src/index.js";
import { type AuthClass, defineProvider } from "../../src/provider/index.js";
import type { SecretsPolicy } from "../../src/types.js";

let secrets: Secrets | undefined;
afterEach(async () => {
  await secrets?.close();
  secrets = undefined;
});

function classified(auth: AuthClass | undefined) {
  const log = { reads: 0, batches: 0, credentials: 0, classified: 0 };
  const provider = defineProvider({
    name: "slmem",
    schemes: { slmem: { example: "slmem://key" } },
    create: () => ({
      ...(auth
        ? {
            authClass: () => {
              log.classified++;
              return auth;
            },
          }
        : {}),
      async getSecret() {
        log.reads++;
        return { value: "mem-value" };
      },
      async getSecrets(refs: readonly unknown[]) {
        log.batches++;
        return refs.map(() => ({ value: "mem-value" }));
      },
      async getCredentials() {
        log.credentials++;
        return { value: { token: "x" }, expiresAt: Date.now() + 60_000 };
      },
    }),
  });
  return { provider, log };
}

function client(p: ReturnType<typeof classified>["provider"], policy: SecretsPolicy) {
  secrets = createSecrets({ builtins: false, providers: { slmem: p }, policy });
  return secrets;
}

const LONG: AuthClass = {
  class: "long-lived",
  what: "a static test key",
  instead: "use a test role",
};

describe("policy.requireShortLived", () => {
  it("refuses long-lived material before any read, naming it and the alternative", async () => {
    const { provider, log } = classified(LONG);
    const s = client(provider, { requireShortLived: true });
    const err = await s.getSecret("slmem://a").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PolicyViolationError);
    expect((err as Error).message).toContain("a static test key");
    expect((err as Error).message).toContain("use a test role");
    expect((err as PolicyViolationError).provider).toBe("slmem");
    await expect(s.load({ a: "slmem://a", b: "slmem://b" })).rejects.toThrow(/a static test key/);
    await expect(s.getCredentials("slmem", {})).rejects.toBeInstanceOf(PolicyViolationError);
    expect(log).toMatchObject({ reads: 0, batches: 0, credentials: 0 });
  });

  it("passes short-lived and none; never asks with the policy off", async () => {
    for (const auth of [
      { class: "short-lived", expiresAt: Date.now() + 1000 },
      { class: "none" },
    ] as const) {
      const { provider } = classified(auth);
      const s = client(provider, { requireShortLived: "strict" });
      await expect(s.getSecret("slmem://a")).resolves.toBe("mem-value");
      await s.close();
    }
    const { provider, log } = classified(LONG);
    const s = client(provider, {});
    await expect(s.getSecret("slmem://a")).resolves.toBe("mem-value");
    expect(log.classified).toBe(0);
  });

  it('refuses unknown only under "strict"; no hook is unknown', async () => {
    const unknown: AuthClass = {
      class: "unknown",
      what: "an injected credential of unknown shape",
    };
    for (const auth of [unknown, undefined]) {
      const a = classified(auth);
      const lax = client(a.provider, { requireShortLived: true });
      await expect(lax.getSecret("slmem://a")).resolves.toBe("mem-value");
      await lax.close();
      const b = classified(auth);
      const strict = client(b.provider, { requireShortLived: "strict" });
      await expect(strict.getSecret("slmem://a")).rejects.toThrow(
        /strict.*could not be classified/,
      );
      expect(b.log.reads).toBe(0);
      await strict.close();
    }
  });

  it("env is none: never refused, even under strict", async () => {
    process.env.SHORT_LIVED_TEST_VALUE = "env-value";
    secrets = createSecrets({
      builtins: false,
      providers: { env: envProvider },
      policy: { requireShortLived: "strict" },
    });
    await expect(secrets.getSecret("env://SHORT_LIVED_TEST_VALUE")).resolves.toBe("env-value");
    delete process.env.SHORT_LIVED_TEST_VALUE;
  });
});
