/**
 * Build output (client bundles above all) searched for the app's own values
 * even when `.gitignore` lists it: it is not committed, but it is what
 * browsers download and what gets deployed.
 */

import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { Scanner } from "./engine.js";
import { scanTree } from "./tree.js";
import type { RawFinding } from "./types.js";
import type { KnownValues } from "./values.js";

/**
 * Build output folders of the usual frameworks (Next.js, Vite, CRA, Astro, static exports).
 *
 * @example
 * ```ts
 * CLIENT_BUILD_DIRS.includes(".next/static"); // true
 * ```
 */
export const CLIENT_BUILD_DIRS = [".next/static", "dist", "build", "out"] as const;

/**
 * Searches the build folders under each directory of `targets` for known values.
 *
 * @example
 * ```ts
 * const { findings } = scanBuildOutput(["."], known, 5_000_000);
 * ```
 */
export function scanBuildOutput(
  targets: readonly string[],
  known: KnownValues,
  maxFileSize: number | undefined,
  exclude?: (abs: string, isDir: boolean) => boolean,
): { findings: RawFinding[]; files: number; bytes: number } {
  const valuesOnly = new Scanner({ rules: [], knownValues: known });
  const out = { findings: [] as RawFinding[], files: 0, bytes: 0 };
  for (const target of targets) {
    if (!existsSync(target) || !statSync(target).isDirectory()) continue;
    for (const d of CLIENT_BUILD_DIRS) {
      const dir = join(target, d);
      if (!existsSync(dir) || !statSync(dir).isDirectory()) continue;
      const r = scanTree([dir], valuesOnly, {
        gitignore: false,
        ...(maxFileSize ? { maxFileSize } : {}),
        ...(exclude ? { exclude } : {}),
      });
      out.findings.push(...r.findings);
      out.files += r.files;
      out.bytes += r.bytes;
    }
  }
  return out;
}
