/**
 * `secrets scan --values`: finds the app's own secret values, resolved from
 * the references in the config, wherever they occur, whatever their shape.
 *
 * Values live in this object's memory only. They are never printed, written,
 * hashed into a file or cached; a hit names the reference and the form it
 * was found in, never any part of the value.
 *
 * Each value is searched in the forms it takes when code or tools copy it
 * (listed in `../encoded-forms.ts`, shared with `secrets run --redact`), and
 * the string fields of a JSON value. Strings shorter than {@link MIN_MASKED_LENGTH} are not
 * searched: they occur by chance.
 *
 * The search is Wu-Manber (a multi-pattern matcher that skips ahead by
 * blocks of three characters): one pass over each text whatever the number
 * of patterns, usually looking at a fraction of the characters. The npm
 * Aho-Corasick packages measured here were 40x to several 100x slower on
 * the same input (see README), so it is written out below.
 */

import { encodedForms } from "../encoded-forms.js";
import { MIN_MASKED_LENGTH } from "../masking.js";

/**
 * A value to look for, with the reference name it is reported under.
 *
 * @example
 * ```ts
 * const v: KnownValue = { name: "DB_PASSWORD", value: await secrets.getSecret(ref) };
 * ```
 */
export interface KnownValue {
  name: string;
  value: string | Uint8Array;
}

/**
 * One occurrence of a known value in a text.
 *
 * @example
 * ```ts
 * const hit: ValueHit = { index: 120, length: 32, name: "DB_PASSWORD", form: "base64" };
 * ```
 */
export interface ValueHit {
  /** Offset in the text. */
  index: number;
  /** Length of the occurrence. */
  length: number;
  /** Reference name. */
  name: string;
  /** How the value was written: `exact`, `line`, `base64`, `base64url`, `url-encoded`, `json-escaped`, `hex`, `json-field`. */
  form: string;
}

interface Pattern {
  text: string;
  owners: Array<{ name: string; form: string }>;
}

const BLOCK = 3;
const TABLE_BITS = 16;
const MASK = (1 << TABLE_BITS) - 1;

function blockHash(s: string, end: number): number {
  return ((s.charCodeAt(end - 2) << 10) ^ (s.charCodeAt(end - 1) << 5) ^ s.charCodeAt(end)) & MASK;
}

function jsonFields(text: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  const out: string[] = [];
  const visit = (v: unknown, depth: number) => {
    if (depth > 20) return;
    if (typeof v === "string") out.push(v);
    else if (Array.isArray(v)) for (const x of v) visit(x, depth + 1);
    else if (v && typeof v === "object") for (const x of Object.values(v)) visit(x, depth + 1);
  };
  visit(parsed, 0);
  return out;
}

/**
 * The set of known values, compiled for searching.
 *
 * @example
 * ```ts
 * const known = new KnownValues([{ name: "DB_PASSWORD", value: password }]);
 * known.find(fileText); // [{ index, length, name: "DB_PASSWORD", form: "exact" }]
 * ```
 */
export class KnownValues {
  /** References whose value (and every form of it) is too short to search. */
  readonly tooShort: string[] = [];
  readonly #patterns: Pattern[] = [];
  readonly #min: number;
  readonly #shift: Uint8Array;
  readonly #bucket = new Map<number, number[]>();

  constructor(values: readonly KnownValue[]) {
    const byText = new Map<string, Pattern>();
    const add = (text: string, name: string, form: string): boolean => {
      // Text read as latin1 holds non-ASCII characters as their UTF-8 bytes.
      const asBytes = Buffer.from(text).toString("latin1");
      if (asBytes !== text) addOne(asBytes, name, form);
      return addOne(text, name, form);
    };
    const addOne = (text: string, name: string, form: string): boolean => {
      if (text.length < MIN_MASKED_LENGTH) return false;
      let p = byText.get(text);
      if (!p) {
        p = { text, owners: [] };
        byText.set(text, p);
      }
      if (!p.owners.some((o) => o.name === name)) p.owners.push({ name, form });
      return true;
    };
    for (const { name, value } of values) {
      const bytes = Buffer.from(value);
      const str = typeof value === "string" ? value : bytes.toString("latin1");
      // A value shorter than the minimum is not searched in any form (its
      // base64 can reach the minimum, but would still match by chance).
      const longest = Math.max(...str.split(/\r?\n/).map((l) => l.trim().length), bytes.length);
      if (longest < MIN_MASKED_LENGTH) {
        this.tooShort.push(name);
        continue;
      }
      let any = false;
      // Files are read as latin1 (one character per byte) unless they are
      // UTF-16: search the UTF-8 bytes that way (add), and the string as itself.
      for (const f of encodedForms(value)) any = add(f.text, name, f.form) || any;
      for (const field of jsonFields(str)) any = add(field, name, "json-field") || any;
      if (!any) this.tooShort.push(name);
    }
    this.#patterns = [...byText.values()];
    this.#min = Math.max(
      BLOCK,
      this.#patterns.reduce((m, p) => Math.min(m, p.text.length), Number.MAX_SAFE_INTEGER),
    );
    const m = this.#min;
    this.#shift = new Uint8Array(1 << TABLE_BITS).fill(Math.min(255, m - BLOCK + 1));
    this.#patterns.forEach((p, k) => {
      // Only the first m characters of each pattern take part in the shifts.
      for (let end = BLOCK - 1; end < m; end++) {
        const h = blockHash(p.text, end);
        const s = m - 1 - end;
        if (s < (this.#shift[h] as number)) this.#shift[h] = s;
        if (s === 0) {
          const b = this.#bucket.get(h);
          if (b) b.push(k);
          else this.#bucket.set(h, [k]);
        }
      }
    });
  }

  /** Number of distinct strings searched for (all forms of all values). */
  get patterns(): number {
    return this.#patterns.length;
  }

  /**
   * Every occurrence of a known value in `text`. Where forms overlap (a line
   * of a value inside the whole value), the longest occurrence is kept.
   *
   * @example
   * ```ts
   * known.find('const url = "postgres://app:' + password + '@db"');
   * ```
   */
  find(text: string): ValueHit[] {
    if (this.#patterns.length === 0) return [];
    const m = this.#min;
    const shift = this.#shift;
    const len = text.length;
    let hits: ValueHit[] | undefined;
    let i = m - 1;
    while (i < len) {
      const h =
        ((text.charCodeAt(i - 2) << 10) ^ (text.charCodeAt(i - 1) << 5) ^ text.charCodeAt(i)) &
        MASK;
      const s = shift[h] as number;
      if (s !== 0) {
        i += s;
        continue;
      }
      const start = i - m + 1;
      for (const k of this.#bucket.get(h) ?? []) {
        const p = this.#patterns[k] as Pattern;
        if (text.startsWith(p.text, start)) {
          hits ??= [];
          for (const o of p.owners) {
            hits.push({ index: start, length: p.text.length, name: o.name, form: o.form });
          }
        }
      }
      i++;
    }
    return hits ? longestFirst(hits) : [];
  }
}

/** Drops an occurrence that lies inside a longer one of the same reference. */
function longestFirst(hits: ValueHit[]): ValueHit[] {
  hits.sort((a, b) => a.index - b.index || b.length - a.length);
  const kept: ValueHit[] = [];
  for (const h of hits) {
    const inside = kept.some(
      (k) => k.name === h.name && h.index >= k.index && h.index + h.length <= k.index + k.length,
    );
    if (!inside) kept.push(h);
  }
  return kept;
}
