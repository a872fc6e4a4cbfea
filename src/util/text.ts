/**
 * Small text helpers shared by the parser, the client and the CLI (one copy each).
 */

/**
 * Levenshtein distance between two words.
 *
 * @example
 * ```ts
 * editDistance("versionstage", "versionStage"); // 1
 * ```
 */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] ?? 0;
      row[j] = Math.min(
        (row[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        prev + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      prev = tmp;
    }
  }
  return row[b.length] ?? 0;
}

/**
 * The candidate closest to `word`, if it is close enough to be a likely typo.
 *
 * @example
 * ```ts
 * closest("aws-smm", ["env", "aws-sm"]); // "aws-sm"
 * ```
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const score = editDistance(word, c);
    if (score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return bestScore <= Math.max(2, Math.floor(word.length / 2)) ? best : undefined;
}

/**
 * The first line of an error's message (provider errors carry no value).
 *
 * @example
 * ```ts
 * firstLine(new Error("a\nb")); // "a"
 * ```
 */
export function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split("\n")[0] ?? "";
}

/** A reference's scheme, as written: letters, digits, `+.-`, starting with a letter, before `://`. */
const SCHEME_PREFIX = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;

/**
 * The lower-cased scheme a reference starts with, or `undefined`.
 *
 * @example
 * ```ts
 * schemeOf("AWS-SM://prod/db"); // "aws-sm"
 * ```
 */
export function schemeOf(ref: string): string | undefined {
  return SCHEME_PREFIX.exec(ref)?.[1]?.toLowerCase();
}
