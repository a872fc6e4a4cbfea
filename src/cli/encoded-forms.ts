/**
 * The spellings a secret value takes when a program prints or copies it:
 * shared by `secrets run --redact` (which masks them in a child's output)
 * and `secrets scan --values` (which searches files for them), so that both
 * know the same list.
 *
 * Each value, and each line of a multi-line value, is spelled:
 * - as is (`exact`, or `line` for one line of a multi-line value);
 * - JSON-escaped (`json-escaped`) as `JSON.stringify` writes it, with every
 *   non-ASCII character as `\uXXXX` (Python, PHP), with `/` as `\/` (PHP),
 *   and with `<`, `>`, `&`, U+2028 and U+2029 as `\u003c`... (Go), in upper
 *   and lower case hex, and their combinations;
 * - URL-encoded (`url-encoded`) by `encodeURIComponent`, `encodeURI`,
 *   `escape()` and form encoding (`+` for a space), in upper and lower case hex;
 * - base64 and base64url (`base64`, `base64url`) of its UTF-8 bytes: standalone
 *   and, at each of the three byte alignments, the characters that depend on
 *   the value alone, so that it is found inside a longer encoding (the
 *   `user:password` of an HTTP Basic header);
 * - hex of its UTF-8 bytes (`hex`), lower and upper case.
 *
 * Spellings that escape an arbitrary subset of characters, or wrap base64
 * across lines, are not listable: `run --redact` decodes them as it reads
 * (see `run/decoders.ts`); the scanner does not find them.
 */

import { MIN_MASKED_LENGTH } from "./masking.js";

/**
 * How a value was written, as reported by `secrets scan --values` findings.
 *
 * @example
 * ```ts
 * const form: FormName = "base64";
 * ```
 */
export type FormName =
  | "exact"
  | "line"
  | "json-escaped"
  | "url-encoded"
  | "base64"
  | "base64url"
  | "hex";

/**
 * One spelling of a value.
 *
 * @example
 * ```ts
 * const f: EncodedForm = { form: "hex", text: "70617373776f7264" };
 * ```
 */
export interface EncodedForm {
  form: FormName;
  text: string;
}

const hex4 = (c: string) => c.charCodeAt(0).toString(16).padStart(4, "0");

function jsonForms(u: string): string[] {
  const js = JSON.stringify(u).slice(1, -1);
  const go = js.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${hex4(c)}`);
  const out: string[] = [];
  for (const base of [js, go]) {
    const ascii = base.replace(/[\u0080-\uffff]/g, (c) => `\\u${hex4(c)}`);
    for (const s of [base, ascii]) {
      out.push(s, s.replaceAll("/", "\\/"));
    }
  }
  // The same with upper case hex digits (\u00E9).
  return [
    ...out,
    ...out.map((s) => s.replace(/\\u([0-9a-f]{4})/g, (_, h) => `\\u${h.toUpperCase()}`)),
  ];
}

function urlForms(u: string): string[] {
  const forms = [
    encodeURIComponent(u),
    encodeURI(u),
    escape(u),
    new URLSearchParams({ v: u }).toString().slice(2),
  ];
  const lower = (s: string) =>
    s.replace(/%(u?)([0-9A-F]{2,4})/g, (_, p, h) => `%${p}${h.toLowerCase()}`);
  return [...forms, ...forms.map(lower)];
}

/**
 * The part of `bytes`' base64 that does not depend on neighbouring bytes when
 * they start at offset `k` of a 3-byte group.
 */
function base64Core(bytes: Buffer, k: 0 | 1 | 2): string {
  const encoded = Buffer.concat([Buffer.alloc(k), bytes]).toString("base64");
  return encoded.slice(Math.ceil((8 * k) / 6), Math.floor((8 * (bytes.length + k)) / 6));
}

function binaryForms(bytes: Buffer, add: (form: FormName, text: string) => void): void {
  const url = (s: string) => s.replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
  const whole = bytes.toString("base64");
  add("base64", whole);
  add("base64url", url(whole));
  for (const k of [0, 1, 2] as const) {
    const core = base64Core(bytes, k);
    add("base64", core);
    add("base64url", url(core));
  }
  const hex = bytes.toString("hex");
  add("hex", hex);
  add("hex", hex.toUpperCase());
}

/**
 * Every spelling of `value` (listed in this module's doc), each once, the
 * value itself first. Units (the value, or a line of it) shorter than
 * {@link MIN_MASKED_LENGTH} characters are left out: they occur by chance.
 * Bytes are spelled as latin1 text (one character per byte) and by their
 * own base64 and hex.
 *
 * @example
 * ```ts
 * for (const { form, text } of encodedForms("p@ss w/rd-123")) console.log(form, text.length);
 * ```
 */
export function encodedForms(value: string | Uint8Array): EncodedForm[] {
  const out = new Map<string, FormName>();
  const add = (form: FormName, text: string) => {
    if (text.length >= MIN_MASKED_LENGTH && !out.has(text)) out.set(text, form);
  };
  const isBytes = typeof value !== "string";
  const text = isBytes ? Buffer.from(value).toString("latin1") : value;
  const lines = text.split(/\r\n|\r|\n/).map((l) => l.trim());
  const units: Array<[FormName, string]> = [["exact", text]];
  if (lines.length > 1) for (const l of lines) units.push(["line", l]);
  for (const [form, u] of units) {
    if (u.length < MIN_MASKED_LENGTH) continue;
    add(form, u);
    for (const f of jsonForms(u)) add("json-escaped", f);
    for (const f of urlForms(u)) add("url-encoded", f);
    const bytes =
      isBytes && form === "exact"
        ? Buffer.from(value)
        : Buffer.from(u, isBytes ? "latin1" : "utf8");
    binaryForms(bytes, add);
  }
  return [...out].map(([t, form]) => ({ form, text: t }));
}
