/**
 * The largest file the scanner can read: a file is scanned as one string, so
 * V8's string limit (about 512 MB) bounds `--max-file-size` and
 * `scan.maxFileSize`. Kept apart from tree.ts so the CLI's argument parser
 * can check it without loading the scanner.
 */

import { constants } from "node:buffer";

/**
 * Bytes: the upper bound of `--max-file-size`.
 *
 * @example
 * ```ts
 * if (size > MAX_READABLE_FILE_SIZE) throw new Error("too large to scan");
 * ```
 */
export const MAX_READABLE_FILE_SIZE: number = Math.min(
  constants.MAX_STRING_LENGTH,
  constants.MAX_LENGTH,
);
