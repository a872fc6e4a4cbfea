/**
 * Values that look like keys but are documentation or templates. Dropping
 * them keeps the scanner quiet on READMEs, `.env.example` files and tests.
 */

import { createHash } from "node:crypto";

// Substrings (lower-case) that mark a value as a stand-in, not a key.
const MARKERS = [
  "example",
  "changeme",
  "change_me",
  "change-me",
  "placeholder",
  "your_",
  "your-",
  "yourkey",
  "dummy",
  "sample",
  "redacted",
  "replace_me",
  "replaceme",
  "insert_",
  "notreal",
  "not_real",
  "not-a-real",
  "****",
  "....",
];

// Template syntax: the value is filled in elsewhere.
const TEMPLATE = /<[^>]*>|\$\{|\{\{|%\(|\$\(|^\$[A-Z_]/;

// Runs such as 00000000, aaaaaaaa or xxxx, in one case (random keys do
// contain mixed-case runs like "xXxX"; placeholders are typed in one case).
const REPEAT = /(.)\1{5,}|xxxx|XXXX/;
const SEQUENCES = ["0123456789", "123456789", "abcdefghij", "qwertyuiop"];

// SHA-256 of values published as documentation that are not secret, such as
// the Azurite storage emulator's well-known account key. Stored as digests
// so that this file does not itself look like a leak.
const PUBLIC_VALUE_DIGESTS = new Set([
  "0011cc25eb4320717494d2703e8cba85743e71b500283c21c8b88147992f9059",
]);

/**
 * True when `value` is a placeholder or a published well-known value, so a
 * match on it must not be reported.
 *
 * @example
 * ```ts
 * isPlaceholder("sk_live_xxxxxxxxxxxxxxxx"); // true
 * isPlaceholder("<your-api-key>");            // true
 * ```
 */
export function isPlaceholder(value: string): boolean {
  const lower = value.toLowerCase();
  for (const m of MARKERS) if (lower.includes(m)) return true;
  if (TEMPLATE.test(value)) return true;
  if (REPEAT.test(value)) return true;
  for (const s of SEQUENCES) if (lower.includes(s)) return true;
  return isPublicValue(value);
}

/**
 * True for a value published in vendor documentation as a well-known,
 * non-secret constant (matched by digest).
 *
 * @example
 * ```ts
 * isPublicValue("anything-else"); // false
 * ```
 */
export function isPublicValue(value: string): boolean {
  return PUBLIC_VALUE_DIGESTS.has(createHash("sha256").update(value).digest("hex"));
}
