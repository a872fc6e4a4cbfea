import { describe, expect, it } from "vitest";
import { toMillis as coreToMillis } from "../../../src/duration.js";
import { toMillis } from "../../../src/keys/key-ttl.js";

describe("keys durations", () => {
  it.each([
    0,
    1500,
    "250ms",
    "30s",
    "5m",
    "12h",
    "90d",
    "1d12h",
    "1h30m",
    "1.5d",
    "",
    "soon",
    "5 m",
    "5M",
    -1,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    "d",
    "1d ",
  ])("parse %j like the core's toMillis", (value) => {
    const outcome = (f: typeof toMillis) => {
      try {
        return f(value, "x");
      } catch (e) {
        return (e as { code?: string }).code;
      }
    };
    expect(outcome(toMillis)).toEqual(outcome(coreToMillis));
  });

  it("does not echo a huge input", () => {
    expect(() => toMillis("9".repeat(10_000), "expiresIn")).toThrow(
      /expiresIn must be a duration.*\(got 10000 characters\)/,
    );
  });
});
