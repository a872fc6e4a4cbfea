/**
 * The key format, in the style of GitHub's tokens:
 *
 * ```
 * acme_live_ 0b4TqR7s2ZkV9xWmE1yPaJcN3uLdQf8Hh 1xY2zA
 * └ prefix ┘ └─ body: 33 base62 characters ──┘ └─CRC┘
 * ```
 *
 * - prefix: 2 to 32 characters, lower-case ASCII letters and digits in `_`-separated words,
 *   starting with a letter and ending with `_` (`acme_live_`, `shop2_test_`);
 * - body: 24 bytes (192 bits) from `crypto.randomBytes`, read as one big-endian unsigned
 *   integer and written in base62 (`0-9A-Za-z`), left-padded with `0` to 33 characters;
 * - checksum: CRC-32 (IEEE 802.3, the one of zlib and gzip) of the ASCII bytes of prefix
 *   plus body, as an unsigned integer in base62, left-padded with `0` to 6 characters.
 *
 * So a key is its prefix plus exactly 39 base62 characters, and the regular expression
 * `acme_live_[0-9A-Za-z]{39}` finds it. The checksum covers the prefix, so a key pasted under
 * another prefix fails it too.
 */
import { BASE62_ALPHABET, bytesToBase62, uint32ToBase62 } from "./base62.js";
import { nodeCrypto, nodeZlib } from "./builtins.js";

/** Random bytes in a key's body (192 bits, above the 160-bit floor). */
const BODY_BYTES = 24;
/** Base62 characters of the body: the fewest that hold any 24-byte value. */
const BODY_LENGTH = 33;
/** Base62 characters of the checksum: 62^6 > 2^32. */
const CHECKSUM_LENGTH = 6;
/** Everything after the prefix. */
export const SUFFIX_LENGTH = BODY_LENGTH + CHECKSUM_LENGTH;
/** Longest accepted prefix, so a key is never longer than 71 characters. */
const MAX_PREFIX_LENGTH = 32;

const PREFIX = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*_$/;
const BASE62 = new RegExp(`^[${BASE62_ALPHABET}]+$`);

/**
 * True when `prefix` is a valid key prefix: lower-case letters and digits in `_`-separated
 * words, starting with a letter, ending with `_`, at most 32 characters.
 *
 * @example
 * ```ts
 * isValidPrefix("acme_live_"); // true
 * isValidPrefix("Acme-live");  // false
 * ```
 */
export function isValidPrefix(prefix: string): boolean {
  return (
    typeof prefix === "string" &&
    prefix.length >= 2 &&
    prefix.length <= MAX_PREFIX_LENGTH &&
    PREFIX.test(prefix)
  );
}

/** The checksum of a prefix plus body, as it appears at the end of a key. */
function checksumOf(prefixAndBody: string): string {
  return uint32ToBase62(nodeZlib().crc32(prefixAndBody), CHECKSUM_LENGTH);
}

/** Mints a new key under a prefix the caller has validated. */
export function mintKey(prefix: string): string {
  const head = prefix + bytesToBase62(nodeCrypto().randomBytes(BODY_BYTES), BODY_LENGTH);
  return head + checksumOf(head);
}

/**
 * A presented key split into its parts, after its checksum matched.
 *
 * @example
 * ```ts
 * const parsed = parseKey(presented);
 * if (parsed.ok) console.log(parsed.key.prefix); // "acme_live_"
 * ```
 */
export interface ParsedKey {
  /** The prefix, such as `acme_live_`. */
  prefix: string;
  /** The 33 base62 characters of the random part. */
  body: string;
  /** The 6 base62 characters of the CRC-32. */
  checksum: string;
}

/**
 * The outcome of {@link parseKey}: the parts, or why the string is not a key.
 *
 * @example
 * ```ts
 * const r: ParseResult = parseKey("nope"); // { ok: false, reason: "malformed" }
 * ```
 */
export type ParseResult =
  | {
      /** The string has the key format and its checksum holds. */
      ok: true;
      /** Its parts. */
      key: ParsedKey;
    }
  | {
      /** The string is not a key of this format. */
      ok: false;
      /** `malformed`: not the shape; `bad-checksum`: the shape, but a wrong CRC-32. */
      reason: "malformed" | "bad-checksum";
    };

/**
 * Checks a presented string's shape and checksum, without any storage: `malformed` when it is
 * not prefix + 39 base62 characters (or the prefix is not in `prefixes`, when given),
 * `bad-checksum` when the shape is right but the CRC-32 is not, so typos and random
 * look-alikes are refused before any lookup. Safe on hostile input: anything longer than the
 * longest possible key is refused before any other work.
 *
 * @example
 * ```ts
 * const r = parseKey(req.headers["x-api-key"], ["acme_live_"]);
 * if (!r.ok) return reply(401, r.reason);
 * ```
 */
export function parseKey(presented: unknown, prefixes?: readonly string[]): ParseResult {
  if (
    typeof presented !== "string" ||
    presented.length > MAX_PREFIX_LENGTH + SUFFIX_LENGTH ||
    presented.length < 2 + SUFFIX_LENGTH
  ) {
    return { ok: false, reason: "malformed" };
  }
  const cut = presented.length - SUFFIX_LENGTH;
  const prefix = presented.slice(0, cut);
  const body = presented.slice(cut, cut + BODY_LENGTH);
  const checksum = presented.slice(cut + BODY_LENGTH);
  if (
    !PREFIX.test(prefix) ||
    !BASE62.test(presented.slice(cut)) ||
    (prefixes !== undefined && !prefixes.includes(prefix))
  ) {
    return { ok: false, reason: "malformed" };
  }
  if (checksumOf(prefix + body) !== checksum) return { ok: false, reason: "bad-checksum" };
  return { ok: true, key: { prefix, body, checksum } };
}

/**
 * True when `presented` has the key format and a matching checksum (see {@link parseKey}).
 * Says nothing about whether the key was issued: only `verifyKey` knows that.
 *
 * @example
 * ```ts
 * if (!checkKey(input)) console.error("That is not an acme key (typo?)");
 * ```
 */
export function checkKey(presented: unknown, prefixes?: readonly string[]): boolean {
  return parseKey(presented, prefixes).ok;
}

/**
 * A regular expression source that matches a key with one of `prefixes` (each validated),
 * bounded so it does not match inside a longer base62 run. Suitable for a scanner, or, with
 * the boundaries dropped, for GitHub secret scanning's custom patterns.
 *
 * @example
 * ```ts
 * new RegExp(keyPattern(["acme_live_"]), "g"); // acme_live_[0-9A-Za-z]{39}
 * ```
 */
export function keyPattern(prefixes: readonly string[]): string {
  for (const [i, p] of prefixes.entries()) {
    // Never quoted: a key pasted here by mistake must not end up in a log.
    if (!isValidPrefix(p)) throw new RangeError(`prefixes[${i}] is not a valid key prefix`);
  }
  const alternatives = [...prefixes].sort((a, b) => b.length - a.length).join("|");
  return `(?<![0-9A-Za-z_])(?:${alternatives})[0-9A-Za-z]{${SUFFIX_LENGTH}}(?![0-9A-Za-z])`;
}
