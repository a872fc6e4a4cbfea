import { describe, expect, it } from "vitest";
import { concurrencyOption, pause, readEach } from "../../../src/provider/index.js";
import type { CallContext, ParsedRef } from "../../../src/types.js";

const call = { signal: new AbortController().signal } as CallContext;
const refs = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ raw: `x://${i}`, path: String(i) }) as ParsedRef);

describe("readEach", () => {
  it("keeps input order, isolates failures and never exceeds the bound", async () => {
    let inFlight = 0;
    let most = 0;
    const out = await readEach(
      refs(20),
      call,
      async (ref) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await pause(Number(ref.path) % 3);
        inFlight--;
        if (ref.path === "7") throw new Error("seven failed");
        return { value: `v${ref.path}` };
      },
      4,
    );
    expect(most).toBe(4);
    expect(out).toHaveLength(20);
    expect(out[7]).toBeInstanceOf(Error);
    expect(out[19]).toEqual({ value: "v19" });
    expect(out.filter((r) => r instanceof Error)).toHaveLength(1);
  });

  it("answers an empty batch at once", async () => {
    expect(await readEach([], call, async () => ({ value: "" }), 8)).toEqual([]);
  });
});

describe("concurrencyOption", () => {
  it("takes the fallback, and refuses what is not a whole number >= 1", () => {
    expect(concurrencyOption("gcp", undefined, 16)).toBe(16);
    expect(concurrencyOption("gcp", 3, 16)).toBe(3);
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => concurrencyOption("gcp", bad, 16)).toThrow(/gcp: concurrency must be/);
    }
  });
});

describe("pause", () => {
  it("rejects with the signal's reason when it fires", async () => {
    const ac = new AbortController();
    const reason = new Error("deadline");
    const p = pause(60_000, ac.signal);
    ac.abort(reason);
    await expect(p).rejects.toBe(reason);
  });
});
