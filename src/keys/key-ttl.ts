/**
 * Durations for the keys entry: milliseconds, or `"90d"`, `"12h"`, `"1h30m"`, like the
 * core's `Duration`. Parsed here rather than imported from the core's module because sharing
 * that module would split it into a chunk of its own and add a file to every import of the
 * package root; test/unit/keys/key-ttl.test.ts holds both parsers to the same answers.
 */
import { ConfigError } from "../errors.js";

/**
 * A duration: milliseconds as a number, or a string such as `"30s"`, `"12h"`, `"90d"` or a
 * combination such as `"1d12h"`.
 *
 * @example
 * ```ts
 * const lifetime: Duration = "30d";
 * ```
 */
export type Duration = number | string;

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/** Converts a {@link Duration} to milliseconds, or throws a ConfigError naming the setting. */
export function toMillis(value: Duration, setting: string): number {
  if (typeof value === "number") {
    if (Number.isFinite(value) && value >= 0) return value;
  } else if (typeof value === "string" && value.length > 0 && value.length <= 64) {
    let total = 0;
    let consumed = 0;
    for (const m of value.matchAll(PART)) {
      if (m.index !== consumed) break;
      total += Number(m[1]) * (UNITS[m[2] ?? "ms"] ?? 1);
      consumed += m[0].length;
    }
    if (consumed === value.length) return total;
  }
  const shown =
    typeof value === "string" && value.length > 64
      ? `${value.length} characters`
      : JSON.stringify(value);
  throw new ConfigError({
    message: `${setting} must be a duration such as 3600000, "12h", "30d" or "1d12h" (got ${shown}).`,
  });
}
