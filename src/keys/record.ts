/**
 * Parses the record a lookup returns, as databases really return it: times as `Date`, ISO 8601
 * text, epoch milliseconds (number, digit string, or `bigint`, as node-postgres returns `int8`),
 * lists as arrays or JSON text, `null` for absent. Checks then compare parsed values only.
 *
 * Hand-written rather than a zod schema: this runs on every verification (zod would about
 * double the hot path's cost against the bench's bare HMAC loop) and `secrets-loader/keys`
 * imports nothing but node builtins (zod costs more import time than the entry's whole budget).
 * A present value that does not parse throws {@link ApiKeyCheckError} naming the field (never
 * the value); an absent one (`undefined` or `null`) means "not set".
 */
import { ApiKeyCheckError } from "./errors.js";
import { isValidRange } from "./ip.js";
import type { KeyRecord } from "./types.js";

const bad = (field: string, problem: string): never => {
  throw new ApiKeyCheckError(undefined, { field, problem });
};

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const DIGITS = /^-?\d{1,16}$/;
/** `{a,b}`: a PostgreSQL array literal without quoting, nesting or NULL items. */
const PG_ARRAY = /^\{(?:[^\s"{},\\]+(?:,[^\s"{},\\]+)*)?\}$/;
const TIME_PROBLEM =
  "is not a time (a Date, ISO 8601 text, or epoch milliseconds as a number, digit string or bigint)";

