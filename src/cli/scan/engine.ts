/**
 * The detection engine. One combined keyword regex walks the text; only a
 * line that holds a keyword is handed to the rules whose keywords it holds,
 * and entropy is only measured on what a rule's regex matched. Nothing is
 * set up per file, so scanning cost is dominated by reading the bytes.
 */

import { hash } from "node:crypto";
import { counts, isDummyValue, pathContext } from "./classify.js";
import { shannonEntropy } from "./entropy.js";
import type { KnownValues } from "./known-values-search.js";
import { isPlaceholder, isPublicByDesign } from "./placeholders.js";
import { type Confirmed, type MatchContext, RULES, type Rule } from "./rules.js";
import { allMatches, lastAtOrBefore, TextIndex } from "./text-index.js";
import type { RawFinding } from "./types.js";

/**
 * Options of {@link Scanner}.
 *
 * @example
 * ```ts
 * new Scanner({ disabledRules: ["jwt"], allowValues: [/^sk_test_/] });
 * ```
 */
export interface ScannerOptions {
  /** Rules to use. Default: {@link RULES}. */
  rules?: readonly Rule[];
  /** Rule ids to turn off (config `scan.allowlist.rules`). */
  disabledRules?: readonly string[];
  /** Regexes tested against each secret; a match drops the finding (config `scan.allowlist.regexes`). */
  allowValues?: readonly RegExp[];
  /** The app's own values to find as well (`--values`), reported as rule `known-value`. */
  knownValues?: KnownValues;
}

/**
 * The rule id of a known value found by `--values`.
 *
 * @example
 * ```ts
 * findings.filter((f) => f.rule === KNOWN_VALUE_RULE);
 * ```
 */
export const KNOWN_VALUE_RULE = "known-value";

/**
 * Where a text came from, for findings' file and line numbers.
 *
 * @example
 * ```ts
 * const origin: TextOrigin = { file: "src/a.ts" };
 * const fromDiff: TextOrigin = { file: "src/a.ts", commit: "3f2a...", lineOf: (n) => n + 40 };
 * ```
 */
export interface TextOrigin {
  /** Path shown in findings. */
  file: string;
  /** Commit that added the text (history scans). */
  commit?: string;
  /** Author date of that commit. */
  date?: string;
  /** Maps a 1-based line of the text to the line in the file (diff hunks). */
  lineOf?: (line: number) => number;
}

// Inline allowlist markers: ours, and the ones gitleaks and detect-secrets
// users already have in their code.
const INLINE_ALLOW = ["secrets-scan:allow", "gitleaks:allow", "pragma: allowlist secret"];

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The masked preview of a secret: its public prefix when the rule knows one
 * (the part every such key starts with, such as `sk_live_`), then only its
 * length. Never a character of the random part, never a hash of it.
 *
 * @example
 * ```ts
 * redactMatch("sk_live_51Habc...", /^(?:sk|rk)_(?:live|test)_/); // "sk_live_… (32 chars)"
 * redactMatch("hunter22");                                     // "… (8 chars)"
 * ```
 */
export function redactMatch(secret: string, publicPrefix?: RegExp): string {
  const prefix = publicPrefix?.exec(secret)?.[0] ?? "";
  // A prefix is only public when it leaves a secret part behind.
  const shown = prefix.length > 0 && prefix.length < secret.length ? prefix : "";
  return `${shown}… (${secret.length} chars)`;
}

/**
 * The leak scanner. Create one per run and call {@link Scanner.scanText} for
 * every file or diff; it holds no per-text state.
 *
 * @example
 * ```ts
 * const scanner = new Scanner();
 * const findings = scanner.scanText(source, { file: "src/pay.ts" });
 * ```
 */
export class Scanner {
  readonly #rules: readonly Rule[];
  readonly #order: Map<string, number>;
  readonly #prefilter: RegExp;
  readonly #allowValues: readonly RegExp[];
  readonly #known: KnownValues | undefined;
  readonly #byKeyword = new Map<string, Rule[]>();

