/**
 * Builds the scanner and path filter from the config's allowlists, so that
 * `secrets scan` and `secrets doctor` apply exactly the same rules.
 */

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
    !(allowlist.paths.length > 0 && exclude.ignores(f.file.replace(/^\.\//, "")));
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
