/**
 * Values that look like keys but are documentation or templates. Dropping
 * them keeps the scanner quiet on READMEs, `.env.example` files and tests.
 */

import { hash } from "node:crypto";
import { shannonEntropy } from "./entropy.js";

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
// Angle brackets hold words ("<your-api-key>", "<YOUR TOKEN>"), not the
// random punctuation of a generated salt.
const ANGLE = /<[A-Za-z0-9_\s.:-]*[A-Za-z]{3}[A-Za-z0-9_\s.:-]*>/;
const TEMPLATE = /\$\{|\{\{|%\(|\$\(|^\$[A-Z_]/;

// Runs such as 00000000, aaaaaaaa or xxxx, in one case (random keys do
// contain mixed-case runs like "xXxX"; placeholders are typed in one case).
// A loop, not /(.)\1{5,}|xxxx|XXXX/: that regex backtracks at every
// position, and it runs on every candidate of a file with 100,000 of them.
function hasRepeat(value: string): boolean {
  if (value.includes("xxxx") || value.includes("XXXX")) return true;
  let run = 1;
  for (let i = 1; i < value.length; i++) {
    const c = value.charCodeAt(i);
    // As the regex's `.`: line terminators never form a run.
    if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) run = 0;
    else if (c === value.charCodeAt(i - 1) && run > 0) {
      if (++run >= 6) return true;
    } else run = 1;
  }
  return false;
}
const SEQUENCES = ["0123456789", "123456789", "abcdefghij", "qwertyuiop"];

// SHA-256 of values published as documentation that are not secret, such as
// the Azurite storage emulator's well-known account key. Stored as digests
// so that this file does not itself look like a leak.
const PUBLIC_VALUE_DIGESTS = new Set([
  // Azurite storage emulator account key.
  "0011cc25eb4320717494d2703e8cba85743e71b500283c21c8b88147992f9059",
  // jwt.io's example token ("John Doe", HS256 with the key "your-256-bit-secret").
  "7f75367e7881255134e1375e723d1dea8ad5f6a4fdb79d938df1f1754a830606",
]);

// Their lengths: only a value of one of these lengths is hashed at all.
const PUBLIC_VALUE_LENGTHS = new Set([88, 155]);

// One case-insensitive pass instead of a loop of substring searches.
const MARKER_RE = new RegExp(
  [...MARKERS, ...SEQUENCES].map((m) => m.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"),
  "i",
);

/**
 * Prefixes of keys their issuers publish as safe in client code: not
 * secrets, so no rule reports them, wherever they are. Each is listed with
 * its source in the README's scan section.
 */
const PUBLIC_BY_DESIGN = [
  // Stripe publishable keys (and Clerk's, which use the same prefixes).
  "pk_live_",
  "pk_test_",
  // Supabase publishable key.
  "sb_publishable_",
  // Mapbox public access token.
  "pk.eyJ",
  // PostHog project API key.
  "phc_",
];

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
  if (MARKER_RE.test(value)) return true;
  if (TEMPLATE.test(value)) return true;
  // A long random value (a generated salt) can hold "<abc>" by chance.
  if (ANGLE.test(value) && !(value.length >= 40 && shannonEntropy(value) >= 4.8)) return true;
  if (hasRepeat(value)) return true;
  return isPublicValue(value);
}

/**
 * True for a key that its issuer documents as public (safe in browser code),
 * such as a Stripe publishable key.
 *
 * @example
 * ```ts
 * isPublicByDesign("pk_" + "live_51H..."); // true
 * ```
 */
export function isPublicByDesign(value: string): boolean {
  return PUBLIC_BY_DESIGN.some((p) => value.startsWith(p));
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
  if (!PUBLIC_VALUE_LENGTHS.has(value.length)) return false;
  return PUBLIC_VALUE_DIGESTS.has(hash("sha256", value, "hex"));
}
