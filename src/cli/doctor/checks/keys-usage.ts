/**
 * What items 5, 8 and 9 can see of `secrets-loader/keys` in the app's own code: per-key IP
 * allowlists (`allowedIps`), a per-key limiter (`createKeyLimiter`), and a usage log
 * (`jsonLinesLogger`) with its anomaly watcher (`createAnomalyWatcher`). Only files importing
 * `secrets-loader/keys` (or one of its adapters) count, and comment lines are skipped, so a
 * mention in a comment is not evidence. One walk per doctor run, shared by the three checks.
 */

import { readFileSync, statSync } from "node:fs";
import { walkFiles } from "../../scan/walk.js";
import type { DoctorContext } from "../context.js";

/** Where a use was found. */
export interface Found {
  /** Relative to the project directory. */
  file: string;
  line: number;
}

/** The first use of each, if any. */
export interface KeysUsage {
  allowedIps?: Found;
  limiter?: Found;
  sink?: Found;
  watcher?: Found;
}

const SOURCE_EXT = /\.(?:[cm]?[jt]sx?)$/;
const IMPORTS_KEYS = /["']secrets-loader\/keys(?:\/(?:http|express|fastify))?["']/;
const PATTERNS: Record<keyof KeysUsage, RegExp> = {
  // A property, shorthand or destructured name, not a mention in a string.
  allowedIps: /(?:^|[^\w"'`.])allowedIps\s*[:,}]/,
  limiter: /\bcreateKeyLimiter\s*\(/,
  sink: /\bjsonLinesLogger\s*\(/,
  watcher: /\bcreateAnomalyWatcher\s*\(/,
};
const COMMENT_LINE = /^\s*(?:\/\/|\/?\*)/;

const cache = new WeakMap<DoctorContext, KeysUsage>();

/** Scans the project once per doctor run. */
export function keysUsage(ctx: DoctorContext): KeysUsage {
  let found = cache.get(ctx);
  if (found === undefined) {
    found = scan(ctx.dir);
    cache.set(ctx, found);
  }
  return found;
}

function scan(dir: string): KeysUsage {
  const found: KeysUsage = {};
  const wanted = Object.keys(PATTERNS) as (keyof KeysUsage)[];
  for (const f of walkFiles(dir)) {
    if (!SOURCE_EXT.test(f.rel) || f.rel.startsWith("node_modules/")) continue;
    let text: string;
    try {
      if (statSync(f.abs).size > 512 * 1024) continue;
      text = readFileSync(f.abs, "utf8");
    } catch {
      continue;
    }
    if (!IMPORTS_KEYS.test(text)) continue;
    const lines = text.split("\n");
    for (const [i, line] of lines.entries()) {
      if (COMMENT_LINE.test(line)) continue;
      for (const what of wanted) {
        if (found[what] === undefined && PATTERNS[what].test(line)) {
          found[what] = { file: f.rel, line: i + 1 };
        }
      }
    }
    if (wanted.every((w) => found[w] !== undefined)) break;
  }
  return found;
}
