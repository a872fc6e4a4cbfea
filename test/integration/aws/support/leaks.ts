/**
 * Asserts that none of the loaded values appears anywhere the SDK emits:
 * messages, cause chains (with AggregateError members), events, JSON and
 * `util.inspect` output.
 */

import { inspect } from "node:util";
import { expect } from "vitest";

function texts(thing: unknown, seen = new Set<unknown>(), depth = 0): string[] {
  if (thing === null || thing === undefined || depth > 8 || seen.has(thing)) return [];
  seen.add(thing);
  const out = [inspect(thing, { depth: 10, showHidden: true, getters: true })];
  try {
    out.push(JSON.stringify(thing) ?? "");
  } catch {
    // cyclic: inspect covers it
  }
  if (thing instanceof Error) {
    out.push(thing.message, thing.stack ?? "");
    out.push(...texts(thing.cause, seen, depth + 1));
    if (thing instanceof AggregateError)
      for (const e of thing.errors) out.push(...texts(e, seen, depth + 1));
    const failures = (thing as { failures?: Array<{ error: unknown }> }).failures;
    for (const f of failures ?? []) out.push(...texts(f.error, seen, depth + 1));
  }
  return out;
}

/** Fails when any value shows up in any of `things`. */
export function expectNoValues(values: readonly string[], things: readonly unknown[]): void {
  const all = things.flatMap((t) => texts(t)).join("\n");
  for (const v of values) {
    expect(v.length).toBeGreaterThan(8);
    expect(all.includes(v), `a secret value leaked into emitted output`).toBe(false);
  }
}
