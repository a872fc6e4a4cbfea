/**
 * Lists the files of a tree the way git would see them: `.gitignore` files
 * (at every level, and above the root up to the repository's top) and
 * `.git/info/exclude` are honoured, `.git` is never entered, and symbolic
 * links are not followed (git stores a link, not its target), which also
 * makes link loops harmless.
 */

import { type Dirent, existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ignore, { type Ignore } from "ignore";
import type { Skipped } from "./types.js";

/**
 * A file to scan.
 *
 * @example
 * ```ts
 * const f: WalkedFile = { abs: "/repo/src/a.ts", rel: "src/a.ts" };
 * ```
 */
export interface WalkedFile {
  /** Absolute path. */
  abs: string;
  /** Path relative to the walk's root, with forward slashes. */
  rel: string;
}

interface Layer {
  /** Directory of the `.gitignore`, relative to the root ("" for the root, "../x" above it). */
  base: string;
  ig: Ignore;
}

function toPosix(p: string): string {
  return sep === "/" ? p : p.split(sep).join("/");
}

function readIgnoreFile(file: string): Ignore | undefined {
  try {
    return ignore().add(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

/** `.gitignore` files above `root`, up to the directory holding `.git`. */
function ancestorLayers(root: string): Layer[] {
  const layers: Layer[] = [];
  let dir = root;
  for (;;) {
    const parent = dirname(dir);
    const atTop = existsSync(join(dir, ".git"));
    if (dir !== root) {
      const ig = readIgnoreFile(join(dir, ".gitignore"));
      if (ig) layers.unshift({ base: toPosix(relative(root, dir)), ig });
    }
    if (atTop) {
      const exclude = readIgnoreFile(join(dir, ".git", "info", "exclude"));
      if (exclude) layers.unshift({ base: toPosix(relative(root, dir)), ig: exclude });
      return layers;
    }
    if (parent === dir) return []; // not inside a repository: only the tree's own files count
    dir = parent;
  }
}

function isIgnored(layers: readonly Layer[], rel: string, isDir: boolean): boolean {
  let ignored = false;
  for (const { base, ig } of layers) {
    let sub: string;
    if (base === "") sub = rel;
    else if (base.startsWith("..")) {
      // A layer above the root: the path relative to it is base/../rel.
      sub = toPosix(relative(base, rel));
      if (sub.startsWith("..")) continue;
    } else if (rel.startsWith(`${base}/`)) sub = rel.slice(base.length + 1);
    else continue;
    const r = ig.test(isDir ? `${sub}/` : sub);
    if (r.ignored) ignored = true;
    else if (r.unignored) ignored = false;
  }
  return ignored;
}

/**
 * Options of {@link walkFiles}.
 *
 * @example
 * ```ts
 * walkFiles("/repo", { gitignore: true, onSkip: (s) => skipped.push(s) });
 * ```
 */
export interface WalkOptions {
  /** Honour `.gitignore` files. Default `true`; build output checks turn it off. */
  gitignore?: boolean;
  /** Extra gitignore-style patterns relative to the root (config allowlist paths). */
  exclude?: Ignore;
  /** Told about symlinks and special files that are not scanned. */
  onSkip?: (skipped: Skipped) => void;
}

/**
 * Yields every file under `root` that git would consider, depth first.
 *
 * @example
 * ```ts
 * for (const f of walkFiles("/repo")) console.log(f.rel);
 * ```
 */
export function* walkFiles(root: string, options: WalkOptions = {}): Generator<WalkedFile> {
  const useGitignore = options.gitignore !== false;
  const absRoot = resolve(root);
  const layers = useGitignore ? ancestorLayers(absRoot) : [];
  const stack: Array<{ abs: string; rel: string; layers: Layer[] }> = [
    { abs: absRoot, rel: "", layers },
  ];
  while (stack.length > 0) {
    const dir = stack.pop() as (typeof stack)[number];
    let entries: Dirent[];
    try {
      entries = readdirSync(dir.abs, { withFileTypes: true });
    } catch (err) {
      options.onSkip?.({
        file: dir.rel || ".",
        reason: "unreadable",
        detail: (err as NodeJS.ErrnoException).code ?? "error",
      });
      continue;
    }
    let here = dir.layers;
    if (useGitignore && entries.some((e) => e.name === ".gitignore" && e.isFile())) {
      const ig = readIgnoreFile(join(dir.abs, ".gitignore"));
      if (ig) here = [...here, { base: dir.rel, ig }];
    }
    const subdirs: typeof stack = [];
    for (const e of entries) {
      if (e.name === ".git") continue;
      const rel = dir.rel ? `${dir.rel}/${e.name}` : e.name;
      const abs = join(dir.abs, e.name);
      if (e.isDirectory()) {
        if (isIgnored(here, rel, true) || options.exclude?.ignores(`${rel}/`)) continue;
        subdirs.push({ abs, rel, layers: here });
      } else if (e.isFile()) {
        if (isIgnored(here, rel, false) || options.exclude?.ignores(rel)) continue;
        yield { abs, rel };
      } else if (e.isSymbolicLink()) {
        if (!isIgnored(here, rel, false)) options.onSkip?.({ file: rel, reason: "symlink" });
      } else if (!isIgnored(here, rel, false)) {
        options.onSkip?.({ file: rel, reason: "not-a-file" });
      }
    }
    // Reverse so that popping visits directories in listing order.
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i] as (typeof stack)[number]);
  }
}
