/**
 * Facts about one scanned text that rules look up many times: where its
 * lines start, and lists a rule builds once per text (every AWS secret-key
 * candidate, every PEM end marker). A rule that pairs a match with something
 * nearby binary-searches these lists instead of re-reading the text around
 * each match, which kept a one-line log of 100,000 ids from taking
 * quadratic time.
 */

/**
 * A span of text: offset and length.
 *
 * @example
 * ```ts
 * const s: Span = { index: 120, length: 40 };
 * ```
 */
export interface Span {
  index: number;
  length: number;
}

/**
 * Lazily computed, per-text lookups shared by every rule.
 *
 * @example
 * ```ts
 * const ix = new TextIndex("a\nb\nc");
 * ix.window(2, 3, 1, 1); // { start: 0, end: 5 }
 * ```
 */
export class TextIndex {
  readonly text: string;
  #starts: number[] | undefined;
  readonly #memo = new Map<string, unknown>();

  constructor(text: string) {
    this.text = text;
  }

  /** Offsets of every line's first character (one pass, on first use). */
  get lineStarts(): readonly number[] {
    if (!this.#starts) {
      const starts = [0];
      const t = this.text;
      for (let i = t.indexOf("\n"); i !== -1; i = t.indexOf("\n", i + 1)) starts.push(i + 1);
      this.#starts = starts;
    }
    return this.#starts;
  }

  /** The 1-based line holding `offset`. */
  lineAt(offset: number): number {
    return lastAtOrBefore(this.lineStarts, offset) + 1;
  }

  /**
   * The offsets from `before` lines above the line `[lineStart, lineEnd)` to
   * the end of `after` lines below it.
   */
  window(
    lineStart: number,
    lineEnd: number,
    before: number,
    after: number,
  ): { start: number; end: number } {
    const starts = this.lineStarts;
    const line = lastAtOrBefore(starts, lineStart);
    const start = starts[Math.max(0, line - before)] ?? 0;
    const next = starts[line + after + 1];
    const end = next === undefined ? this.text.length : Math.max(lineEnd, next - 1);
    return { start, end };
  }

  /** `build()`'s result, computed once per text under `key`. */
  memo<T>(key: string, build: (text: string) => T): T {
    if (this.#memo.has(key)) return this.#memo.get(key) as T;
    const v = build(this.text);
    this.#memo.set(key, v);
    return v;
  }
}

/**
 * Index of the last element of the ascending `xs` that is <= `x`, or -1.
 *
 * @example
 * ```ts
 * lastAtOrBefore([0, 10, 20], 15); // 1
 * ```
 */
export function lastAtOrBefore(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((xs[mid] as number) <= x) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/**
 * Index of the first span of the ascending `spans` that starts at or after `x`, or `spans.length`.
 *
 * @example
 * ```ts
 * firstAtOrAfter([{ index: 5, length: 1 }], 3); // 0
 * ```
 */
export function firstAtOrAfter(spans: readonly Span[], x: number): number {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((spans[mid] as Span).index < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Every match of the global `re` in `text`, as spans of group 1 (or the whole match), in one pass.
 *
 * @example
 * ```ts
 * allMatches("a1 b2", /([a-z]\d)/g); // [{ index: 0, length: 2 }, { index: 3, length: 2 }]
 * ```
 */
export function allMatches(
  text: string,
  re: RegExp,
  keep?: (m: RegExpExecArray) => boolean,
): Span[] {
  const out: Span[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0].length === 0) re.lastIndex++;
    if (keep && !keep(m)) continue;
    const g = m[1] ?? m[0];
    out.push({ index: m.index + m[0].indexOf(g), length: g.length });
  }
  return out;
}
