/**
 * The memory backend behind `memoryProvider`: values by canonical source,
 * scripted per reference (versions, expiry, leases, failures, delays), and a
 * record of every call. It knows nothing of the provider contract; the one
 * module that does is `adapter.ts`.
 */

import { wallNow } from "../../cache/clock.js";
import { toMillis } from "../../duration.js";
import {
  AccessDeniedError,
  BUILTIN_PROVIDERS,
  type Duration,
  ExpiredError,
  type Issued,
  type Lease,
  NotFoundError,
  type ParsedRef,
  SchemeTable,
  SecretsError,
  ThrottledError,
  UnavailableError,
} from "../../index.js";
import {
  parseReferenceWith,
  type ReferenceRule,
  type SchemeRouting,
} from "../../provider/index.js";

/** The name the memory provider is registered and reported under. */
export const MEMORY = "memory";

/**
 * A value with its script: what a reference holds in the memory provider.
 *
 * @example
 * ```ts
 * const entry: MemoryEntry = { value: "db-pass-ab12", version: "7", lease: { ttl: "1h", maxTtl: "24h" } };
 * ```
 */
export interface MemoryEntry {
  /** The value: a string (JSON for `#field` references) or bytes. */
  value: string | Uint8Array;
  /** The version reported (default: `1`, then one more per `set()`). */
  version?: string;
  /** The value expires this long after each read (`expiresAt` of what is issued). */
  expiresIn?: Duration;
  /** Each read issues a lease: it ends `ttl` after issue (or renewal), up to `maxTtl` after issue. */
  lease?: {
    /** The lease's life, renewed by that much on each renewal. */
    ttl: Duration;
    /** The longest a lease lives, renewals included. Default: no limit. */
    maxTtl?: Duration;
    /** Whether `renew` extends it. Default `true`. */
    renewable?: boolean;
  };
}

/**
 * A failure to script: a typed error code the built-in providers use, or your own error.
 *
 * @example
 * ```ts
 * memory.fail("aws-sm://prod/db", "UNAVAILABLE", { times: 2 });
 * ```
 */
export type MemoryFailure =
  | "NOT_FOUND"
  | "ACCESS_DENIED"
  | "UNAVAILABLE"
  | "THROTTLED"
  | "EXPIRED"
  | Error;

/**
 * One call the memory provider answered (or failed), in order.
 *
 * @example
 * ```ts
 * memory.reads.filter((r) => r.op === "renew").length;
 * ```
 */
export interface MemoryRead {
  /** `get` (one reference), `batch` (several in one call), `renew` or `revoke` (a lease). */
  readonly op: "get" | "batch" | "renew" | "revoke";
  /** The canonical references concerned (without `#field`: the value read). */
  readonly references: readonly string[];
  /** When (the test clock's epoch ms, if one is in use). */
  readonly at: number;
  /** The lease concerned, for `renew` and `revoke`. */
  readonly lease?: string;
}

/**
 * A lease the memory provider issued.
 *
 * @example
 * ```ts
 * expect(memory.leases.every((l) => l.revoked)).toBe(true);
 * ```
 */
export interface MemoryLease {
  /** The lease id. */
  readonly id: string;
  /** The canonical reference it was issued for. */
  readonly reference: string;
  /** Epoch ms it ends at (moves on renewal). */
  readonly expiresAt: number;
  /** How many renewals extended it. */
  readonly renewals: number;
  /** Whether it was revoked. */
  readonly revoked: boolean;
}

interface Slot {
  value: string | Uint8Array;
  version: string;
  serial: number;
  expiresIn?: number;
  lease?: { ttl: number; maxTtl?: number; renewable: boolean };
}

interface Scripted {
  failure: MemoryFailure;
  times: number;
}

interface LeaseState {
  id: string;
  reference: string;
  expiresAt: number;
  maxExpiresAt?: number;
  renewable: boolean;
  renewals: number;
  revoked: boolean;
  value: string | Uint8Array;
  version: string;
}

/** The built-in providers' routing (schemes, rules, aliases): references parse as in production. */
export function builtinRouting(): SchemeRouting {
  const schemes: Record<string, ReferenceRule> = {};
  const aliases: Record<string, string> = {};
  for (const p of BUILTIN_PROVIDERS) {
    Object.assign(schemes, p.declaration.schemes);
    Object.assign(aliases, p.declaration.aliases ?? {});
  }
  return { schemes, aliases };
}

function ms(value: Duration | undefined, what: string): number | undefined {
  return value === undefined ? undefined : toMillis(value, what);
}

/** Sets `obj[a][b]... = value` for a `#a.b` field. */
function setField(obj: Record<string, unknown>, field: readonly string[], value: unknown): void {
  let at = obj;
  field.forEach((key, i) => {
    if (i === field.length - 1) at[key] = value;
    else {
      const next = at[key];
      if (next === null || typeof next !== "object") at[key] = {};
      at = at[key] as Record<string, unknown>;
    }
  });
}

