/**
 * A read during `next build` (NEXT_PHASE=phase-production-build) warns once per reference, as
 * an event and a process warning naming the reference (never the value); other phases do not.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createSecrets, type SecretsEvent } from "../../src/index.js";

const NAME = `SL_BUILD_PHASE_${process.pid}`;

afterEach(() => {
  delete process.env.NEXT_PHASE;
  delete process.env[NAME];
});

async function readWith(phase: string | undefined, ref: string) {
  if (phase === undefined) delete process.env.NEXT_PHASE;
  else process.env.NEXT_PHASE = phase;
  const events: SecretsEvent[] = [];
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  process.on("warning", onWarning);
  const secrets = createSecrets({ onEvent: (e) => events.push(e) });
  try {
    await secrets.getSecret(ref);
    await secrets.invalidate?.(ref);
    await secrets.getSecret(ref);
    await new Promise((r) => setImmediate(r)); // process warnings are emitted on the next tick
    return { events: events.filter((e) => e.type === "warning"), warnings };
  } finally {
    process.off("warning", onWarning);
    await secrets.close();
  }
}

describe("reads during next build", () => {
  it("warn once per reference, as an event and a process warning", async () => {
    process.env[NAME] = `build-phase-${Math.random().toString(36).slice(2)}`;
    const ref = `env://${NAME}`;
    const { events, warnings } = await readWith("phase-production-build", ref);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: "warning", code: "READ_AT_BUILD", reference: ref });
    const ours = warnings.filter(
      (w) => (w as { code?: string }).code === "SECRETS_LOADER_READ_AT_BUILD",
    );
    expect(ours).toHaveLength(1);
    expect(ours[0]?.message).toContain(`${ref} was read during \`next build\``);
    expect(ours[0]?.message).toContain("await connection()");
    expect(JSON.stringify([events, ours.map((w) => w.message)])).not.toContain(process.env[NAME]);
  });

  it("load() warns too", async () => {
    process.env.NEXT_PHASE = "phase-production-build";
    const other = `${NAME}_LOAD`;
    process.env[other] = "x";
    const events: SecretsEvent[] = [];
    const secrets = createSecrets({ onEvent: (e) => events.push(e) });
    try {
      await secrets.load({ A: `env://${other}` });
    } finally {
      await secrets.close();
      delete process.env[other];
      await new Promise((r) => setImmediate(r)); // let its process warning out before the next test
    }
    expect(events.filter((e) => e.type === "warning").map((e) => e.reference)).toEqual([
      `env://${other}`,
    ]);
  });

  it("do not warn outside the build phase", async () => {
    process.env[NAME] = "x";
    for (const phase of [undefined, "phase-production-server"]) {
      const { events, warnings } = await readWith(phase, `env://${NAME}`);
      expect(events).toEqual([]);
      expect(
        warnings.filter((w) => (w as { code?: string }).code === "SECRETS_LOADER_READ_AT_BUILD"),
      ).toEqual([]);
    }
  });
});
