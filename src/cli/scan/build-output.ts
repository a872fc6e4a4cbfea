/**
 * Build output (client bundles above all) searched for the app's own values
 * even when `.gitignore` lists it: it is not committed, but it is what
 * browsers download and what gets deployed. Found at any depth (a monorepo's
 * `apps/web/.next/static`), never inside `node_modules`.
 */

import { type Dirent, existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { Scanner } from "./engine.js";
import type { KnownValues } from "./known-values-search.js";
import { scanTree } from "./tree.js";
import type { RawFinding, Skipped } from "./types.js";

/**
 * Build output folders of the usual frameworks (Next.js client and server
 * output, Vite, CRA, Astro, static exports), matched at any depth.
 *
 * @example
 * ```ts
 * CLIENT_BUILD_DIRS.includes(".next/static"); // true
 * ```
 */
export const CLIENT_BUILD_DIRS = [".next/static", ".next/server", "dist", "build", "out"] as const;

// Never entered while looking for build folders: dependencies and VCS data.
const NOT_ENTERED = new Set(["node_modules", ".git", ".hg", ".svn"]);

/**
 * Every build output folder under `dir` (paths joined to `dir`), outermost
 * only: a `dist` inside a `dist` is part of the first.
 *
 * @example
 * ```ts
 * findBuildDirs("."); // ["apps/web/.next/static", "packages/ui/dist"]
 * ```
 */
export function findBuildDirs(dir: string): string[] {
  const found: string[] = [];
  const stack = [dir];
  while (stack.length > 0) {
    const d = stack.pop() as string;
    let entries: Dirent[];
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (!e.isDirectory() || NOT_ENTERED.has(e.name)) continue;
      const path = join(d, e.name);
      if (e.name === ".next") {
        for (const sub of ["static", "server"]) {
          const p = join(path, sub);
          if (existsSync(p) && statSync(p).isDirectory()) found.push(p);
        }
        continue;
      }
      if (e.name === "dist" || e.name === "build" || e.name === "out") {
        found.push(path);
        continue;
      }
      stack.push(path);
    }
  }
  return found.sort();
}

/**
 * Searches the build folders under each directory of `targets` for known values.
 *
 * @example
 * ```ts
 * const { findings, skipped } = scanBuildOutput(["."], known, 5_000_000);
 * ```
 */
export function scanBuildOutput(
  targets: readonly string[],
  known: KnownValues,
  maxFileSize: number | undefined,
  exclude?: (abs: string, isDir: boolean) => boolean,
): { findings: RawFinding[]; files: number; bytes: number; skipped: Skipped[] } {
  const valuesOnly = new Scanner({ rules: [], knownValues: known });
  const out = { findings: [] as RawFinding[], files: 0, bytes: 0, skipped: [] as Skipped[] };
  for (const target of targets) {
    if (!existsSync(target) || !statSync(target).isDirectory()) continue;
    for (const dir of findBuildDirs(target)) {
      const shown = target === "." || target === "./" ? dir.replace(/^\.\//, "") : dir;
      const r = scanTree([shown], valuesOnly, {
        gitignore: false,
        ...(maxFileSize ? { maxFileSize } : {}),
        ...(exclude ? { exclude } : {}),
      });
      out.findings.push(...r.findings);
      // A bundle over the size limit was not searched: listed, never dropped.
      out.skipped.push(...r.skipped);
      out.files += r.files;
      out.bytes += r.bytes;
    }
  }
  return out;
}