  constructor(options: ScannerOptions = {}) {
    const disabled = new Set(options.disabledRules ?? []);
    this.#rules = (options.rules ?? RULES).filter((r) => !disabled.has(r.id));
    this.#order = new Map(this.#rules.map((r, i) => [r.id, i]));
    const alternatives: string[] = [];
    for (const r of this.#rules) {
      for (const k of r.keywords) {
        const key = r.ignoreCase ? k.toLowerCase() : k;
        const known = this.#byKeyword.get(key);
        if (!known) {
          // Case-insensitive keywords become [kK][eE][yY]: one regex, no /i flag,
          // so the exact-case keywords keep V8's fast literal matching.
          alternatives.push(
            r.ignoreCase
              ? [...key]
                  .map((c) => (/[a-z]/.test(c) ? `[${c}${c.toUpperCase()}]` : escapeRegex(c)))
                  .join("")
              : escapeRegex(key),
          );
        }
        this.#byKeyword.set(key, [...(known ?? []), r]);
      }
    }
    // The alternation reports one keyword per position (the longest): a
    // keyword that contains another ("password=" holds "passw") must select
    // the rules of both.
    const keys = [...this.#byKeyword.keys()];
    const widened = new Map<string, Rule[]>();
    for (const k of keys) {
      const lower = k.toLowerCase();
      const rules = new Set(this.#byKeyword.get(k));
      for (const k2 of keys) {
        if (k2 !== k && lower.includes(k2.toLowerCase())) {
          for (const r of this.#byKeyword.get(k2) ?? []) rules.add(r);
        }
      }
      widened.set(k, [...rules]);
    }
    for (const [k, rules] of widened) this.#byKeyword.set(k, rules);
    // Longest first so that alternation prefers the most specific keyword.
    alternatives.sort((a, b) => b.length - a.length);
    this.#prefilter = new RegExp(alternatives.length ? alternatives.join("|") : "(?!)", "g");
    this.#allowValues = options.allowValues ?? [];
    this.#known = disabled.has(KNOWN_VALUE_RULE) ? undefined : options.knownValues;
  }

  /** The rules in use, most specific first. */
  get rules(): readonly Rule[] {
    return this.#rules;
  }

  /**
   * Finds every secret in `text`.
   *
   * @example
   * ```ts
   * new Scanner().scanText('const k = "' + "sk_live_" + '51Hx..."', { file: "a.ts" });
   * ```
   */
  scanText(text: string, origin: TextOrigin): RawFinding[] {
    const pre = this.#prefilter;
    const index = new TextIndex(text);
    pre.lastIndex = 0;
    let hits: Located[] | undefined;
    let m = pre.exec(text);
    while (m) {
      const lineStart = text.lastIndexOf("\n", m.index) + 1;
      let lineEnd = text.indexOf("\n", m.index);
      if (lineEnd === -1) lineEnd = text.length;
      // Every keyword on this line selects its rules; the next keyword past
      // the line starts the next round.
      const candidates = new Set<Rule>(this.#rulesFor(m[0]));
      for (m = pre.exec(text); m && m.index < lineEnd; m = pre.exec(text)) {
        for (const r of this.#rulesFor(m[0])) candidates.add(r);
      }
      const line = text.slice(lineStart, lineEnd);
      if (line.includes("allow") && INLINE_ALLOW.some((a) => line.includes(a))) continue;
      const ctx: MatchContext = { text, lineStart, lineEnd, index };
      for (const rule of this.#rules) {
        if (!candidates.has(rule)) continue;
        const re = rule.pattern;
        re.lastIndex = 0;
        for (let r = re.exec(line); r; r = re.exec(line)) {
          const hit = this.#confirm(rule, r, ctx);
          if (hit) {
            hits ??= [];
            // Located in #finish, once the hits are in offset order.
            hits.push({ rule, hit, line: 0, column: 0, order: 0, end: 0 });
          }
        }
      }
    }
    const found = hits ? this.#finish(hits, index, origin) : [];
    const known = this.#known?.find(text);
    if (known && known.length > 0) {
      const starts = index.lineStarts;
      for (const h of known) {
        const line = lineAt(starts, h.index);
        const fileLine = origin.lineOf ? origin.lineOf(line) : line;
        const finding: RawFinding = {
          rule: KNOWN_VALUE_RULE,
          title: `Known secret value of ${h.name}`,
          file: origin.file,
          line: fileLine,
          column: h.index - (starts[line - 1] ?? 0) + 1,
          // The reference and the form only: nothing of the value.
          match: `${h.name} (${h.form}, ${h.length} chars)`,
          fingerprint: `${origin.commit ? `${origin.commit}:` : ""}${origin.file}:${KNOWN_VALUE_RULE}:${fileLine}`,
          reference: h.name,
          // Not a hash of the value: the reference name identifies it.
          digest: `known-value:${h.name}`,
          confidence: "high",
          context: pathContext(origin.file),
          // The app's own value counts wherever it is committed.
          counted: true,
        };
        if (origin.commit) finding.commit = origin.commit;
        if (origin.date) finding.date = origin.date;
        found.push(finding);
      }
      found.sort((a, b) => a.line - b.line || a.column - b.column);
    }
    return found;
  }

  #rulesFor(keyword: string): readonly Rule[] {
    return this.#byKeyword.get(keyword) ?? this.#byKeyword.get(keyword.toLowerCase()) ?? [];
  }

  #confirm(rule: Rule, m: RegExpExecArray, ctx: MatchContext): Confirmed | undefined {
    let hit: Confirmed | undefined;
    if (rule.confirm) hit = rule.confirm(m, ctx);
    else {
      const secret = m[1] ?? m[0];
      hit = { secret, index: ctx.lineStart + m.index + m[0].indexOf(secret) };
    }
    if (!hit) return undefined;
    const { secret } = hit;
    if (isPlaceholder(secret) || isPublicByDesign(secret)) return undefined;
    if (rule.minEntropy !== undefined) {
      if (shannonEntropy(secret.slice(rule.entropySkip ?? 0)) < rule.minEntropy) return undefined;
    }
    if (this.#allowValues.some((re) => re.test(secret))) return undefined;
    // Inside a data: URI (an inlined image or font) random-looking text is expected.
    // The markers are listed once per text; the last one before the hit, on its line, counts.
    const markers = ctx.index.memo("data-uri", (t) =>
      allMatches(t, /;base64,/g).map((m) => m.index),
    );
    const at = markers[lastAtOrBefore(markers, hit.index - 8)];
    if (
      at !== undefined &&
      at >= ctx.lineStart &&
      /data:[\w.+-]+\/[\w.+-]+$/.test(ctx.text.slice(Math.max(ctx.lineStart, at - 80), at))
    ) {
      return undefined;
    }
    return hit;
  }

  /**
   * Locates the hits and drops those another, more specific rule accounts
   * for: a span it covers (the secret half of an AWS pair), an overlapping
   * span, any keyword finding on a line a specific rule already reported,
   * anything on the line of a service-account key file. Sorted by offset and
   * swept once, so 100,000 findings on one line cost no more than 100,000 lines.
   */
  #finish(hits: Located[], index: TextIndex, origin: TextOrigin): RawFinding[] {
    const starts = index.lineStarts;
    for (const c of hits) {
      c.order = this.#order.get(c.rule.id) ?? 0;
      c.end = c.hit.index + c.hit.secret.length;
    }
    const located = hits.sort((x, y) => x.hit.index - y.hit.index || x.order - y.order);
    // Lines and columns in one forward walk over the line starts: the hits
    // are in offset order, so no search per hit.
    let ln = 0;
    for (const c of located) {
      while (ln + 1 < starts.length && (starts[ln + 1] as number) <= c.hit.index) ln++;
      c.line = ln + 1;
      c.column = c.hit.index - (starts[ln] as number) + 1;
    }
    // Per line: the lowest rule order, and the lowest order of a service-account finding.
    const lowest = new Map<number, number>();
    const lowestSa = new Map<number, number>();
    for (const c of located) {
      if (c.order < (lowest.get(c.line) ?? Infinity)) lowest.set(c.line, c.order);
      if (c.rule.id === "gcp-service-account" && c.order < (lowestSa.get(c.line) ?? Infinity)) {
        lowestSa.set(c.line, c.order);
      }
    }
    // Covered spans, sorted, each with the lowest order that covers it, and a running maximum end.
    const coverMap = new Map<string, { index: number; end: number; order: number }>();
    for (const c of located) {
      const cv = c.hit.covers;
      if (!cv) continue;
      const key = `${cv.index}:${cv.length}`;
      const known = coverMap.get(key);
      if (!known || c.order < known.order) {
        coverMap.set(key, { index: cv.index, end: cv.index + cv.length, order: c.order });
      }
    }
    const covers = [...coverMap.values()].sort((x, y) => x.index - y.index);
    const coverStarts = covers.map((c) => c.index);
    const coverMaxEnd: number[] = [];
    for (const [i, c] of covers.entries())
      coverMaxEnd.push(Math.max(c.end, coverMaxEnd[i - 1] ?? 0));
    const maxEnd: number[] = [];
    for (const [i, c] of located.entries()) maxEnd.push(Math.max(c.end, maxEnd[i - 1] ?? 0));
    const kept: typeof located = [];
    for (const [i, cand] of located.entries()) {
      const generic = cand.rule.id === "generic-secret-assignment";
      if (generic && (lowest.get(cand.line) ?? Infinity) < cand.order) continue;
      if ((lowestSa.get(cand.line) ?? Infinity) < cand.order) continue;
      // A covered span that overlaps: walk back from the last cover starting before our end.
      let covered = false;
      for (
        let j = lastAtOrBefore(coverStarts, cand.end - 1);
        j >= 0 && (coverMaxEnd[j] as number) > cand.hit.index;
        j--
      ) {
        const cv = covers[j] as (typeof covers)[number];
        if (cv.order < cand.order && cv.end > cand.hit.index) {
          covered = true;
          break;
        }
      }
      if (covered) continue;
      // An overlapping span of a more specific rule on the same line: neighbours only.
      let clash = false;
      for (let j = i - 1; j >= 0 && (maxEnd[j] as number) > cand.hit.index; j--) {
        const o = located[j] as (typeof located)[number];
        if (o.order < cand.order && o.line === cand.line && o.end > cand.hit.index) {
          clash = true;
          break;
        }
      }
      for (let j = i + 1; !clash && j < located.length; j++) {
        const o = located[j] as (typeof located)[number];
        if (o.hit.index >= cand.end) break;
        if (o.order < cand.order && o.line === cand.line) clash = true;
      }
      if (clash) continue;
      // The same rule at the same offset twice: sorted by offset then rule
      // order (one order per rule id), so a repeat follows the one kept.
      const last = kept[kept.length - 1];
      if (last && last.rule.id === cand.rule.id && last.hit.index === cand.hit.index) continue;
      kept.push(cand);
    }
    const where = pathContext(origin.file);
    const prefix = `${origin.commit ? `${origin.commit}:` : ""}${origin.file}:`;
    // Many findings of one rule on one line share their fingerprint string.
    let lastRule: Rule | undefined;
    let lastLine = 0;
    let lastFingerprint = "";
    return kept.map(({ rule, hit, line, column }) => {
      const fileLine = origin.lineOf ? origin.lineOf(line) : line;
      // A well-known dummy (password1) in source is a test value; the path's class wins otherwise.
      const context =
        where === "source" && rule.keyword && isDummyValue(hit.secret) ? "test-fixture" : where;
      const confidence = rule.confidence ?? "high";
      if (rule !== lastRule || fileLine !== lastLine) {
        lastRule = rule;
        lastLine = fileLine;
        lastFingerprint = `${prefix}${rule.id}:${fileLine}`;
      }
      const fingerprint = lastFingerprint;
      const finding: RawFinding = {
        rule: rule.id,
        title: rule.title,
        file: origin.file,
        line: fileLine,
        column,
        match: redactMatch(hit.secret, rule.publicPrefix),
        fingerprint,
        digest: hash("sha256", hit.secret, "hex").slice(0, 16),
        confidence,
        context,
        counted: counts({ confidence, context }, rule.keyword === true),
      };
      if (origin.commit) finding.commit = origin.commit;
      if (origin.date) finding.date = origin.date;
      return finding;
    });
  }
}

/** A confirmed hit, then its place: line, column, rule order and end offset. */
interface Located {
  rule: Rule;
  hit: Confirmed;
  line: number;
  column: number;
  order: number;
  end: number;
}

function lineAt(starts: readonly number[], index: number): number {
  return lastAtOrBefore(starts, index) + 1;
}
