/**
 * The scanner's rule for API keys this project issues with `secrets-loader/keys`: the
 * prefixes registered under `keys.prefixes` in the config, followed by the key format's 39
 * base62 characters, confirmed by the key's CRC-32 checksum. A look-alike (a typo, a test
 * string, random text after the prefix) fails the checksum and is not reported.
 */

import { checkKey, keyPattern } from "../../keys/index.js";
import type { Rule } from "./rules.js";

/** The rule id, usable in `scan.allowlist.rules`. */
export const ISSUED_KEY_RULE_ID = "issued-api-key";

/** What to do about an issued key found in code. */
export const ISSUED_KEY_FIX =
  "Revoke the key in your own service (set revokedAt on its record), issue its owner a new one with issueKey or rotateKey, and load keys at runtime instead of committing them.";

/** The rule's title. */
export const ISSUED_KEY_TITLE = "API key issued by this project";

/**
 * The rule for the registered prefixes, or undefined when there are none.
 *
 * @example
 * ```ts
 * const rule = issuedKeyRule(["acme_live_"]);
 * new Scanner({ rules: rule ? [rule, ...RULES] : RULES });
 * ```
 */
export function issuedKeyRule(prefixes: readonly string[]): Rule | undefined {
  if (prefixes.length === 0) return undefined;
  // keyPattern refuses any prefix that is not lower-case words and "_": nothing to escape.
  // Its own left boundary (no letter, digit or "_" before the key) is replaced:
  // any character that is not a letter or digit ends the text before a key
  // ("_" as in `KEY_acme_live_...`, a quote, a space), and so does a URL
  // escape such as "%20" (its hex digits are not part of the key).
  const body = keyPattern(prefixes).replace(/^\(\?<!\[[^\]]*\]\)/, "");
  const pattern = `(?:(?<=%[0-9A-Fa-f]{2})|(?<![0-9A-Za-z]))${body}`;
  return {
    id: ISSUED_KEY_RULE_ID,
    title: ISSUED_KEY_TITLE,
    keywords: [...prefixes],
    pattern: new RegExp(`(${pattern})`, "g"),
    // The prefix is public: it is what makes a leaked key recognisable.
    // Longest first, so `acme_live_eu_` is not cut at `acme_live_`.
    publicPrefix: new RegExp(`^(?:${[...prefixes].sort((a, b) => b.length - a.length).join("|")})`),
    confirm: (m, ctx) => {
      const secret = m[1] as string;
      if (!checkKey(secret, prefixes)) return undefined;
      // The whole match is the key (the pattern's boundaries are lookarounds).
      return { secret, index: ctx.lineStart + m.index };
    },
    fix: ISSUED_KEY_FIX,
  };
}
