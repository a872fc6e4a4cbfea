/**
 * The streamed JSON report is the text JSON.stringify(value, null, 2) gives,
 * byte for byte, written in pieces.
 */
import { describe, expect, it } from "vitest";
import { writeJson } from "../../../src/cli/report/json-stream.js";

function collect(value: unknown, omit?: ReadonlySet<string>): { text: string; chunks: number } {
  const chunks: string[] = [];
  writeJson(value, (c) => chunks.push(c), omit);
  return { text: chunks.join(""), chunks: chunks.length };
}

describe("writeJson", () => {
  it("writes what JSON.stringify(value, null, 2) writes, line end included", () => {
    const value = {
      schemaVersion: 1,
      empty: [],
      none: {},
      skip: undefined,
      nested: [{ a: 'x\n\u2028"', b: null, c: [1, [2, []]], d: true, e: undefined }, 3.5, null],
      when: new Date(0),
      nan: Number.NaN,
      "key\n": "é",
    };
    expect(collect(value).text).toBe(`${JSON.stringify(value, null, 2)}\n`);
  });

  it("leaves the omitted keys out of every object", () => {
    const findings = [{ rule: "r", digest: "d", counted: true, line: 1 }];
    const { text } = collect({ findings }, new Set(["digest", "counted"]));
    expect(text).toBe(`${JSON.stringify({ findings: [{ rule: "r", line: 1 }] }, null, 2)}\n`);
  });

  it("writes a large array in chunks of about a megabyte", () => {
    const findings = Array.from({ length: 30_000 }, (_, i) => ({
      rule: "github-token",
      column: i,
    }));
    const { text, chunks } = collect({ findings });
    expect(text).toBe(`${JSON.stringify({ findings }, null, 2)}\n`);
    expect(chunks).toBeGreaterThan(1);
  });
});
