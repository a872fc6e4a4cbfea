/**
 * Validates a raw config object with the zod schema and turns the first
 * problem into a one-line {@link ConfigFileError} with the key path and fix.
 */

import type { z } from "zod";
import { builtins, type Composition, redact } from "../../index.js";
import { editDistance, schemeOf } from "../../provider/index.js";
import { ConfigFileError } from "../errors.js";
import { displayReference, knownSchemes } from "../references.js";
import { isReservedName } from "./names.js";
import { ConfigSchema, FIXES, KNOWN_KEYS, type SecretsConfig } from "./schema.js";

/**
 * The path of the first key named `__proto__`, `constructor` ... in `raw`.
 * Checked before zod, which would assign such a key and so silently drop it.
 */
function reservedKey(raw: unknown, path: string[] = [], depth = 0): string[] | undefined {
  if (raw === null || typeof raw !== "object" || depth > 32) return undefined;
  for (const key of Object.keys(raw)) {
    if (isReservedName(key)) return [...path, key];
    const inner = reservedKey((raw as Record<string, unknown>)[key], [...path, key], depth + 1);
    if (inner) return inner;
  }
  return undefined;
}

function failReserved(file: string, path: string, key: string): never {
  throw new ConfigFileError(
    file,
    path,
    `"${key}" is a name JavaScript reserves for every object, so it cannot name an entry`,
    "rename it",
  );
}

function fixFor(path: string): string {
  for (const [re, fix] of FIXES) if (re.test(path)) return fix;
  return "see Configuration in the CLI guide (node_modules/secrets-loader/docs/cli.md#configuration)";
}

function describeIssue(file: string, issue: z.core.$ZodIssue): ConfigFileError {
  const base = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] as string;
    const known = KNOWN_KEYS[base] ?? [];
    const near = known
      .map((k) => [k, editDistance(key.toLowerCase(), k.toLowerCase())] as const)
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
 * Validates a raw config object against the providers of `composition` (the
 * built-ins by default). `file` is used in error messages only.
 *
 * @throws {ConfigFileError} on the first problem found
 */
export function validateConfig(
  raw: unknown,
  file: string,
  composition: Composition = builtins,
): SecretsConfig {
  const reserved = reservedKey(raw);
  if (reserved) {
    const key = reserved.at(-1) as string;
    return failReserved(file, reserved.join("."), key);
  }
  const parsed = ConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) throw describeIssue(file, parsed.error.issues[0] as z.core.$ZodIssue);
  const config = parsed.data;
  const known = knownSchemes(composition);
  // A provider module named in the config brings schemes and rules that are
  // known only once it is imported: its references are checked by the client.
  const modules = Object.values(config.providers).some((o) => o.module !== undefined);
  for (const [name, entry] of Object.entries(config.references)) {
    const ref = typeof entry === "string" ? entry : entry.ref;
    const scheme = schemeOf(ref);
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
    if (modules) continue;
    if (!known.includes(scheme)) {
      // Without provider modules only built-in schemes can be served: any
      // other is a typo or a value pasted where a reference belongs.
      throw new ConfigFileError(
        file,
        at,
        `unknown scheme "${scheme}" (known: ${known.join(", ")})`,
        fixFor(at),
      );
    }
    try {
      composition.parseReference(ref);
    } catch (err) {
      // The core masks the reference in its message; mask again in case the
      // input reached it through another path (redact is idempotent).
      const message = (err as Error).message.split(ref).join(displayReference(ref));
      throw new ConfigFileError(file, at, redact(message), fixFor(at));
    }
  }
  return config;
}
