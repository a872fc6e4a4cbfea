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
