import { type Duration, toMillis } from "./duration.js";
import type { KeyRecord } from "./types.js";

/**
 * The records that expire within `within` of `now` (default: the current time), soonest first.
 * Revoked and already expired records are left out. For scheduled jobs that remind owners to
 * rotate; `verifyKey` emits `key-expiring` for keys in use.
 *
 * @example
 * ```ts
 * for (const record of listExpiring(await db.allKeys(), "14d")) await remind(record.id);
 * ```
 */
export function listExpiring(
  records: Iterable<KeyRecord>,
  within: Duration,
  now: number = Date.now(),
): KeyRecord[] {
  const horizon = now + toMillis(within, "within");
  const due: KeyRecord[] = [];
  for (const record of records) {
    if (record.revokedAt !== undefined && record.revokedAt <= now) continue;
    if (record.expiresAt > now && record.expiresAt <= horizon) due.push(record);
  }
  return due.sort((a, b) => a.expiresAt - b.expiresAt);
}
