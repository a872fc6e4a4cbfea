/**
 * Builds the scanner and path filter from the config's allowlists, so that
 * `secrets scan` and `secrets doctor` apply exactly the same rules.
 */

import { isAbsolute, relative, resolve } from "node:path";
import ignore, { type Ignore } from "ignore";
import type { SecretsConfig } from "../config/schema.js";
import { Scanner } from "./engine.js";
import { issuedKeyRule } from "./issued-keys.js";
import type { KnownValues } from "./known-values-search.js";
import { RULES } from "./rules.js";
import type { RawFinding } from "./types.js";

/**
 * The scanner and filters for one run.
 *
 * @example
 * ```ts
 * const { scanner, exclude, keep } = scanSetup(config);
 * ```
 */
export interface ScanSetup {
  scanner: Scanner;
  /** Allowlisted paths (gitignore syntax, relative to {@link ScanSetup.base}). */
  exclude: Ignore;
  /** The directory allowlisted paths are relative to: the config file's, else the scanned repository's root. */
  base: string;
  /**
   * True for an allowlisted path: absolute, or relative to the working
   * directory (as a tree finding's file is). History paths are relative to
   * the repository's top: join them to it first.
   */
  excluded: (path: string, isDir?: boolean) => boolean;
  /** False for a finding allowlisted by fingerprint or path. */
  keep: (f: RawFinding) => boolean;
  /** Size limit for files. */
  maxFileSize?: number;
}

/**
 * gitignore-style matching for any path a finding may carry: `./` is
 * dropped, absolute paths are made relative to the working directory, and a
 * path outside it never matches (the `ignore` package only takes relative paths).
 *
 * @example
 * ```ts
 * safeIgnores(ignore().add("fixtures/"), "./fixtures/a.ts"); // true
 * ```
 */
export function safeIgnores(ig: Ignore, path: string): boolean {
  let p = path.replace(/\\/g, "/").replace(/^(\.\/)+/, "");
  if (isAbsolute(p)) p = relative(process.cwd(), p).replace(/\\/g, "/");
  if (p === "" || p === "." || p.startsWith("../")) return false;
  return ig.ignores(p);
}

/**
 * Creates the scanner for a config.
 *
 * @example
 * ```ts
 * const { scanner } = scanSetup((await loadConfig(".")).config, ".");
 * ```
 */
export function scanSetup(
  config: SecretsConfig,
  base: string = process.cwd(),
  knownValues?: KnownValues,
): ScanSetup {
  const { allowlist } = config.scan;
  // The project's own key format goes first: a checksummed key wins over any generic rule.
  const issued = issuedKeyRule(config.keys?.prefixes ?? []);
  const scanner = new Scanner({
    rules: issued ? [issued, ...RULES] : RULES,
    disabledRules: allowlist.rules,
    allowValues: allowlist.regexes.map((r) => new RegExp(r)),
    ...(knownValues ? { knownValues } : {}),
  });
  const exclude = ignore().add(allowlist.paths);
  const fingerprints = new Set(allowlist.fingerprints);
  const root = resolve(base);
  const excluded = (path: string, isDir = false) => {
    if (allowlist.paths.length === 0) return false;
    const rel = relative(root, resolve(path)).replace(/\\/g, "/");
    if (rel === "" || rel.startsWith("../") || isAbsolute(rel)) return false;
    return exclude.ignores(isDir ? `${rel}/` : rel);
  };
  // History findings were filtered by path while scanning (their paths are
  // relative to the repository's top, not the working directory).
  const keep = (f: RawFinding) =>
    !fingerprints.has(f.fingerprint) &&
    !(f.commit && fingerprints.has(`${f.file}:${f.rule}:${f.line}`)) &&
    !(!f.commit && excluded(f.file));
  return { scanner, exclude, base: root, excluded, keep, maxFileSize: config.scan.maxFileSize };
}

/**
 * Strips the internal digest so a finding can be printed.
 *
 * @example
 * ```ts
 * findings.map(publicFinding);
 * ```
 */
export function publicFinding(f: RawFinding): Omit<RawFinding, "digest" | "counted"> {
  const { digest: _digest, counted: _counted, ...rest } = f;
  return rest;
}
