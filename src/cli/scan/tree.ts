/**
 * Scans files on disk: reads each file once, synchronously (the fastest way
 * for thousands of small files in a short-lived CLI), skips binaries and
 * files over the size limit without reading them whole, and hands the text
 * to one shared {@link Scanner}.
 */

import { closeSync, fstatSync, openSync, readSync, statSync } from "node:fs";
import { resolve } from "node:path";
import type { Ignore } from "ignore";
import { ScanInputError } from "../errors.js";
import type { Scanner } from "./engine.js";
import { MAX_READABLE_FILE_SIZE } from "./limits.js";
import { safeIgnores } from "./setup.js";
import type { RawFinding, Skipped } from "./types.js";
import { walkFiles } from "./walk.js";

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
  /** Config allowlist paths (gitignore syntax, relative to the scanned root). */
  exclude?: Ignore;
  /** Called after each file, for progress display. */
  onFile?: (file: string) => void;
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
}

export { ScanInputError };

type ReadResult = { text: string } | { skip: Skipped["reason"]; detail?: string };

function readCandidate(abs: string, maxSize: number): ReadResult {
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
    if (data.subarray(0, BINARY_SNIFF).includes(0)) return { skip: "binary" };
    // latin1 maps each byte to one character: no UTF-8 validation cost, and
    // every key format we look for is ASCII.
    return { text: data.toString("latin1") };
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
  const result: TreeScanResult = { findings: [], skipped: [], files: 0, bytes: 0 };
  const scanOne = (abs: string, shown: string) => {
    const r = readCandidate(abs, maxSize);
    if ("skip" in r) {
      const s: Skipped = { file: shown, reason: r.skip };
      if (r.detail) s.detail = r.detail;
      result.skipped.push(s);
      return;
    }
    result.files++;
    result.bytes += r.text.length;
    const found = scanner.scanText(r.text, { file: shown });
    for (const f of found) result.findings.push(f);
    options.onFile?.(shown);
  };
  for (const given of paths) {
    let st: ReturnType<typeof statSync>;
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
      throw new ScanInputError(`cannot scan ${given}: ${why}`);
    }
    const prefix = given === "." || given === "./" ? "" : given.replace(/\/+$/, "");
    if (st.isDirectory()) {
      for (const f of walkFiles(given, {
        gitignore: options.gitignore,
        exclude: options.exclude,
        onSkip: (s) => result.skipped.push({ ...s, file: prefix ? `${prefix}/${s.file}` : s.file }),
      })) {
        scanOne(f.abs, prefix ? `${prefix}/${f.rel}` : f.rel);
      }
    } else if (st.isFile()) {
      if (options.exclude && safeIgnores(options.exclude, given)) continue;
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
        throw new ScanInputError(`cannot scan ${given}: ${why}`);
      }
      result.files++;
      result.bytes += r.text.length;
      for (const f of scanner.scanText(r.text, { file: given })) result.findings.push(f);
      options.onFile?.(given);
    } else {
      result.skipped.push({ file: given, reason: "not-a-file" });
    }
  }
  return result;
}
