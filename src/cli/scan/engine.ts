/**
 * The detection engine. One combined keyword regex walks the text; only a
 * line that holds a keyword is handed to the rules whose keywords it holds,
 * and entropy is only measured on what a rule's regex matched. Nothing is
 * set up per file, so scanning cost is dominated by reading the bytes.
 */

import { createHash } from "node:crypto";
import { shannonEntropy } from "./entropy.js";
import { isPlaceholder, isPublicByDesign } from "./placeholders.js";
import { type Confirmed, type MatchContext, RULES, type Rule } from "./rules.js";
import type { RawFinding } from "./types.js";
import type { KnownValues } from "./values.js";

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
    pre.lastIndex = 0;
    let hits: Array<{ rule: Rule; hit: Confirmed }> | undefined;
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
      const ctx: MatchContext = { text, lineStart, lineEnd };
      for (const rule of this.#rules) {
        if (!candidates.has(rule)) continue;
        const re = rule.pattern;
        re.lastIndex = 0;
        for (let r = re.exec(line); r; r = re.exec(line)) {
          const hit = this.#confirm(rule, r, ctx, line);
          if (hit) {
            hits ??= [];
            hits.push({ rule, hit });
          }
        }
      }
    }
    const found = hits ? this.#finish(hits, text, origin) : [];
    const known = this.#known?.find(text);
    if (known && known.length > 0) {
      const starts = lineStarts(text);
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

  #confirm(rule: Rule, m: RegExpExecArray, ctx: MatchContext, line: string): Confirmed | undefined {
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
    const dataUri = line.lastIndexOf(";base64,", hit.index - ctx.lineStart);
    if (
      dataUri !== -1 &&
      /data:[\w.+-]+\/[\w.+-]+$/.test(line.slice(Math.max(0, dataUri - 80), dataUri))
    ) {
      return undefined;
    }
    return hit;
  }

  #finish(
    hits: Array<{ rule: Rule; hit: Confirmed }>,
    text: string,
    origin: TextOrigin,
  ): RawFinding[] {
    const starts = lineStarts(text);
    const located = hits.map(({ rule, hit }) => {
      const line = lineAt(starts, hit.index);
      return { rule, hit, line, column: hit.index - (starts[line - 1] ?? 0) + 1 };
    });
    const order = (r: Rule) => this.#order.get(r.id) ?? 0;
    const kept: typeof located = [];
    for (const cand of located) {
      const end = cand.hit.index + cand.hit.secret.length;
      const overlaps = (index: number, length: number) =>
        index < end && cand.hit.index < index + length;
      const clash = located.find(
        (o) =>
          o !== cand &&
          order(o.rule) < order(cand.rule) &&
          ((o.hit.covers !== undefined && overlaps(o.hit.covers.index, o.hit.covers.length)) ||
            (o.line === cand.line &&
              (cand.rule.id === "generic-secret-assignment" ||
                overlaps(o.hit.index, o.hit.secret.length) ||
                o.rule.id === "gcp-service-account"))),
      );
      if (clash) continue;
      if (kept.some((k) => k.rule === cand.rule && k.hit.index === cand.hit.index)) continue;
      kept.push(cand);
    }
    kept.sort((a, b) => a.hit.index - b.hit.index);
    return kept.map(({ rule, hit, line, column }) => {
      const fileLine = origin.lineOf ? origin.lineOf(line) : line;
      const fingerprint = `${origin.commit ? `${origin.commit}:` : ""}${origin.file}:${rule.id}:${fileLine}`;
      const finding: RawFinding = {
        rule: rule.id,
        title: rule.title,
        file: origin.file,
        line: fileLine,
        column,
        match: redactMatch(hit.secret, rule.publicPrefix),
        fingerprint,
        digest: createHash("sha256").update(hit.secret).digest("hex").slice(0, 16),
      };
      if (origin.commit) finding.commit = origin.commit;
      if (origin.date) finding.date = origin.date;
      return finding;
    });
  }
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

function lineAt(starts: readonly number[], index: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= index) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}
