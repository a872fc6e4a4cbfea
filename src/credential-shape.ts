/**
 * Whether a short text (a JSON key, a command-line argument) looks like a
 * credential, and a description of its shape that quotes none of it. Used
 * where the library or the CLI would otherwise echo text a user gave: hints
 * about JSON keys (`value.ts`) and CLI usage errors.
 *
 * Small on purpose (the core imports it): the prefixes of well-known token
 * formats, the structure of PEM, JWT and URLs with a password, and two
 * statistics (Shannon entropy, case changes) for random strings that have
 * no known prefix. The scanner's full rule set is not loaded for this.
 */

/** Well-known token formats, by their fixed prefix or structure. */
const DETECTORS: ReadonlyArray<readonly [string, RegExp]> = [
  ["a PEM key or certificate", /-----BEGIN [A-Z0-9 ]+-----/],
  ["a URL with a password", /^[a-z][a-z0-9+.-]*:\/\/[^/?#@\s]*:[^/?#@\s]*@/i],
  ["a JSON Web Token", /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\./],
  ["an AWS access key id", /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{12,}/],
  ["a Google API key", /\bAIza[0-9A-Za-z_-]{20,}/],
  [
    "an API key",
    /(?:^|[^A-Za-z0-9])(?:(?:sk|rk|pk|whsec)_(?:live|test)_|sk-(?:proj-|ant-)?|gh[pousr]_|github_pat_|glpat-|xox[abposr]-|npm_|hf_|dop_v1_|shp(?:at|ss|ca|pa)_|SG\.|pypi-|AGE-SECRET-KEY-)[A-Za-z0-9_-]{4,}/,
  ],
];

/** Bits of Shannon entropy per character. */
function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * True when `text` is shaped like a random string rather than words: high
 * entropy for its length, frequent changes between lower and upper case or
 * letters and digits, or a letter-digit mix inside a word (`Passw0rd`, `hunter2`).
 */
function looksRandom(text: string): boolean {
  if (text.length >= 20 && entropy(text) > 4) return true;
  const humps = text.match(/[a-z][A-Z]|[A-Za-z][0-9]|[0-9][A-Za-z]/g)?.length ?? 0;
  if (text.length >= 8 && humps / text.length > 0.25) return true;
  const words = text
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .split(/[\s_$@.-]+/)
    .filter(Boolean);
  return words.some(
    (w) =>
      // A digit inside or at the end of a word: hunter2, Passw0rd, s3cr3t.
      (/[0-9]/.test(w) && /[A-Za-z]/.test(w)) ||
      // A long run of consonants, or a long word without a vowel: not a word.
      /[bcdfghjklmnpqrstvwxz]{5,}/i.test(w) ||
      (w.length > 4 && !/[aeiouy]/i.test(w)) ||
      w.length > 20,
  );
}

/**
 * True when `text` looks like a credential: a known token format, a PEM
 * block, a URL with a password, or a random-looking string. Meant for short
 * texts that are normally names (JSON keys, arguments); prose is not its case.
 *
 * @example
 * ```ts
 * looksLikeCredential("db_host"); // false
 * looksLikeCredential("Passw0rdSecret"); // true
 * ```
 */
export function looksLikeCredential(text: string): boolean {
  if (DETECTORS.some(([, re]) => re.test(text))) return true;
  return looksRandom(text);
}

/**
 * What `text` looks like, without quoting any of it: "looks like a URL with
 * a password (52 characters)", "starts with "-" (30 characters)"... For
 * messages about something a user gave where something else was expected.
 *
 * @example
 * ```ts
 * describeShape("postgres://app:pw@db/x"); // 'looks like a URL with a password (22 characters)'
 * ```
 */
export function describeShape(text: string): string {
  const size = `${text.length} character${text.length === 1 ? "" : "s"}`;
  const lines = text.split(/\r\n|\r|\n/).length;
  const extent = lines > 1 ? `${size} on ${lines} lines` : size;
  const known = DETECTORS.find(([, re]) => re.test(text));
  if (known) return `looks like ${known[0]} (${extent})`;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return `looks like a URL (${extent})`;
  if (text.startsWith("-")) return `starts with "-" (${extent})`;
  if (text.includes("=")) return `has the form NAME=value (${extent})`;
  if (text.length === 0) return "is empty";
  if (looksRandom(text)) return `looks like a secret value (${extent})`;
  return `is text of ${extent}`;
}
