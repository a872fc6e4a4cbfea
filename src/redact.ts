/**
 * A process-wide registry of every value currently held by any client's cache,
 * so that `redact()` can mask them in arbitrary text (logs, child output).
 */

const MIN_LENGTH = 4;
const MASK = "[REDACTED]";
const counts = new Map<string, number>();
let sorted: string[] | undefined;

/** Registers every string inside `value` (strings, bytes as UTF-8, nested object leaves). */
export function track(value: unknown, delta: 1 | -1): void {
  visit(value, (s) => {
    if (s.length < MIN_LENGTH) return;
    const n = (counts.get(s) ?? 0) + delta;
    if (n > 0) counts.set(s, n);
    else counts.delete(s);
    sorted = undefined;
  });
}

function visit(value: unknown, fn: (s: string) => void, depth = 0): void {
  if (depth > 8 || value === null || value === undefined) return;
  if (typeof value === "string") {
    fn(value);
    // Leaves of a JSON secret are what `#field` hands out: mask them too.
    if (depth === 0 && (value.startsWith("{") || value.startsWith("["))) {
      try {
        visit(JSON.parse(value), fn, depth + 1);
      } catch {
        // Not JSON: the whole string is tracked already.
      }
    }
  } else if (value instanceof Uint8Array) {
    // As text (and, at the top, a JSON payload's leaves: a provider whose backend
    // stores bytes returns JSON as bytes), and as base64.
    visit(Buffer.from(value).toString("utf8"), fn, depth);
    fn(Buffer.from(value).toString("base64"));
  } else if (typeof value === "object") {
    for (const v of Object.values(value)) visit(v, fn, depth + 1);
  } else if (typeof value === "number" && depth > 0) {
    // Numeric JSON leaves (PINs, ports) are only masked when long enough.
    fn(String(value));
  }
}

/**
 * Masks every secret value currently loaded by any client (values shorter than
 * 4 characters are left alone: masking them would garble ordinary text).
 *
 * @param text - any text, such as a log line or a child process's output
 * @returns the text with each loaded value replaced by `[REDACTED]`
 * @example
 * ```ts
 * import { getSecret, redact } from "secrets-loader";
 * const key = await getSecret("env://PAYMENT_API_KEY");
 * console.log(redact(`calling with ${key}`)); // "calling with [REDACTED]"
 * ```
 */
export function redact(text: string): string {
  if (counts.size === 0 || typeof text !== "string") return text;
  sorted ??= [...counts.keys()].sort((a, b) => b.length - a.length);
  let out = text;
  for (const s of sorted) {
    if (out.includes(s)) out = out.replaceAll(s, MASK);
  }
  return out;
}

/** How many distinct values are tracked (for tests and diagnostics). */
export function trackedCount(): number {
  return counts.size;
}
