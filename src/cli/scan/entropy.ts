// Counts of Latin-1 characters, reused between calls (cleared as they are read).
const COUNTS = new Uint32Array(256);

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
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 256) COUNTS[c] = (COUNTS[c] as number) + 1;
    else {
      wide ??= new Map();
      wide.set(c, (wide.get(c) ?? 0) + 1);
    }
  }
  let h = 0;
  const add = (n: number) => {
    const p = n / s.length;
    h -= p * Math.log2(p);
  };
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 256 && COUNTS[c]) {
      add(COUNTS[c] as number);
      COUNTS[c] = 0;
    }
  }
  if (wide) for (const n of wide.values()) add(n);
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
