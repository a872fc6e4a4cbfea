/**
 * Base62 with the alphabet `0-9A-Za-z` (digits, then upper case, then lower case), written
 * most significant digit first and left-padded with `0` to a fixed width, so every key has
 * the same length and a regular expression can find it.
 */

/** The 62 characters, in digit order: `0` is 0, `A` is 10, `a` is 36, `z` is 61. */
export const BASE62_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

const BASE = 62n;

/** Writes `bytes`, read as one big-endian unsigned integer, in `width` base62 digits. */
export function bytesToBase62(bytes: Uint8Array, width: number): string {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  let out = "";
  for (let i = 0; i < width; i++) {
    out = BASE62_ALPHABET[Number(n % BASE)] + out;
    n /= BASE;
  }
  if (n !== 0n) throw new RangeError(`${bytes.length} bytes do not fit in ${width} base62 digits`);
  return out;
}

/** Writes an unsigned 32-bit integer in `width` base62 digits (6 always suffice). */
export function uint32ToBase62(value: number, width: number): string {
  let n = value >>> 0;
  let out = "";
  for (let i = 0; i < width; i++) {
    out = BASE62_ALPHABET[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}
