/**
 * Lists the files of a tree the way git would see them: `.gitignore` files
 * (at every level, and above the root up to the repository's top) and
 * `.git/info/exclude` are honoured, `.git` is never entered, and symbolic
 * links are not followed (git stores a link, not its target), which also
 * makes link loops harmless.
 *
 * Every rule is matched against the path relative to the `.gitignore` that
 * defines it, computed from absolute paths only: the working directory never
 * takes part, so where the scan is started from cannot change what it sees.
 */

import { type Dirent, existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ignore, { type Ignore } from "ignore";
import { displayName } from "./display.js";
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
  /** Absolute path: a Buffer when a name on the way is not valid UTF-8 (so it can still be opened). */
  abs: string | Buffer;
  /**
   * Path relative to the walk's root, with forward slashes, safe to print:
   * control characters and bytes that are not UTF-8 are escaped (see display.ts).
   */
  rel: string;
}

/**
 * Why an entry was left out on purpose: the rule and the file that holds it.
 *
 * @example
 * ```ts
 * const why: IgnoredBy = { rule: "dist/", source: "../.gitignore" };
 * ```
 */
export interface IgnoredBy {
  /** The pattern as written. */
  rule: string;
  /** Where it is defined: a `.gitignore` relative to the walk's root, `.git/info/exclude`, or `scan.allowlist.paths`. */
  source: string;
}

interface Layer {
  /** Directory of the `.gitignore`, relative to the walk's root; "" at or above the root. */
  base: string;
  /** Path from the `.gitignore`'s directory down to the walk's root; "" at or below the root. */
  down: string;
  /** Shown as the rule's source. */
  source: string;
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
    const down = toPosix(relative(dir, root));
    const shown = toPosix(relative(root, dir));
    if (dir !== root) {
      const ig = readIgnoreFile(join(dir, ".gitignore"));
      if (ig) layers.unshift({ base: "", down, source: `${shown}/.gitignore`, ig });
    }
    if (atTop) {
      const exclude = readIgnoreFile(join(dir, ".git", "info", "exclude"));
      if (exclude) {
        layers.unshift({ base: "", down, source: ".git/info/exclude", ig: exclude });
      }
      return layers;
    }
    if (parent === dir) return []; // not inside a repository: only the tree's own files count
    dir = parent;
  }
}

function ignoredBy(layers: readonly Layer[], rel: string, isDir: boolean): IgnoredBy | undefined {
  let by: IgnoredBy | undefined;
  for (const { base, down, source, ig } of layers) {
    let sub: string;
    if (base === "") sub = rel;
    else if (rel.startsWith(`${base}/`)) sub = rel.slice(base.length + 1);
    else continue;
    if (down) sub = `${down}/${sub}`;
    const r = ig.test(isDir ? `${sub}/` : sub);
    if (r.ignored) by = { rule: r.rule?.pattern ?? "?", source };
    else if (r.unignored) by = undefined;
  }
  return by;
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
  /** Paths left out on purpose (config allowlist paths); told the absolute path. */
  exclude?: (abs: string, isDir: boolean) => boolean;
  /** Told about symlinks and special files that are not scanned. */
  onSkip?: (skipped: Skipped) => void;
  /** Told about each entry left out by an ignore rule or the allowlist, and which. */
  onIgnore?: (rel: string, by: IgnoredBy) => void;
}

const GITIGNORE = Buffer.from(".gitignore");
const DOT_GIT = Buffer.from(".git");

/** `parent/name`, as a string while every name round-trips through UTF-8, else as bytes. */
function childPath(parent: string | Buffer, raw: Buffer, name: string): string | Buffer {
  if (
    typeof parent === "string" &&
    Buffer.byteLength(name) === raw.length &&
    !name.includes("\ufffd")
  ) {
    return join(parent, name);
  }
  const p = typeof parent === "string" ? Buffer.from(parent) : parent;
  return Buffer.concat([p, Buffer.from(sep), raw]);
}

const ALLOWLIST: IgnoredBy = { rule: "(path)", source: "scan.allowlist.paths" };

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
  // rel is the real name (for ignore rules), shown the printable one.
  const stack: Array<{ abs: string | Buffer; rel: string; shown: string; layers: Layer[] }> = [
    { abs: absRoot, rel: "", shown: "", layers },
  ];
  const leftOut = (
    rel: string,
    shown: string,
    abs: string | Buffer,
    isDir: boolean,
    here: Layer[],
  ): boolean => {
    const by =
      ignoredBy(here, rel, isDir) ??
      (options.exclude?.(abs.toString(), isDir) ? ALLOWLIST : undefined);
    if (by) options.onIgnore?.(shown, by);
    return by !== undefined;
  };
  while (stack.length > 0) {
    const dir = stack.pop() as (typeof stack)[number];
    let entries: Dirent<Buffer>[];
    try {
      // Names as bytes: a name that is not valid UTF-8 is still a file git tracks.
      entries = readdirSync(dir.abs, { withFileTypes: true, encoding: "buffer" });
    } catch (err) {
      options.onSkip?.({
        file: dir.shown || ".",
        reason: "unreadable",
        detail: (err as NodeJS.ErrnoException).code ?? "error",
      });
      continue;
    }
    let here = dir.layers;
    if (useGitignore && entries.some((e) => e.isFile() && e.name.equals(GITIGNORE))) {
      const ig = readIgnoreFile(join(dir.abs.toString(), ".gitignore"));
      const source = dir.rel ? `${dir.rel}/.gitignore` : ".gitignore";
      if (ig) here = [...here, { base: dir.rel, down: "", source, ig }];
    }
    const subdirs: typeof stack = [];
    for (const e of entries) {
      if (e.name.equals(DOT_GIT)) continue;
      const name = e.name.toString("utf8");
      const rel = dir.rel ? `${dir.rel}/${name}` : name;
      const printable = displayName(e.name);
      const shown = dir.shown ? `${dir.shown}/${printable}` : printable;
      const abs = childPath(dir.abs, e.name, name);
      if (e.isDirectory()) {
        if (leftOut(rel, shown, abs, true, here)) continue;
        subdirs.push({ abs, rel, shown, layers: here });
      } else if (e.isFile()) {
        if (leftOut(rel, shown, abs, false, here)) continue;
        yield { abs, rel: shown };
      } else if (e.isSymbolicLink()) {
        if (!ignoredBy(here, rel, false)) options.onSkip?.({ file: shown, reason: "symlink" });
      } else if (!ignoredBy(here, rel, false)) {
        options.onSkip?.({ file: shown, reason: "not-a-file" });
      }
    }
    // Reverse so that popping visits directories in listing order.
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i] as (typeof stack)[number]);
  }
}
