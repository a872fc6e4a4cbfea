/**
 * A deterministic cache key for a credentials request: object keys sorted,
 * functions (token callbacks, MFA prompts) keyed by identity, so two requests
 * differing only in key order share one entry while different callbacks do not.
 */

const fnIds = new WeakMap<object, number>();
let nextFnId = 1;

export function stableKey(value: unknown): string {
  return JSON.stringify(normalise(value, 0));
}

function normalise(value: unknown, depth: number): unknown {
  if (depth > 10) return "[deep]";
  if (typeof value === "function") {
    let id = fnIds.get(value);
    if (id === undefined) {
      id = nextFnId++;
      fnIds.set(value, id);
    }
    return `[fn#${id}]`;
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => normalise(v, depth + 1));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = normalise(v, depth + 1);
    }
    return out;
  }
  return value;
}
