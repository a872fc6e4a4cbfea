import { type Duration, toMillis } from "./key-ttl.js";
import { parseRecord } from "./record.js";
import type { KeyRecord, StoredKeyRecord } from "./types.js";

/**
 * The records that expire within `within` of `now` (default: the current time), soonest first.
 * Revoked, already expired and already rotated records are left out. Records are parsed as
 * `verifyKey` parses them (`revokedAt: null` is "not revoked"); one that does not parse throws
 * an `ApiKeyCheckError` naming the field. For scheduled jobs that remind owners to rotate;
 * `verifyKey` emits `key-expiring` for keys in use.
 *
 * @example
 * ```ts
 * for (const record of listExpiring(await db.allKeys(), "14d")) await remind(record.id);
 * ```
 */
export function listExpiring(
  records: Iterable<KeyRecord | StoredKeyRecord>,
  within: Duration,
  now: number = Date.now(),
): KeyRecord[] {
  const horizon = now + toMillis(within, "within");
  const due: KeyRecord[] = [];
  for (const stored of records) {
    const record = parseRecord(stored);
    if (record === undefined || record.rotatedTo !== undefined) continue;
    if (record.revokedAt !== undefined && record.revokedAt <= now) continue;
    if (record.expiresAt > now && record.expiresAt <= horizon) due.push(record);
  }
  return due.sort((a, b) => a.expiresAt - b.expiresAt);
}
