/**
 * Scans files on disk: reads each file once, synchronously (the fastest way
 * for thousands of small files in a short-lived CLI), skips binaries and
 * files over the size limit without reading them whole, and hands the text
 * to one shared {@link Scanner}.
 */

import { spawnSync } from "node:child_process";
import { closeSync, fstatSync, openSync, readSync, type Stats, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { ScanInputError } from "../errors.js";
import { displayPath } from "./display.js";
import type { Scanner } from "./engine.js";
import { MAX_READABLE_FILE_SIZE } from "./limits.js";
import type { RawFinding, Skipped } from "./types.js";
import { type IgnoredBy, walkFiles } from "./walk.js";

/**
 * Default size limit: larger files are generated or data, not source.
 *
 * @example
 * ```ts
 * scanTree(["."], scanner, { maxFileSize: DEFAULT_MAX_FILE_SIZE * 2 });
 * ```
 */
export const DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024;

// Bytes inspected for a NUL to call a file binary, as git does.
const BINARY_SNIFF = 8000;

/**
 * Options of {@link scanTree}.
 *
 * @example
 * ```ts
 * scanTree(["."], scanner, { maxFileSize: 1_000_000 });
 * ```
 */
export interface TreeScanOptions {
  /** Files larger than this many bytes are skipped. Default {@link DEFAULT_MAX_FILE_SIZE}. */
  maxFileSize?: number;
  /** Honour `.gitignore`. Default `true`. */
  gitignore?: boolean;
  /** Config allowlist paths, as a predicate on the absolute path. */
  exclude?: (abs: string, isDir: boolean) => boolean;
  /** Called after each file, for progress display. */
  onFile?: (file: string) => void;
  /**
   * Also search each file's text (and the text of files `.gitignore` hides
   * under these build folders, see {@link TreeScanOptions.alsoRead}) with this
   * function: the known-values matcher of `--values`.
   */
  extraScan?: (text: string, file: string) => RawFinding[];
  /**
   * Inside a git repository, with `.gitignore` honoured: also read tracked
   * files that match an ignore rule (git never ignores a tracked file) and
   * untracked `.env*` files (reported as context `local`). Default `true`.
   */
  gitAware?: boolean;
}

/**
 * What a tree scan found and what it left out.
 *
 * @example
 * ```ts
 * const { findings, skipped, files, bytes } = scanTree(["src"], new Scanner());
 * ```
 */
export interface TreeScanResult {
  findings: RawFinding[];
  skipped: Skipped[];
  /** Files scanned. */
  files: number;
  /** Bytes scanned. */
  bytes: number;
  /** Entries left out on purpose, by rule: what a scan of 0 files must explain. */
  ignored: IgnoredCount[];
}

/**
 * How many entries one ignore rule left out.
 *
 * @example
 * ```ts
 * const c: IgnoredCount = { rule: "dist/", source: ".gitignore", entries: 3 };
 * ```
 */
export interface IgnoredCount extends IgnoredBy {
  /** Files and folders it left out (a folder counts once). */
  entries: number;
}

export { ScanInputError };

/**
 * Files under `dir` that the walk leaves out but that must be read: tracked
 * files an ignore rule matches, and untracked `.env*` files (not under
 * node_modules). Paths are relative to `dir`; empty outside git.
 */
function gitExtras(dir: string): { tracked: string[]; localEnv: Set<string> } {
  const run = (args: string[]) => {
    const r = spawnSync("git", ["-C", dir, "-c", "core.quotepath=off", ...args], {
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
    });
    return r.status === 0 ? r.stdout.split("\0").filter(Boolean) : undefined;
  };
  const tracked = run(["ls-files", "-z", "--cached", "--ignored", "--exclude-standard"]);
  if (tracked === undefined) return { tracked: [], localEnv: new Set() };
  const env =
    run(["ls-files", "-z", "--others", "--", ":(glob)**/.env*", ":(glob)**/.env*/**"]) ?? [];
  const localEnv = new Set(
    env.filter((f) => !/(?:^|\/)node_modules\//.test(f) && /(?:^|\/)\.env[^/]*$/.test(f)),
  );
  return { tracked, localEnv };
}

type ReadResult = { text: string; size: number } | { skip: Skipped["reason"]; detail?: string };

/**
 * UTF-16 text with a byte-order mark is decoded (it holds NUL bytes, so it
 * would otherwise pass for binary). Anything else is read as latin1: one
 * character per byte, no UTF-8 validation cost, and every key format we
 * look for is ASCII.
 */
function decode(data: Buffer): string | undefined {
  if (data.length >= 2 && data[0] === 0xff && data[1] === 0xfe) {
    return data.subarray(2).toString("utf16le");
  }
  if (data.length >= 2 && data[0] === 0xfe && data[1] === 0xff) {
    const le = Buffer.from(data.subarray(2, data.length - (data.length % 2)));
    return le.swap16().toString("utf16le");
  }
  if (data.subarray(0, BINARY_SNIFF).includes(0)) return undefined;
  return data.toString("latin1");
}

function readCandidate(abs: string | Buffer, maxSize: number): ReadResult {
  let fd: number;
  try {
    fd = openSync(abs, "r");
  } catch (err) {
    return { skip: "unreadable", detail: (err as NodeJS.ErrnoException).code ?? "error" };
  }
  try {
    const { size } = fstatSync(fd);
    if (size > maxSize) return { skip: "too-large", detail: `${size} bytes` };
    const buf = Buffer.allocUnsafe(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, buf, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    const data = read === size ? buf : buf.subarray(0, read);
    const text = decode(data);
    return text === undefined ? { skip: "binary" } : { text, size: data.length };
  } catch (err) {
    return { skip: "unreadable", detail: (err as NodeJS.ErrnoException).code ?? "error" };
  } finally {
    closeSync(fd);
  }
}

/**
 * Scans files and directories. Paths in findings are the given path joined
 * with the file's path below it (so `scan src` reports `src/a.ts`).
 *
 * @throws {ScanInputError} when a path does not exist or cannot be resolved (for example a symlink loop).
 * @example
 * ```ts
 * const result = scanTree(["."], new Scanner());
 * ```
 */
export function scanTree(
  paths: readonly string[],
  scanner: Scanner,
  options: TreeScanOptions = {},
): TreeScanResult {
  const maxSize = Math.min(options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE, MAX_READABLE_FILE_SIZE);
  const result: TreeScanResult = { findings: [], skipped: [], files: 0, bytes: 0, ignored: [] };
  const ignored = new Map<string, IgnoredCount>();
  const scanRead = (text: string, size: number, shown: string, local = false) => {
    result.files++;
    result.bytes += size;
    const found = scanner.scanText(text, { file: shown });
    if (options.extraScan) found.push(...options.extraScan(text, shown));
    for (const f of found) {
      // Present on this machine, not committed: listed in its own class, never counted.
      if (local) {
        f.context = "local";
        f.counted = false;
      }
      result.findings.push(f);
    }
    options.onFile?.(shown);
  };
  for (const given of paths) {
    const named = displayPath(given);
    let st: Stats;
    try {
      st = statSync(given);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why =
        code === "ENOENT"
          ? "no such file or directory"
          : code === "ELOOP"
            ? "too many levels of symbolic links (a symlink loop)"
            : code === "EACCES"
              ? "permission denied"
              : (code ?? "cannot be read");
      throw new ScanInputError(`cannot scan ${named}: ${why}`);
    }
    const prefix = given === "." || given === "./" ? "" : named.replace(/\/+$/, "");
    if (st.isDirectory()) {
      const useGit = options.gitignore !== false && options.gitAware !== false;
      const extras = useGit ? gitExtras(given) : { tracked: [], localEnv: new Set<string>() };
      const walked = new Set<string>();
      const readExtra = (rel: string, local: boolean) => {
        const shown = prefix ? `${prefix}/${displayPath(rel)}` : displayPath(rel);
        const abs = join(given, rel);
        if (options.exclude?.(resolve(abs), false)) return;
        const r = readCandidate(abs, maxSize);
        if ("skip" in r) {
          const s: Skipped = { file: shown, reason: r.skip };
          if (r.detail) s.detail = r.detail;
          result.skipped.push(s);
        } else scanRead(r.text, r.size, shown, local);
      };
      for (const f of walkFiles(given, {
        gitignore: options.gitignore,
        exclude: options.exclude,
        onSkip: (s) => result.skipped.push({ ...s, file: prefix ? `${prefix}/${s.file}` : s.file }),
        onIgnore: (_rel, by) => {
          const key = `${by.source}\0${by.rule}`;
          const known = ignored.get(key);
          if (known) known.entries++;
          else ignored.set(key, { ...by, entries: 1 });
        },
      })) {
        const shown = prefix ? `${prefix}/${f.rel}` : f.rel;
        if (useGit) walked.add(f.rel);
        const r = readCandidate(f.abs, maxSize);
        if ("skip" in r) {
          const s: Skipped = { file: shown, reason: r.skip };
          if (r.detail) s.detail = r.detail;
          result.skipped.push(s);
        } else scanRead(r.text, r.size, shown, extras.localEnv.has(f.rel));
      }
      // Git never ignores a tracked file: what .gitignore hid from the walk is still committed.
      for (const rel of extras.tracked) if (!walked.has(rel)) readExtra(rel, false);
      for (const rel of extras.localEnv) if (!walked.has(rel)) readExtra(rel, true);
    } else if (st.isFile()) {
      if (options.exclude?.(resolve(given), false)) {
        const key = "scan.allowlist.paths";
        ignored.set(key, {
          rule: "(path)",
          source: key,
          entries: (ignored.get(key)?.entries ?? 0) + 1,
        });
        continue;
      }
      // A file named on the command line that cannot be scanned is an input
      // error, not a quiet skip: the caller asked for exactly that file.
      const r = readCandidate(resolve(given), maxSize);
      if ("skip" in r) {
        const why =
          r.skip === "binary"
            ? "it is a binary file"
            : r.skip === "too-large"
              ? `it is larger than the size limit (${r.detail}; raise it with --max-file-size, at most ${MAX_READABLE_FILE_SIZE} bytes)`
              : `it cannot be read (${r.detail === "EACCES" ? "permission denied" : r.detail})`;
        throw new ScanInputError(`cannot scan ${named}: ${why}`);
      }
      scanRead(r.text, r.size, named);
    } else {
      // A FIFO, a device or /dev/stdin: reading it could block or never end,
      // and skipping it quietly would pass a scan of nothing. The caller named
      // it, so say it was not read.
      throw new ScanInputError(
        `cannot scan ${named}: it is ${kindOf(st)}, not a regular file or directory (save it to a file and scan that)`,
      );
    }
  }
  result.ignored = [...ignored.values()];
  return result;
}

function kindOf(st: Stats): string {
  if (st.isFIFO()) return "a pipe (FIFO)";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isSocket()) return "a socket";
  return "a special file";
}
