/**
 * The table-driven reference checks shared by the core's parser test and each
 * provider's rule test: valid references normalise as expected and round-trip;
 * malformed ones fail before any I/O, naming the part, with an example that parses.
 */

import { expect, it } from "vitest";
import { InvalidReferenceError, SecretsError } from "../../src/errors.js";
import { parseReference } from "../../src/index.js";

export type GoodReference = [
  ref: string,
  expected: {
    scheme: string;
    path: string;
    options?: Record<string, string>;
    field?: string[];
    canonical?: string;
  },
];

export type BadReference = [ref: unknown, part: string, messageIncludes: string];

export function referenceCases(good: GoodReference[], bad: BadReference[]): void {
  it.each(good)("valid: %s", (raw, expected) => {
    const ref = parseReference(raw);
    expect(ref.scheme).toBe(expected.scheme);
    expect(ref.path).toBe(expected.path);
    expect(ref.options).toEqual(expected.options ?? {});
    expect(ref.field).toEqual(expected.field);
    expect(ref.raw).toBe(raw);
    if (expected.canonical) expect(ref.canonical).toBe(expected.canonical);
    expect(Object.isFrozen(ref)).toBe(true);
    // The canonical form parses back to itself.
    expect(parseReference(ref.canonical).canonical).toBe(ref.canonical);
  });

  it.each(bad)("malformed: %j", (raw, part, includes) => {
    let caught: unknown;
    try {
      parseReference(raw as string);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InvalidReferenceError);
    const err = caught as InvalidReferenceError;
    expect(SecretsError.is(err, "INVALID_REFERENCE")).toBe(true);
    expect(err.part).toBe(part);
    expect(err.message).toContain(includes);
    // Every error names the reference and offers a corrected example that parses.
    expect(err.message).toContain("Example of a valid reference:");
    expect(() => parseReference(err.example)).not.toThrow();
  });
}
