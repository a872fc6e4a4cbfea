import { ConfigError } from "./errors.js";

/**
 * A duration: milliseconds as a number, or a string such as `"250ms"`,
 * `"30s"`, `"5m"`, `"1h"`, `"1d"`, or a combination like `"1h30m"`.
 *
 * @example
 * ```ts
 * const cache = { maxAge: "5m", maxStale: 3_600_000 } satisfies { maxAge: Duration; maxStale: Duration };
 * ```
 */
export type Duration = number | string;

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/**
 * Converts a {@link Duration} to milliseconds, or throws a {@link ConfigError} naming the setting.
 *
 * @example
 * ```ts
 * toMillis("1h30m", "cache.maxAge"); // 5_400_000
 * ```
 */
export function toMillis(value: Duration, setting: string): number {
  if (typeof value === "number") {
    if (Number.isFinite(value) && value >= 0) return value;
  } else if (typeof value === "string" && value.length > 0) {
    let total = 0;
    let consumed = 0;
    for (const m of value.matchAll(PART)) {
      if (m.index !== consumed) break;
      total += Number(m[1]) * (UNITS[m[2] ?? "ms"] ?? 1);
      consumed += m[0].length;
    }
    if (consumed === value.length) return total;
  }
  throw new ConfigError({
    message: `${setting} must be a duration such as 250, "30s", "5m", "1h" or "1h30m" (got ${JSON.stringify(value)}).`,
  });
}
