/**
 * What `secrets run` puts in the child's environment for each loaded value,
 * and the strings `--redact` masks in the child's output: every spelling
 * listed in `../encoded-forms.ts` of the value, each line of it and each
 * string leaf of a JSON value.
 */

import { encodedForms } from "../encoded-forms.js";
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

/**
 * Every string that `--redact` masks for the given secret strings: each
 * spelling of each string from `encoded-forms.ts`, plus the UTF-8 bytes of
 * non-ASCII text read one character per byte (what URL-decoding `%C3%A9`
 * gives). Line breaks are taken out, as the masker reads its views without
 * them: a pattern is then found however the output wraps it.
 */
export function maskPatterns(secrets: Iterable<string>): string[] {
  const out = new Set<string>();
  const add = (s: string) => {
    const flat = s.replace(/[\r\n]+/g, "");
    if (flat.length >= MIN_MASKED_LENGTH) out.add(flat);
  };
  for (const s of secrets) {
    for (const { form, text } of encodedForms(s)) {
      add(text);
      if (form === "exact" || form === "line") add(Buffer.from(text, "utf8").toString("latin1"));
    }
  }
  return [...out];
}
