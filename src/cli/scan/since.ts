/**
 * `--since` for history scans. git accepts almost any text as a date and
 * reads what it cannot parse as "now", so `--since notadate` would scan no
 * commit and pass. Only unambiguous forms are accepted here. Kept free of
 * imports so the argument parser can use it without loading the scanner.
 */

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const RELATIVE = /^(\d+)[ .](second|minute|hour|day|week|month|year)s?[ .]ago$/;

/**
 * The forms `--since` accepts, for error messages.
 *
 * @example
 * ```ts
 * throw new Error(`bad date; use ${SINCE_FORMS}`);
 * ```
 */
export const SINCE_FORMS =
  'a date (2025-01-31), a date and time (2025-01-31T12:00:00Z) or "<n> <seconds|minutes|hours|days|weeks|months|years> ago"';

/**
 * True when `since` is a date git will read as the user meant it.
 *
 * @example
 * ```ts
 * isValidSince("90 days ago"); // true
 * isValidSince("notadate");    // false
 * ```
 */
export function isValidSince(since: string): boolean {
  const text = since.trim();
  if (RELATIVE.test(text)) return true;
  const m = ISO.exec(text);
  if (!m) return false;
  const [, y, mo, d, h = "0", mi = "0", sec = "0"] = m;
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  return (
    date.getUTCFullYear() === Number(y) &&
    date.getUTCMonth() === Number(mo) - 1 &&
    date.getUTCDate() === Number(d) &&
    Number(h) < 24 &&
    Number(mi) < 60 &&
    Number(sec) < 60
  );
}

const UNIT_SECONDS: Record<string, number> = {
  second: 1,
  minute: 60,
  hour: 3600,
  day: 86_400,
  week: 604_800,
  month: 2_629_746,
  year: 31_556_952,
};

/**
 * The moment (ms since the epoch) a valid `since` names, relative to `now`;
 * NaN when it names none. Relative forms use average months and years.
 *
 * @example
 * ```ts
 * sinceTime("2025-01-31"); // 1738281600000
 * ```
 */
export function sinceTime(since: string, now = Date.now()): number {
  const text = since.trim();
  const rel = RELATIVE.exec(text);
  if (rel) return now - Number(rel[1]) * (UNIT_SECONDS[rel[2] as string] as number) * 1000;
  const iso = ISO.exec(text);
  if (!iso) return Number.NaN;
  // A date alone is midnight UTC; a time without a zone is read as UTC too.
  const withZone = /[Zz]|[+-]\d{2}:?\d{2}$/.test(text.slice(10)) || text.length === 10;
  return Date.parse(text.length === 10 ? `${text}T00:00:00Z` : withZone ? text : `${text}Z`);
}

/**
 * Why git cannot represent `since` (a sentence for the user), or undefined
 * when it can: git stores times as seconds after 1970, and reads a date
 * before that, or a number too large for its parser, as another date
 * entirely, so the scan would silently cover no commit.
 *
 * @example
 * ```ts
 * sinceProblem("57 years ago"); // "--since \"57 years ago\" is before 1970 ..."
 * ```
 */
export function sinceProblem(since: string, now = Date.now()): string | undefined {
  const t = sinceTime(since, now);
  const rel = RELATIVE.exec(since.trim());
  if (rel && !Number.isSafeInteger(Number(rel[1]))) {
    return `--since ${JSON.stringify(since)} is too large a number for git's date parser. Fix: give a date (2020-01-31), or drop --since to scan all history`;
  }
  if (Number.isNaN(t) || t < 0) {
    return `--since ${JSON.stringify(since)} is before 1970, which git cannot represent (it would scan no commit). Fix: give a date from 1970 on, or drop --since to scan all history`;
  }
  return undefined;
}
