/**
 * Validates a raw config object with the zod schema and turns the first
 * problem into a one-line {@link ConfigFileError} with the key path and fix.
 */

import type { z } from "zod";
import { builtinSchemes, displayReference, parseReference, redact } from "../../index.js";
import { ConfigFileError } from "../errors.js";
import { ConfigSchema, FIXES, KNOWN_KEYS, type SecretsConfig } from "./schema.js";

function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0] as number;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j] as number;
      d[j] = Math.min(
        (d[j] as number) + 1,
        (d[j - 1] as number) + 1,
        prev + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      prev = tmp;
    }
  }
  return d[b.length] as number;
}

function fixFor(path: string): string {
  for (const [re, fix] of FIXES) if (re.test(path)) return fix;
  return "see Configuration in the README's CLI section";
}

function describeIssue(file: string, issue: z.core.$ZodIssue): ConfigFileError {
  const base = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] as string;
    const known = KNOWN_KEYS[base] ?? [];
    const near = known
      .map((k) => [k, distance(key.toLowerCase(), k.toLowerCase())] as const)
      .sort((a, b) => a[1] - b[1])[0];
    const fix =
      near && near[1] <= 3
        ? `rename it to "${near[0]}"`
        : known.length
          ? `remove it; allowed keys here: ${known.join(", ")}`
          : "remove it";
    return new ConfigFileError(file, base ? `${base}.${key}` : key, "unknown key", fix);
  }
  return new ConfigFileError(file, base, issue.message, fixFor(base));
}

/**
 * Validates a raw config object. `file` is used in error messages only.
 *
 * @throws {ConfigFileError} on the first problem found
 * @example
 * ```ts
 * validateConfig({ policy: { rotationMaxDays: 30 } }, "secrets.config.json");
 * ```
 */
export function validateConfig(raw: unknown, file: string): SecretsConfig {
  const parsed = ConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) throw describeIssue(file, parsed.error.issues[0] as z.core.$ZodIssue);
  const config = parsed.data;
  const builtin = new Set(builtinSchemes());
  for (const [name, entry] of Object.entries(config.references)) {
    const ref = typeof entry === "string" ? entry : entry.ref;
    const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(ref)?.[1]?.toLowerCase();
    const at = typeof entry === "string" ? `references.${name}` : `references.${name}.ref`;
    if (!scheme) {
      // A key pasted where a reference belongs must not reach stderr whole.
      throw new ConfigFileError(
        file,
        at,
        `"${displayReference(ref)}" is not a reference URI`,
        fixFor(at),
      );
    }
    if (!builtin.has(scheme)) continue; // a custom provider's scheme: checked when it is registered
    try {
      parseReference(ref);
    } catch (err) {
      // The core masks the reference in its message; mask again in case the
      // input reached it through another path (redact is idempotent).
      const message = (err as Error).message.split(ref).join(displayReference(ref));
      throw new ConfigFileError(file, at, redact(message), fixFor(at));
    }
  }
  return config;
}
