// Counts of Latin-1 characters, reused between calls (cleared as they are read).
const COUNTS = new Uint32Array(256);
// The Latin-1 characters seen by the current call, so that only those are summed and cleared.
// At most 256 of them.
const SEEN = new Uint8Array(256);

/**
 * Shannon entropy in bits per character. Only computed for candidates that
 * already matched a rule's regex, never for whole files.
 *
 * @example
 * ```ts
 * shannonEntropy("aaaa");     // 0
 * shannonEntropy("abcd1234"); // 3
 * ```
 */
export function shannonEntropy(s: string): number {
  if (s.length === 0) return 0;
  let wide: Map<number, number> | undefined;
  // Distinct Latin-1 characters in order of first appearance: the sum below
  // adds the same terms in the same order as a second pass over `s` would.
  let distinct = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 256) {
      if (COUNTS[c] === 0) {
        SEEN[distinct++] = c;
      }
      COUNTS[c] = (COUNTS[c] as number) + 1;
    } else {
      wide ??= new Map();
      wide.set(c, (wide.get(c) ?? 0) + 1);
    }
  }
  const n = s.length;
  let h = 0;
  for (let i = 0; i < distinct; i++) {
    const c = SEEN[i] as number;
    const p = (COUNTS[c] as number) / n;
    h -= p * Math.log2(p);
    COUNTS[c] = 0;
  }
  if (wide) {
    for (const k of wide.values()) {
      const p = k / n;
      h -= p * Math.log2(p);
    }
  }
  return h;
}

/**
 * How many of the classes lower-case, upper-case, digit and symbol occur in `s`.
 *
 * @example
 * ```ts
 * charClasses("abcD12"); // 3
 * ```
 */
export function charClasses(s: string): number {
  let lower = 0;
  let upper = 0;
  let digit = 0;
  let other = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 97 && c <= 122) lower = 1;
    else if (c >= 65 && c <= 90) upper = 1;
    else if (c >= 48 && c <= 57) digit = 1;
    else other = 1;
  }
  return lower + upper + digit + other;
}
