/**
 * What `secrets run` puts in the child's environment for each loaded value,
 * and every form of it that `--redact` masks in the child's output: the
 * value, each line of a multi-line value, and their JSON-escaped,
 * URL-encoded and base64 spellings (base64 at each of the three byte
 * alignments, so that it is found inside a longer encoding such as an HTTP
 * Basic `user:pass` header).
 */

import { MIN_MASKED_LENGTH } from "../masking.js";

/**
 * The environment string for a loaded value: strings as they are, bytes
 * (`type: "binary"`) as base64, anything else as JSON.
 */
export function injectedForm(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  return JSON.stringify(value) ?? "";
}

/**
 * The strings of a loaded value that must not appear in output: what was
 * injected, the string leaves of a JSON value, and the text of bytes that are
 * valid UTF-8.
 */
export function secretStrings(value: unknown): string[] {
  const out = [injectedForm(value)];
  if (value instanceof Uint8Array) {
    const text = Buffer.from(value).toString("utf8");
    if (Buffer.from(text, "utf8").equals(Buffer.from(value))) out.push(text);
  } else if (value !== null && typeof value === "object") {
    const walk = (v: unknown, depth: number) => {
      if (depth > 16 || v === null || v === undefined) return;
      if (typeof v === "string" || typeof v === "number") out.push(String(v));
      else if (typeof v === "object") for (const x of Object.values(v)) walk(x, depth + 1);
    };
    walk(value, 0);
  }
  return out;
}

/** The part of `bytes`' base64 that does not depend on neighbouring bytes when they start at offset `k` of a 3-byte block. */
function base64Core(bytes: Buffer, k: 0 | 1 | 2): string {
  const encoded = Buffer.concat([Buffer.alloc(k), bytes]).toString("base64");
  return encoded.slice(Math.ceil((8 * k) / 6), Math.floor((8 * (bytes.length + k)) / 6));
}

function jsonEscapes(u: string): string[] {
  const plain = JSON.stringify(u).slice(1, -1);
  // Python's json.dumps escapes every non-ASCII character; PHP escapes "/".
  const ascii = plain.replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return [plain, ascii, plain.replaceAll("/", "\\/")];
}

function urlEncodings(u: string): string[] {
  const component = encodeURIComponent(u);
  const form = new URLSearchParams({ v: u }).toString().slice(2);
  const lower = (s: string) => s.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase());
  return [component, form, lower(component), lower(form)];
}

function base64Encodings(u: string): string[] {
  const bytes = Buffer.from(u, "utf8");
  const out: string[] = [];
  for (const k of [0, 1, 2] as const) {
    const core = base64Core(bytes, k);
    out.push(core, core.replaceAll("+", "-").replaceAll("/", "_"));
  }
  return out;
}

/**
 * Every string that `--redact` masks for the given secret strings: each
 * string and each of its lines, in every spelling above, keeping only those
 * of at least {@link MIN_MASKED_LENGTH} characters. None contains a line
 * break: a line break ends a match, so masking holds nothing across lines.
 */
export function maskPatterns(secrets: Iterable<string>): string[] {
  const out = new Set<string>();
  const add = (s: string) => {
    if (s.length >= MIN_MASKED_LENGTH && !/[\r\n]/.test(s)) out.add(s);
  };
  for (const s of secrets) {
    const lines = s.split(/\r\n|\r|\n/);
    const units = lines.length > 1 ? [s, ...lines] : [s];
    for (const u of units) {
      if (u.length < MIN_MASKED_LENGTH) continue;
      add(u);
      for (const f of jsonEscapes(u)) add(f);
      for (const f of urlEncodings(u)) add(f);
      for (const f of base64Encodings(u)) add(f);
    }
  }
  return [...out];
}
