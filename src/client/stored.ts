/**
 * Cached values and their shaped views (`#field`, `json`, `binary`), with the
 * redaction registry kept in step: a value is masked by `redact()` while any
 * entry or caller holds it, and forgotten when its entry lets go of it.
 */

import { ConfigError, InvalidValueError, ProviderError, SecretsError } from "../errors.js";
import { redact, track } from "../redact.js";
import type { Issued, ParsedRef, ValueType } from "../types.js";
import { shapeValue } from "../value.js";

/** A value as cached: the raw value plus memoised shaped views. */
export interface Stored {
  /** A secret's string or bytes, or a credentials object. */
  readonly raw: unknown;
  readonly views: Record<ValueType, Map<string, unknown>>;
  /** Shaped forms registered for redaction, released with the raw value. */
  readonly extra: unknown[];
}

/** The value types a caller may ask for. */
export const VIEW_TYPES: Readonly<Record<ValueType, true>> = {
  string: true,
  json: true,
  binary: true,
};

/** Wraps a provider's answer for the cache. */
export function toStored(issued: Issued<unknown>): Issued<Stored> {
  return {
    ...issued,
    value: {
      raw: issued.value,
      views: { string: new Map(), json: new Map(), binary: new Map() },
      extra: [],
    },
  };
}

/** Redaction bookkeeping for the cache's hooks. */
export function trackStored(stored: Stored, delta: 1 | -1): void {
  track(stored.raw, delta);
  if (delta === -1) for (const x of stored.extra) track(x, -1);
}

/**
 * A provider's instants must be real epoch-ms numbers, and its expiry still
 * ahead: `NaN` would cache forever and a past expiry would serve an expired
 * value. Either is the provider's bug, reported by name.
 */
export function checkedTimes<T extends Issued<unknown>>(
  issued: T,
  provider: string,
  reference?: string,
): T {
  for (const key of ["expiresAt", "refreshAt"] as const) {
    const v = issued[key];
    if (v === undefined) continue;
    const bad =
      typeof v !== "number" || !Number.isFinite(v)
        ? `an ${key} that is not a number of epoch milliseconds (got ${typeof v === "number" ? String(v) : typeof v})`
        : key === "expiresAt" && v <= Date.now()
          ? "an expiresAt already in the past"
          : undefined;
    if (bad) {
      throw new ProviderError({
        provider,
        ...(reference ? { reference } : {}),
        message: `Provider ${provider} returned ${bad}${reference ? ` for ${reference}` : ""}; the value is not used.`,
      });
    }
  }
  return issued;
}

/**
 * A provider's answer for a secret must carry a string, bytes or a JSON
 * object (leased credentials read through a reference); anything else is its
 * bug, reported by name.
 */
export function checkedSecret(
  issued: Issued<unknown> | undefined,
  provider: string,
  parsed: ParsedRef,
): Issued<unknown> {
  const v = issued?.value;
  const ok =
    typeof v === "string" ||
    v instanceof Uint8Array ||
    (v !== null && typeof v === "object" && !Array.isArray(v));
  if (!issued || !ok) {
    throw new ProviderError({
      provider,
      reference: parsed.raw,
      message: `Provider ${provider} returned no string, bytes or object value for ${parsed.raw}.`,
    });
  }
  return checkedTimes(issued, provider, parsed.raw);
}

/** The value shaped as asked (memoised per canonical reference and type). */
export function viewOf(
  stored: Stored,
  parsed: ParsedRef,
  type: ValueType,
  provider: string,
): unknown {
  const views = stored.views[type];
  let view = views.get(parsed.canonical);
  if (view === undefined) {
    const raw = stored.raw;
    view = shapeValue(
      typeof raw === "string" || raw instanceof Uint8Array
        ? raw
        : textOfMap(raw, parsed, type, provider),
      parsed,
      type,
      provider,
    );
    // Shaped values count as loaded values for redaction too: a decoded
    // binary secret, or a JSON leaf that is a number.
    const extra =
      type === "binary"
        ? view
        : parsed.field && typeof view !== "object"
          ? String(view)
          : undefined;
    if (extra !== undefined) {
      track(extra, 1);
      stored.extra.push(extra);
    }
    views.set(parsed.canonical, view);
  }
  return type === "binary" ? (view as Uint8Array).slice() : view;
}

/**
 * A map of fields (a Vault KV secret, a leased login) read as a string
 * without `#field`: its one value when it has exactly one field; otherwise
 * the caller must say which, and the error names no field (names can be
 * secrets too). With `#field`, or as `json`, the whole map is the JSON text.
 */
function textOfMap(raw: unknown, parsed: ParsedRef, type: ValueType, provider: string): string {
  if (parsed.field || type !== "string" || raw === null || typeof raw !== "object") {
    return JSON.stringify(raw);
  }
  const values = Object.values(raw as Record<string, unknown>);
  if (values.length === 1) {
    const only = values[0];
    return typeof only === "string" ? only : JSON.stringify(only);
  }
  throw new InvalidValueError({
    provider,
    reference: parsed.raw,
    message: `${parsed.raw}: the value is a map of ${values.length} fields, so a string needs one of them: add #field to the reference (or read it with { type: "json" }).`,
  });
}

/** What `getCredentials` hands out for a stored value: objects as they are, JSON text parsed. */
export function credentialsOf(stored: Stored, provider: string, parsed?: ParsedRef): unknown {
  const raw = stored.raw;
  if (typeof raw !== "string" && !(raw instanceof Uint8Array)) return copyOf(raw);
  if (!parsed) return raw;
  const whole: ParsedRef = { ...parsed, canonical: parsed.source };
  delete (whole as { field?: readonly string[] }).field;
  return copyOf(viewOf(stored, whole, "json", provider));
}

/**
 * Credentials are shared by every caller of one entry: each caller gets a
 * copy of its own, so one caller deleting `sessionToken` cannot change them
 * for the others (nor the provider's object). A copy, not a frozen object:
 * the AWS SDK v3 writes `$source` onto credential objects given to a client.
 */
function copyOf(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  try {
    return structuredClone(value);
  } catch {
    return { ...(value as object) }; // Not cloneable (a function inside): one level.
  }
}

/**
 * Masks loaded values inside a foreign error's message and stack (a provider
 * or SDK may quote what it was given); the error itself stays the `cause`.
 */
export function scrub(err: unknown): void {
  if (!(err instanceof Error)) return;
  for (let e: unknown = err, i = 0; e instanceof Error && i < 5; e = e.cause, i++) {
    if (SecretsError.is(e)) continue;
    const message = redact(e.message);
    if (message !== e.message) {
      e.message = message;
      if (e.stack) e.stack = redact(e.stack);
    }
  }
}

/** The value type asked for, checked with own-property lookups (`"constructor"` is not a type). */
export function typeOf(options: { type?: unknown } | undefined, parsed: ParsedRef): ValueType {
  if (options === undefined) return "string";
  if (options === null || typeof options !== "object") {
    throw new ConfigError({
      reference: parsed.raw,
      message: `getSecret options must be an object such as { type: "json" } (got ${options === null ? "null" : typeof options}).`,
    });
  }
  const type = options.type ?? "string";
  if (typeof type !== "string" || !Object.hasOwn(VIEW_TYPES, type)) {
    throw new ConfigError({
      reference: parsed.raw,
      message: `type must be "string", "json" or "binary" (got ${typeof type === "string" ? JSON.stringify(type.slice(0, 20)) : typeof type}).`,
    });
  }
  return type as ValueType;
}
