/**
 * A provider call costs O(1) however many are in flight: the client's close signal carries one
 * listener for all of them (Node's addEventListener on one signal is O(listeners), so one per
 * call made N calls quadratic). close() still aborts every call's own signal and rejects its
 * caller with CLIENT_CLOSED.
 */
import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { createSecrets, SecretsError } from "../../src/index.js";
import { defineProvider } from "../../src/provider/index.js";

describe("calls in flight", () => {
  it("add no listener per call to the client's close signal, and close() still aborts each", async () => {
    let closeSignal: AbortSignal | undefined;
    const signals: AbortSignal[] = [];
    const gated = defineProvider({
      name: "gated",
      schemes: { gated: { example: "gated://name" } },
      create: (ctx) => {
        closeSignal = ctx.signal;
        return {
          getSecret: (_ref, call) => {
            signals.push(call.signal);
            // Answers only when aborted: every call stays in flight until close().
            return new Promise((_resolve, reject) =>
              call.signal.addEventListener("abort", () => reject(call.signal.reason), {
                once: true,
              }),
            );
          },
        };
      },
    });
    const secrets = createSecrets({ providers: { gated: gated() }, timeout: "1m" });
    const one = secrets.getSecret("gated://first").catch((e: unknown) => e);
    while (signals.length < 1) await new Promise((r) => setImmediate(r));
    const base = getEventListeners(closeSignal as AbortSignal, "abort").length;
    const calls = Array.from({ length: 200 }, (_, i) =>
      secrets.getSecret(`gated://s${i}`).catch((e: unknown) => e),
    );
    while (signals.length < 201) await new Promise((r) => setImmediate(r));
    expect(getEventListeners(closeSignal as AbortSignal, "abort").length).toBe(base);
    await secrets.close();
    for (const s of signals) expect(s.aborted).toBe(true);
    for (const e of await Promise.all([one, ...calls])) {
      expect(SecretsError.is(e, "CLIENT_CLOSED")).toBe(true);
    }
  });
});