/** Epoch milliseconds from a stored time, undefined when absent. */
export function parseTime(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  let ms: number;
  if (typeof value === "number") ms = value;
  else if (value instanceof Date) ms = value.getTime();
  else if (typeof value === "bigint") {
    ms = Number(value);
    if (!Number.isSafeInteger(ms)) return bad(field, TIME_PROBLEM);
  } else if (typeof value === "string") {
    const text = value.trim();
    if (DIGITS.test(text)) ms = Number(text);
    else {
      const m = ISO.exec(text);
      if (m === null) return bad(field, TIME_PROBLEM);
      // Text without an offset (a `timestamp` column) is read as UTC, never as local time.
      let zone = m[8] ?? "Z";
      if (/^[+-]\d{2}$/.test(zone)) zone = `${zone}:00`;
      else if (/^[+-]\d{4}$/.test(zone)) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
      // Date.parse rolls 2026-02-30 over to March: check the calendar first.
      const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
      const [h, mi, se] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
      const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
      if (mo < 1 || mo > 12 || d < 1 || d > days || h > 23 || mi > 59 || se > 59) {
        return bad(field, TIME_PROBLEM);
      }
      const time = m[4] === undefined ? "00:00:00" : `${m[4]}:${m[5]}:${m[6] ?? "00"}`;
      const frac = m[7] === undefined ? "" : m[7].slice(0, 4);
      ms = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${time}${frac}${zone.toUpperCase()}`);
    }
  } else return bad(field, TIME_PROBLEM);
  if (!Number.isFinite(ms)) return bad(field, TIME_PROBLEM);
  return ms;
}

/** A list of strings from an array or JSON text of one, undefined when absent. */
function parseList(value: unknown, field: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  let list: unknown = value;
  if (typeof value === "string") {
    try {
      list = JSON.parse(value);
    } catch {
      // A PostgreSQL array literal of plain items ({read,write}), as a driver returns an
      // array column of a type it does not parse (cidr[], a domain over text[]).
      if (!PG_ARRAY.test(value)) {
        return bad(field, "is text but neither a JSON array of strings nor an array literal");
      }
      const inner = value.slice(1, -1);
      list = inner === "" ? [] : inner.split(",");
    }
  }
  if (!Array.isArray(list)) return bad(field, "is not an array of strings (nor JSON text of one)");
  for (const item of list) {
    if (typeof item !== "string") return bad(field, "holds an entry that is not a string");
  }
  return list as string[];
}

function parseText(value: unknown, field: string, required: true): string;
function parseText(value: unknown, field: string, required: false): string | undefined;
function parseText(value: unknown, field: string, required: boolean): string | undefined {
  if (value === undefined || value === null) {
    return required ? bad(field, "is missing") : undefined;
  }
  if (typeof value === "string" && value !== "") return value;
  // An id column of integers (int4, or int8 as bigint) is still an id.
  if (typeof value === "bigint" || (typeof value === "number" && Number.isSafeInteger(value))) {
    return String(value);
  }
  return bad(field, "is not a non-empty string");
}

// A row read with `select *` from snake_case columns: refuse rather than read the camelCase
// field as absent (a `revoked_at` ignored would make a revoked key verify).
const SNAKE: [camel: string, snake: string][] = [
  ["revokedAt", "revoked_at"],
  ["allowedIps", "allowed_ips"],
  ["rotatedTo", "rotated_to"],
  ["expiresAt", "expires_at"],
];

const OPTIONAL_TEXT = ["owner", "lineageId", "rotatedFrom", "rotatedTo"] as const;

const isText = (v: unknown): boolean => typeof v === "string" && v !== "";
const isTime = (v: unknown): boolean => typeof v === "number" && Number.isFinite(v);

/** True when `r` has exactly the types parseRecord would produce (so nothing to convert). */
function isCanonical(r: Record<string, unknown>): boolean {
  if (!(isText(r.id) && isText(r.hash) && isText(r.pepperId) && isText(r.prefix))) return false;
  if (!(isText(r.last4) && isTime(r.createdAt) && isTime(r.expiresAt))) return false;
  if (r.revokedAt !== undefined && !isTime(r.revokedAt)) return false;
  const scopes = r.scopes;
  if (!Array.isArray(scopes)) return false;
  for (const s of scopes) if (typeof s !== "string") return false;
  const ips = r.allowedIps;
  if (ips !== undefined) {
    if (!Array.isArray(ips) || ips.length === 0) return false;
    for (const ip of ips) if (!isValidRange(ip)) return false;
  }
  for (const f of OPTIONAL_TEXT) if (r[f] !== undefined && !isText(r[f])) return false;
  for (const [, snake] of SNAKE) if (r[snake] !== undefined && r[snake] !== null) return false;
  return true;
}

/**
 * The record as the keyring checks it, from what the lookup returned: undefined for "not
 * found" (`null` or `undefined`); throws {@link ApiKeyCheckError} naming the first field that
 * does not parse. Unknown fields are kept as they were.
 */
export function parseRecord(raw: unknown): KeyRecord | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== "object" || Array.isArray(raw)) {
    return bad("record", "is not an object (the lookup must return a record, null or undefined)");
  }
  const r = raw as Record<string, unknown>;
  // Already in the keyring's own shape (a record from issueKey, kept in memory or a document
  // store): every field is checked the same, and the object is returned without a copy.
  if (isCanonical(r)) return r as unknown as KeyRecord;
  for (const [camel, snake] of SNAKE) {
    if (r[camel] === undefined && r[snake] !== undefined && r[snake] !== null) {
      bad(camel, `is absent but "${snake}" is set: map the column to "${camel}"`);
    }
  }
  const createdAt = parseTime(r.createdAt, "createdAt");
  const expiresAt = parseTime(r.expiresAt, "expiresAt");
  if (createdAt === undefined) return bad("createdAt", "is missing");
  if (expiresAt === undefined) return bad("expiresAt", "is missing");
  const record: KeyRecord = {
    ...r,
    id: parseText(r.id, "id", true),
    hash: parseText(r.hash, "hash", true),
    pepperId: parseText(r.pepperId, "pepperId", true),
    prefix: parseText(r.prefix, "prefix", true),
    scopes: parseList(r.scopes, "scopes") ?? [],
    createdAt,
    expiresAt,
    last4: parseText(r.last4, "last4", true),
  };
  // Absent optional fields stay absent. (`delete` only runs for a stored null: it slows later
  // property reads of the object, so the common case never pays for it.)
  const revokedAt = parseTime(r.revokedAt, "revokedAt");
  if (revokedAt !== undefined) record.revokedAt = revokedAt;
  else if ("revokedAt" in record) delete record.revokedAt;
  const allowedIps = parseList(r.allowedIps, "allowedIps");
  if (allowedIps !== undefined && allowedIps.length > 0) {
    for (const range of allowedIps) {
      if (!isValidRange(range)) {
        bad("allowedIps", "holds an entry that is not an IP address or CIDR range");
      }
    }
    record.allowedIps = allowedIps;
  } else if ("allowedIps" in record) delete record.allowedIps;
  for (const field of OPTIONAL_TEXT) {
    const value = r[field];
    if (typeof value === "string" && value !== "") continue; // already as it should be
    const v = parseText(value, field, false);
    if (v !== undefined) record[field] = v;
    else if (field in record) delete record[field];
  }
  return record;
}
