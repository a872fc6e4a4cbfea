/**
 * Builds the scanner and path filter from the config's allowlists, so that
 * `secrets scan` and `secrets doctor` apply exactly the same rules.
 */

import { isAbsolute, relative } from "node:path";
import ignore, { type Ignore } from "ignore";
import type { SecretsConfig } from "../config/schema.js";
import { Scanner } from "./engine.js";
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
  /** Allowlisted paths (gitignore syntax). */
  exclude: Ignore;
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
 * const { scanner } = scanSetup(loadConfig(".").config);
 * ```
 */
export function scanSetup(config: SecretsConfig): ScanSetup {
  const { allowlist } = config.scan;
  const scanner = new Scanner({
    disabledRules: allowlist.rules,
    allowValues: allowlist.regexes.map((r) => new RegExp(r)),
  });
  const exclude = ignore().add(allowlist.paths);
  const fingerprints = new Set(allowlist.fingerprints);
  const keep = (f: RawFinding) =>
    !fingerprints.has(f.fingerprint) &&
    !(f.commit && fingerprints.has(`${f.file}:${f.rule}:${f.line}`)) &&
    !(allowlist.paths.length > 0 && safeIgnores(exclude, f.file));
  return { scanner, exclude, keep, maxFileSize: config.scan.maxFileSize };
}

/**
 * Strips the internal digest so a finding can be printed.
 *
 * @example
 * ```ts
 * findings.map(publicFinding);
 * ```
 */
export function publicFinding(f: RawFinding): Omit<RawFinding, "digest"> {
  const { digest: _digest, ...rest } = f;
  return rest;
}