/** The memory store and its script. @internal */
export class MemoryBackend {
  readonly routing: SchemeRouting;
  readonly #table: SchemeTable;
  readonly #slots = new Map<string, Slot>();
  readonly #failures = new Map<string, Scripted>();
  readonly #delays = new Map<string, number>();
  readonly #leases: LeaseState[] = [];
  readonly #reads: MemoryRead[] = [];
  /** Every value ever set, for "no value in this text" assertions. */
  readonly #seen = new Map<string, string>();
  #inFlight = new Set<Promise<unknown>>();
  #leaseSerial = 0;

  constructor(values: Readonly<Record<string, string | Uint8Array | MemoryEntry>> = {}) {
    this.routing = builtinRouting();
    this.#table = new SchemeTable().add(this.routing, MEMORY);
    // Entries with a #field build one JSON value per source, as a JSON secret holds them.
    const fields = new Map<string, { ref: ParsedRef; json: Record<string, unknown> }>();
    for (const [key, given] of Object.entries(values)) {
      const ref = this.parse(key);
      if (ref.field) {
        if (typeof given !== "string") {
          throw new TypeError(`memoryProvider: ${key}: a #field reference takes a string value.`);
        }
        const f = fields.get(ref.source) ?? { ref, json: {} };
        setField(f.json, ref.field, given);
        fields.set(ref.source, f);
        this.#remember(given, ref.canonical);
      } else this.set(key, given);
    }
    for (const [source, { json }] of fields) {
      if (this.#slots.has(source)) {
        throw new TypeError(
          `memoryProvider: ${source} is given both whole and by #field; give one or the other.`,
        );
      }
      this.set(source, JSON.stringify(json));
    }
  }

  /** Parses with the built-in rules: a malformed reference fails here, as it would in production. */
  parse(ref: string): ParsedRef {
    return parseReferenceWith(ref, this.#table);
  }

  #remember(value: string | Uint8Array, reference: string): void {
    const text = typeof value === "string" ? value : Buffer.from(value).toString("utf8");
    this.#seen.set(text, reference);
    if (typeof value !== "string") this.#seen.set(Buffer.from(value).toString("base64"), reference);
    if (text.startsWith("{")) {
      try {
        const walk = (v: unknown): void => {
          if (typeof v === "string") this.#seen.set(v, reference);
          else if (v !== null && typeof v === "object") for (const x of Object.values(v)) walk(x);
        };
        walk(JSON.parse(text));
      } catch {
        // Not JSON: the whole text is remembered.
      }
    }
  }

