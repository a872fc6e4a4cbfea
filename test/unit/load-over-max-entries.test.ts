/**
 * `load()` of more distinct references than `cache.maxEntries` cannot keep what it loaded: the
 * LRU evicts (and revokes the leases of) its own values. It warns, as an event and a process
 * warning, naming the counts and the fix (never a value); a load that fits stays silent.
 */
import { describe, expect, it } from "vitest";
import { createSecrets, type SecretsEvent } from "../../src/index.js";

const PREFIX = `SL_OVER_MAX_${process.pid}_`;

async function loadWith(refs: number, maxEntries: number) {
  const value = `over-max-${Math.random().toString(36).slice(2)}`;
  const spec: Record<string, string> = {};
  for (let i = 0; i < refs; i++) {
    process.env[`${PREFIX}${i}`] = value;
    spec[`K${i}`] = `env://${PREFIX}${i}`;
  }
  // The same reference twice is one cache entry: it does not count twice.
  spec.DUPLICATE = `env://${PREFIX}0`;
  const events: SecretsEvent[] = [];
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  process.on("warning", onWarning);
  const secrets = createSecrets({ cache: { maxEntries }, onEvent: (e) => events.push(e) });
  try {
    const out = await secrets.load(spec);
    await new Promise((r) => setImmediate(r)); // process warnings are emitted on the next tick
    return { out, value, events, warnings: warnings.filter((w) => /maxEntries/.test(w.message)) };
  } finally {
    process.off("warning", onWarning);
    await secrets.close();
    for (let i = 0; i < refs; i++) delete process.env[`${PREFIX}${i}`];
  }
}

describe("load() of more references than maxEntries", () => {
  it("warns as an event and a process warning, and still returns every value", async () => {
    const { out, value, events, warnings } = await loadWith(5, 3);
    expect(Object.keys(out)).toHaveLength(6);
    const warning = events.find((e) => e.type === "warning");
    expect(warning).toMatchObject({ type: "warning", code: "LOAD_EXCEEDS_CACHE" });
    const message = (warning as { message: string }).message;
    expect(message).toContain("5 references");
    expect(message).toContain("maxEntries is 3");
    expect(message).toContain("cache: { maxEntries");
    expect(warnings).toHaveLength(1);
    expect((warnings[0] as Error & { code?: string }).code).toBe(
      "SECRETS_LOADER_LOAD_EXCEEDS_CACHE",
    );
    for (const text of [message, warnings[0]?.message ?? "", JSON.stringify(events)]) {
      expect(text).not.toContain(value);
    }
  });

  it("stays silent when the references fit", async () => {
    const { events, warnings } = await loadWith(3, 3);
    expect(events.filter((e) => e.type === "warning")).toHaveLength(0);
    expect(warnings).toHaveLength(0);
  });
});
