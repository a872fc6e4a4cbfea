/**
 * File names as the scanner prints them. A name is data chosen by whoever
 * wrote the tree: a newline in it could forge a report line, an escape
 * sequence could drive the terminal, and a bidirectional override could
 * make `a.ts` read as something else. Such characters are shown as escapes
 * in every output (text, JSON, SARIF), and bytes that are not UTF-8 as `\xNN`.
 */

// C0 and C1 controls, DEL, and the Unicode format characters that reorder
// or hide text (bidi embeddings, overrides, isolates, marks, zero-width).
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are what we escape
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufffd]/g;

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  if (c === "\ufffd") return "\\ufffd";
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
}

/**
 * `path` with control and format characters escaped, safe to print.
 *
 * @example
 * ```ts
 * displayPath("a\nb.ts"); // "a\\x0ab.ts"
 * ```
 */
export function displayPath(path: string): string {
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(path) ? path.replace(UNSAFE, escapeChar) : path;
}

/**
 * A file name's bytes as a printable string: valid UTF-8 is decoded, every
 * other byte becomes `\xNN`, and control characters are escaped.
 *
 * @example
 * ```ts
 * displayName(Buffer.from([0x61, 0xff])); // "a\\xff"
 * ```
 */
export function displayName(raw: Buffer): string {
  const text = raw.toString("utf8");
  if (!text.includes("\ufffd") || Buffer.from(text).equals(raw)) return displayPath(text);
  // Decode piece by piece so each invalid byte can be named.
  let out = "";
  let i = 0;
  while (i < raw.length) {
    const b = raw[i] as number;
    const len = b < 0x80 ? 1 : b >= 0xf0 && b < 0xf8 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 ? 2 : 0;
    const piece = len ? raw.subarray(i, i + len) : undefined;
    const decoded = piece?.toString("utf8");
    if (piece && piece.length === len && decoded && !decoded.includes("\ufffd")) {
      out += displayPath(decoded);
      i += len;
    } else {
      out += `\\x${b.toString(16).padStart(2, "0")}`;
      i++;
    }
  }
  return out;
}
