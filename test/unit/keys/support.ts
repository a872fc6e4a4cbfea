/** Shared helpers for the keys unit tests: an in-memory store and fake but distinctive peppers. */
import { randomBytes } from "node:crypto";
import type { KeyLookup, KeyRecord } from "../../../src/keys/types.js";

/** A pepper built at run time (so the repository's leak scanner has nothing to find). */
export function fakePepper(label = "current"): string {
  return `pepper-${label}-${randomBytes(24).toString("base64url")}`;
}

/** A Map keyed by hash, with a lookup that counts its calls. */
export function memoryStore(...records: KeyRecord[]) {
  const byHash = new Map(records.map((r) => [r.hash, r]));
  const calls: string[] = [];
  const lookup: KeyLookup = (hash) => {
    calls.push(hash);
    return byHash.get(hash);
  };
  return {
    lookup,
    calls,
    put(record: KeyRecord) {
      byHash.set(record.hash, record);
    },
    delete(record: KeyRecord) {
      byHash.delete(record.hash);
    },
  };
}

/** A clock tests can move. */
export function clock(start = Date.UTC(2026, 0, 1)) {
  let t = start;
  return {
    now: () => t,
    advance(ms: number) {
      t += ms;
    },
  };
}

export const DAY = 86_400_000;
