/**
 * Names that must never be used as keys of plain objects built from user
 * input (reference names, provider names, `--env` names): assigning
 * `__proto__` replaces an object's prototype instead of adding a key, so the
 * entry would be silently dropped, and the others shadow what every object
 * inherits.
 */

const RESERVED: ReadonlySet<string> = new Set([
  ...Object.getOwnPropertyNames(Object.prototype),
  "prototype",
]);

/** True for `__proto__`, `constructor`, `prototype` and the other names every object inherits. */
export function isReservedName(name: string): boolean {
  return RESERVED.has(name);
}