  set(ref: string, given: string | Uint8Array | MemoryEntry): void {
    const parsed = this.parse(ref);
    if (parsed.field) {
      throw new TypeError(
        `memoryProvider.set(${parsed.canonical}): set the whole value (${parsed.source}), as JSON.`,
      );
    }
    const entry: MemoryEntry =
      typeof given === "string" || given instanceof Uint8Array ? { value: given } : given;
    if (typeof entry.value !== "string" && !(entry.value instanceof Uint8Array)) {
      throw new TypeError(`memoryProvider: ${parsed.source}: value must be a string or bytes.`);
    }
    const old = this.#slots.get(parsed.source);
    const serial = (old?.serial ?? 0) + 1;
    const lease = entry.lease;
    this.#slots.set(parsed.source, {
      value: entry.value,
      version: entry.version ?? String(serial),
      serial,
      ...(entry.expiresIn !== undefined ? { expiresIn: ms(entry.expiresIn, "expiresIn") } : {}),
      ...(lease
        ? {
            lease: {
              ttl: ms(lease.ttl, "lease.ttl") as number,
              ...(lease.maxTtl !== undefined ? { maxTtl: ms(lease.maxTtl, "lease.maxTtl") } : {}),
              renewable: lease.renewable !== false,
            },
          }
        : {}),
    });
    this.#remember(entry.value, parsed.source);
  }

  delete(ref: string): boolean {
    return this.#slots.delete(this.parse(ref).source);
  }

  fail(ref: string, failure: MemoryFailure, times = Number.POSITIVE_INFINITY): void {
    this.#failures.set(ref === "*" ? "*" : this.parse(ref).source, { failure, times });
  }

  heal(ref?: string): void {
    if (ref === undefined) this.#failures.clear();
    else this.#failures.delete(ref === "*" ? "*" : this.parse(ref).source);
  }

  delay(ref: string, delayMs: Duration): void {
    const key = ref === "*" ? "*" : this.parse(ref).source;
    this.#delays.set(key, toMillis(delayMs, "delay"));
  }

  get reads(): readonly MemoryRead[] {
    return this.#reads;
  }

  get leases(): readonly MemoryLease[] {
    return this.#leases.map(({ id, reference, expiresAt, renewals, revoked }) =>
      Object.freeze({ id, reference, expiresAt, renewals, revoked }),
    );
  }

  /** Every value set so far, each with the reference it was set for. */
  values(): ReadonlyMap<string, string> {
    return this.#seen;
  }

  clearReads(): void {
    this.#reads.length = 0;
  }

  /**
   * Resolves once no call is in flight (background refreshes included), and the client had an
   * event-loop turn to store what they returned.
   */
  async idle(): Promise<void> {
    do {
      await Promise.allSettled([...this.#inFlight]);
      await new Promise((resolve) => setImmediate(resolve));
    } while (this.#inFlight.size > 0);
  }

  /** Runs one recorded call, counted as in flight until it settles. */
  track<T>(read: Omit<MemoryRead, "at">, run: () => Promise<T>): Promise<T> {
    this.#reads.push(Object.freeze({ ...read, at: wallNow() }));
    const p = run();
    this.#inFlight.add(p);
    const done = () => this.#inFlight.delete(p);
    p.then(done, done);
    return p;
  }

  delayFor(ref: ParsedRef): number {
    return this.#delays.get(ref.source) ?? this.#delays.get("*") ?? 0;
  }

  /** The answer for one reference, or its scripted failure (thrown). */
  read(ref: ParsedRef): Issued {
    const scripted = this.#failures.get(ref.source) ?? this.#failures.get("*");
    if (scripted && scripted.times > 0) {
      scripted.times--;
      throw this.#error(scripted.failure, ref);
    }
    const slot = this.#slots.get(ref.source);
    if (!slot) throw this.#error("NOT_FOUND", ref);
    const now = wallNow();
    const issued: Issued = {
      value: slot.value,
      version: slot.version,
      ...(slot.expiresIn !== undefined ? { expiresAt: now + slot.expiresIn } : {}),
    };
    if (slot.lease) {
      const l = slot.lease;
      const state: LeaseState = {
        id: `memory/${ref.path}/${++this.#leaseSerial}`,
        reference: ref.source,
        expiresAt: now + l.ttl,
        ...(l.maxTtl !== undefined ? { maxExpiresAt: now + l.maxTtl } : {}),
        renewable: l.renewable,
        renewals: 0,
        revoked: false,
        value: slot.value,
        version: slot.version,
      };
      if (state.maxExpiresAt !== undefined) {
        state.expiresAt = Math.min(state.expiresAt, state.maxExpiresAt);
      }
      this.#leases.push(state);
      issued.expiresAt = Math.min(issued.expiresAt ?? state.expiresAt, state.expiresAt);
      issued.lease = this.#leaseOf(state);
    }
    return issued;
  }

  #leaseOf(s: LeaseState): Lease {
    return {
      id: s.id,
      renewable: s.renewable,
      ...(s.maxExpiresAt !== undefined ? { maxExpiresAt: s.maxExpiresAt } : {}),
    };
  }

  /** Extends a live lease by its ttl (up to its maximum); `undefined` when it cannot. */
  renew(lease: Lease): Issued | undefined {
    const s = this.#leases.find((l) => l.id === lease.id);
    const now = wallNow();
    if (!s || s.revoked || !s.renewable || now >= s.expiresAt) return undefined;
    const slot = this.#slots.get(s.reference);
    const ttl = slot?.lease?.ttl ?? 0;
    const next = Math.min(now + ttl, s.maxExpiresAt ?? Number.POSITIVE_INFINITY);
    if (next <= s.expiresAt) return undefined;
    s.expiresAt = next;
    s.renewals++;
    return { value: s.value, version: s.version, expiresAt: next, lease: this.#leaseOf(s) };
  }

  /** The reference a lease was issued for, as a list for the record. */
  leaseReferences(lease: Lease): string[] {
    const s = this.#leases.find((l) => l.id === lease.id);
    return s ? [s.reference] : [];
  }

  revoke(lease: Lease): void {
    const s = this.#leases.find((l) => l.id === lease.id);
    if (s) s.revoked = true;
  }

  #error(failure: MemoryFailure, ref: ParsedRef): Error {
    if (failure instanceof Error) return failure;
    const o = { provider: MEMORY, reference: ref.raw };
    switch (failure) {
      case "NOT_FOUND":
        return new NotFoundError({ ...o, message: `memory: nothing is set for ${ref.source}` });
      case "ACCESS_DENIED":
        return new AccessDeniedError(o);
      case "THROTTLED":
        return new ThrottledError(o);
      case "EXPIRED":
        return new ExpiredError(o);
      case "UNAVAILABLE":
        return new UnavailableError(o);
      default:
        return new SecretsError("PROVIDER_ERROR", `memory: unknown scripted failure`, o);
    }
  }
}
