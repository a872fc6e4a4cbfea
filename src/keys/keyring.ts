/**
 * The keyring: issues keys, verifies presented keys against stored records, rotates them.
 * Storage stays the caller's: records go out of `issueKey`/`rotateKey` and come back through
 * a lookup callback, so any database fits.
 */
import { ConfigError } from "../errors.js";
import { nodeCrypto } from "./builtins.js";
import { KeyRotationError } from "./errors.js";
import { isValidPrefix, mintKey, parseKey } from "./format.js";
import { HOLD_EVENT, holdEvent } from "./held-events.js";
import { IpAllowlists, normaliseAllowedIps } from "./ip.js";
import { type Duration, toMillis } from "./key-ttl.js";
import { hmac, type NamedPepper, type Pepper, PepperRing } from "./pepper.js";
import { parseRecord } from "./record.js";
import type {
  KeyEvent,
  KeyLookup,
  KeyRecord,
  KeyUsageEvent,
  PepperSource,
  StoredKeyRecord,
  VerifyReason,
  VerifyResult,
} from "./types.js";

const DAY = 86_400_000;
/** Default and maximum lifetime of a key without `allowLongLived`. */
export const MAX_KEY_LIFETIME = 90 * DAY;
const DEFAULT_EXPIRING_WITHIN = 14 * DAY;
const DEFAULT_OVERLAP = 7 * DAY;
const SCOPE = /^[\x21-\x7e]{1,128}$/;

/**
 * Options of {@link createKeyring}.
 *
 * @example
 * ```ts
 * const options: KeyringOptions = { pepper: () => getSecret("aws-sm://prod/keys#pepper") };
 * ```
 */
export interface KeyringOptions {
  /** The current pepper (at least 32 characters): new records are hashed under it. */
  pepper: PepperSource | NamedPepper;
  /** Older peppers still accepted; a record that verifies under one comes back re-hashed. */
  previousPeppers?: (PepperSource | NamedPepper)[];
  /** Receives a `key-used` event for every verification and `key-expiring` when due. */
  onEvent?: (event: KeyEvent) => void;
  /** How close to its expiry a used key triggers `key-expiring`. Default 14 days. */
  expiringWithin?: Duration;
  /** When given, `verifyKey` refuses other prefixes as `malformed` before any lookup. */
  prefixes?: string[];
  /** The clock, in epoch milliseconds (tests). Default `Date.now`. */
  now?: () => number;
}

/**
 * What {@link Keyring.issueKey} takes.
 *
 * @example
 * ```ts
 * const options: IssueOptions = { prefix: "acme_live_", scopes: ["orders:read"], expiresIn: "30d" };
 * ```
 */
export interface IssueOptions {
  /** Lower-case letters and digits in `_`-separated words, ending in `_` (`acme_live_`). */
  prefix: string;
  /** Scopes the key grants: printable ASCII without spaces, 1 to 128 characters each. */
  scopes: string[];
  /** Lifetime; default and maximum 90 days. */
  expiresIn?: Duration;
  /** CIDR ranges (IPv4 or IPv6) the key may be used from. */
  allowedIps?: string[];
  /** Allows `expiresIn` above 90 days. Say it explicitly, or rotate instead. */
  allowLongLived?: boolean;
  /**
   * Who the key belongs to (a customer or account id): limits and quotas count per owner, so
   * every key of one customer shares them. Without it they count per rotation chain.
   */
  owner?: string;
}

/**
 * What {@link Keyring.verifyKey} checks besides the key itself.
 *
 * @example
 * ```ts
 * const options: VerifyOptions = { scope: "orders:read", ip: req.socket.remoteAddress, route: "GET /orders" };
 * ```
 */
export interface VerifyOptions {
  /** The scope the request needs; the record must grant it. */
  scope?: string;
  /** The caller's IP. A record with `allowedIps` requires it and refuses others (`ip`). */
  ip?: string;
  /** The route, for the usage log only. */
  route?: string;
}

/**
 * What {@link Keyring.rotateKey} takes.
 *
 * @example
 * ```ts
 * const options: RotateOptions = { overlap: "2d" };
 * ```
 */
export interface RotateOptions {
  /** How long the retiring key keeps working. Default 7 days (never beyond its own expiry). */
  overlap?: Duration;
  /** The successor's lifetime. Default: the retiring key's own lifetime. */
  expiresIn?: Duration;
  /** As for `issueKey`. Default: true when the retiring key lived longer than 90 days. */
  allowLongLived?: boolean;
}

/**
 * A new key and the record to store. Show `key` to its owner once; store only `record`.
 *
 * @example
 * ```ts
 * const { key, record }: IssuedKey = await keys.issueKey({ prefix: "acme_live_", scopes: [] });
 * ```
 */
export interface IssuedKey {
  /** The key: show it to its owner once, never store or log it. */
  key: string;
  /** What to store. */
  record: KeyRecord;
}

/**
 * What {@link Keyring.rotateKey} returns: the successor (store it, hand `key` to the owner)
 * and the retiring record, which now expires at the end of the overlap (store it in place of
 * the old one).
 *
 * @example
 * ```ts
 * const { key, record, retiring }: RotatedKey = await keys.rotateKey(old);
 * ```
 */
export interface RotatedKey extends IssuedKey {
  /** The old record, now expiring at the end of the overlap: store it in place of the old one. */
  retiring: KeyRecord;
}

/**
 * Issues, verifies and rotates API keys. Created by {@link createKeyring}.
 *
 * @example
 * ```ts
 * const keys: Keyring = createKeyring({ pepper });
 * ```
 */
export interface Keyring {
  /**
   * Mints a key (see the format in `parseKey`) and its record: id, HMAC hash, pepper id,
   * prefix, scopes, times, last four characters, allowlist. The key is not kept anywhere.
   */
  issueKey(options: IssueOptions): Promise<IssuedKey>;
  /**
   * Checks format and checksum, hashes, looks the hash up, parses the record (a field present
   * but unparseable throws an `ApiKeyCheckError` naming it), compares in constant time, then
   * checks revocation, expiry, IP and scope. A lookup answering `null` or `undefined` means
   * "unknown", which runs the same steps against a dummy record. Emits `key-used` (and
   * `key-expiring` when due) to `onEvent`.
   */
  verifyKey(presented: unknown, lookup: KeyLookup, options?: VerifyOptions): Promise<VerifyResult>;
  /**
   * Issues a successor with the same prefix, scopes, allowlist, owner and lineage, and retires
   * the old key: the returned `retiring` record expires at the end of the overlap and names
   * its successor in `rotatedTo`. Throws a `KeyRotationError` for a revoked (`KEY_REVOKED`),
   * expired (`KEY_EXPIRED`) or already rotated (`KEY_ROTATED`) record.
   */
  rotateKey(record: KeyRecord | StoredKeyRecord, options?: RotateOptions): Promise<RotatedKey>;
}

function isThenable<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | undefined)?.then === "function";
}

function validScopes(scopes: unknown): string[] {
  if (!Array.isArray(scopes) || scopes.some((s) => typeof s !== "string" || !SCOPE.test(s))) {
    throw new ConfigError({
      message:
        "scopes must be an array of scope names (printable ASCII without spaces, 1 to 128 characters).",
    });
  }
  return [...new Set(scopes as string[])];
}

function lifetime(expiresIn: Duration | undefined, allowLongLived: boolean | undefined): number {
  const ms = expiresIn === undefined ? MAX_KEY_LIFETIME : toMillis(expiresIn, "expiresIn");
  if (ms <= 0) throw new ConfigError({ message: "expiresIn must be positive." });
  if (ms > MAX_KEY_LIFETIME && allowLongLived !== true) {
    throw new ConfigError({
      message:
        "expiresIn is longer than 90 days: rotate keys instead, or pass allowLongLived: true to say so explicitly.",
    });
  }
  return ms;
}

/**
 * Creates a keyring bound to a pepper. The pepper is a string or a function (called on each
 * use, so it can come from `getSecret`); this module never loads the secrets client itself.
 *
 * @example
 * ```ts
 * import { getSecret } from "secrets-loader";
 * import { createKeyring, jsonLinesLogger } from "secrets-loader/keys";
 *
 * const keys = createKeyring({
 *   pepper: () => getSecret("vault://secret/api-keys#pepper"),
 *   onEvent: jsonLinesLogger(process.stdout),
 * });
 * const { key, record } = await keys.issueKey({ prefix: "acme_live_", scopes: ["orders:read"] });
 * await db.insert(record); // show `key` to its owner once
 *
 * const result = await keys.verifyKey(presented, (hash) => db.byHash(hash), { scope: "orders:read" });
 * if (!result.ok) return reply(401, result.reason);
 * if (result.rehashed) await db.replace(result.rehashed);
 * ```
 */
export function createKeyring(options: KeyringOptions): Keyring {
  if (typeof options !== "object" || options === null) {
    throw new ConfigError({ message: "createKeyring needs options with a pepper." });
  }
  const current = new PepperRing(options.pepper, "pepper");
  const previous = (options.previousPeppers ?? []).map(
    (p, i) => new PepperRing(p, `previousPeppers[${i}]`),
  );
  const now = options.now ?? Date.now;
  const expiringWithin = toMillis(
    options.expiringWithin ?? DEFAULT_EXPIRING_WITHIN,
    "expiringWithin",
  );
  const prefixes = options.prefixes;
  for (const [i, p] of (prefixes ?? []).entries()) {
    // Never quoted: a key pasted here by mistake must not end up in a log.
    if (!isValidPrefix(p)) {
      throw new ConfigError({
        message: `prefixes[${i}] is not a key prefix (lower-case letters and digits in "_"-separated words, ending in "_", such as "acme_live_").`,
      });
    }
  }
  const onEvent = options.onEvent;
  const allowlists = new IpAllowlists();
  const emit = (event: KeyEvent): void => {
    if (onEvent === undefined) return;
    try {
      onEvent(event);
    } catch {
      // A logger's failure must not change the outcome of a verification.
    }
  };

  // What an unknown key is compared and checked against, so it takes the known key's path.
  // Its hash only needs a real hash's length (43 base64url characters): a miss stays a miss
  // whatever the comparison says, and no crypto is loaded before the first use.
  const dummy: KeyRecord = {
    id: "dummy",
    hash: "0".repeat(43),
    pepperId: "dummy",
    prefix: "dummy_",
    scopes: [],
    createdAt: 0,
    expiresAt: Number.MAX_SAFE_INTEGER,
    last4: "0000",
  };
  const dummyHash = Buffer.from(dummy.hash, "utf8");

  const resolve = async (ring: PepperRing): Promise<Pepper> => ring.get();

  async function issueKey(issue: IssueOptions): Promise<IssuedKey> {
    if (typeof issue !== "object" || issue === null || !isValidPrefix(issue.prefix)) {
      throw new ConfigError({
        message:
          'prefix must be lower-case letters and digits in "_"-separated words, start with a letter, end with "_" and be at most 32 characters (such as "acme_live_").',
      });
    }
    const scopes = validScopes(issue.scopes);
    const ttl = lifetime(issue.expiresIn, issue.allowLongLived);
    const allowedIps = normaliseAllowedIps(issue.allowedIps);
    const pepper = await resolve(current);
    const key = mintKey(issue.prefix);
    const createdAt = now();
    const record: KeyRecord = {
      id: nodeCrypto().randomUUID(),
      hash: hmac(pepper, key).toString("base64url"),
      pepperId: pepper.id,
      prefix: issue.prefix,
      scopes,
      createdAt,
      expiresAt: createdAt + ttl,
      last4: key.slice(-4),
    };
    if (allowedIps !== undefined && allowedIps.length > 0) record.allowedIps = allowedIps;
    if (issue.owner !== undefined) {
      if (typeof issue.owner !== "string" || issue.owner === "" || issue.owner.length > 256) {
        throw new ConfigError({
          message: "owner must be a non-empty string (at most 256 characters).",
        });
      }
      record.owner = issue.owner;
    }
    record.lineageId = record.id;
    return { key, record };
  }

  /** The first failed check of a record, in order: revoked, expired, ip, scope. */
  function refusal(record: KeyRecord, at: number, check: VerifyOptions): VerifyReason | undefined {
    if (record.revokedAt !== undefined && record.revokedAt <= at) return "revoked";
    if (!(at < record.expiresAt)) return "expired";
    if (record.allowedIps !== undefined && record.allowedIps.length > 0) {
      if (!allowlists.allows(record.allowedIps, check.ip)) return "ip";
    }
    if (check.scope !== undefined && !record.scopes.includes(check.scope)) return "scope";
    return undefined;
  }

  async function verifyKey(
    presented: unknown,
    lookup: KeyLookup,
    check: VerifyOptions & { [HOLD_EVENT]?: true } = {},
  ): Promise<VerifyResult> {
    const hold = check[HOLD_EVENT] === true;
    const started = onEvent === undefined && !hold ? 0 : performance.now();
    const parsed = parseKey(presented, prefixes);
    if (!parsed.ok) return done({ ok: false, reason: parsed.reason }, undefined);
    const key = presented as string;

    // Hash under the current pepper, then each previous one, until the lookup finds a record.
    let pepper = current.get();
    if (isThenable(pepper)) pepper = await pepper;
    const currentHash = hmac(pepper, key).toString("base64url");
    let hash = currentHash;
    const first = lookup(currentHash);
    // null and undefined are both "no row"; anything else is parsed (and may throw).
    let found = parseRecord(isThenable(first) ? await first : first);
    let underPrevious = false;
    for (let i = 0; found === undefined && i < previous.length; i++) {
      const old = await resolve(previous[i] as PepperRing);
      const oldHash = hmac(old, key).toString("base64url");
      const hit = parseRecord(await lookup(oldHash));
      if (hit !== undefined) {
        found = hit;
        hash = oldHash;
        underPrevious = true;
      }
    }

    // Constant-time comparison of the stored hash's text with the computed one (exact bytes:
    // it also catches a lookup that matches loosely, such as a case-insensitive collation),
    // against the dummy when nothing, or nothing of the right length, was found.
    const computed = Buffer.from(hash, "utf8");
    const stored = found !== undefined ? Buffer.from(found.hash, "utf8") : dummyHash;
    const comparable = stored.length === computed.length;
    const equal =
      nodeCrypto().timingSafeEqual(comparable ? stored : dummyHash, computed) && comparable;
    const record = equal ? found : undefined;

    const at = now();
    // An unknown key's dummy record is parsed too, so both paths do the same work.
    const reason = refusal(record ?? (parseRecord(dummy) as KeyRecord), at, check);
    if (record === undefined) return done({ ok: false, reason: "unknown" }, parsed.key.prefix);
    if (reason !== undefined) return done({ ok: false, reason, record }, parsed.key.prefix);
    if (record.expiresAt - at <= expiringWithin) {
      emit({
        type: "key-expiring",
        at,
        keyId: record.id,
        prefix: record.prefix,
        expiresAt: record.expiresAt,
      });
    }
    const result: VerifyResult = { ok: true, record };
    if (underPrevious) {
      result.rehashed = { ...record, hash: currentHash, pepperId: pepper.id };
    }
    return done(result, parsed.key.prefix);

    function done(result: VerifyResult, prefix: string | undefined): VerifyResult {
      if (onEvent !== undefined || hold) {
        const event: KeyUsageEvent = {
          type: "key-used",
          at: now(),
          result: result.ok ? "ok" : result.reason,
          latencyMs: performance.now() - started,
        };
        if (result.record !== undefined) event.keyId = result.record.id;
        // Only a checksummed key's prefix is logged: a malformed input's "prefix" may be part
        // of some other secret pasted into the header.
        if (prefix !== undefined) event.prefix = prefix;
        if (check.scope !== undefined) event.scope = check.scope;
        if (check.ip !== undefined) event.ip = check.ip;
        if (check.route !== undefined) event.route = check.route;
        // An adapter holds it, to emit one event per request with the limiter's outcome.
        if (hold) holdEvent(result, event, emit, onEvent);
        else emit(event);
      }
      return result;
    }
  }

  async function rotateKey(
    stored: KeyRecord | StoredKeyRecord,
    rotate: RotateOptions = {},
  ): Promise<RotatedKey> {
    if (typeof stored !== "object" || stored === null || Array.isArray(stored)) {
      throw new ConfigError({ message: "rotateKey needs the stored record of the key to rotate." });
    }
    const record = parseRecord(stored) as KeyRecord;
    const at = now();
    if (record.revokedAt !== undefined && record.revokedAt <= at) {
      throw new KeyRotationError(
        "KEY_REVOKED",
        record.id,
        `Key ${record.id} is revoked: issue a new key instead of rotating it.`,
      );
    }
    if (!(at < record.expiresAt)) {
      throw new KeyRotationError(
        "KEY_EXPIRED",
        record.id,
        `Key ${record.id} has expired: issue a new key (with the same owner) instead of rotating it.`,
      );
    }
    if (record.rotatedTo !== undefined) {
      throw new KeyRotationError(
        "KEY_ROTATED",
        record.id,
        `Key ${record.id} was already rotated (its successor is ${record.rotatedTo}): rotate the successor's record instead.`,
      );
    }
    const overlap = toMillis(rotate.overlap ?? DEFAULT_OVERLAP, "overlap");
    const previousLifetime = record.expiresAt - record.createdAt;
    const issue: IssueOptions = {
      prefix: record.prefix,
      scopes: record.scopes,
      expiresIn: rotate.expiresIn ?? (previousLifetime > 0 ? previousLifetime : MAX_KEY_LIFETIME),
      allowLongLived: rotate.allowLongLived ?? previousLifetime > MAX_KEY_LIFETIME,
    };
    if (record.allowedIps !== undefined) issue.allowedIps = record.allowedIps;
    if (record.owner !== undefined) issue.owner = record.owner;
    const successor = await issueKey(issue);
    successor.record.rotatedFrom = record.id;
    // The chain's first id: the counters of limits and quotas follow it (older records: their id).
    successor.record.lineageId = record.lineageId ?? record.id;
    const retiring: KeyRecord = {
      ...record,
      expiresAt: Math.min(record.expiresAt, at + overlap),
      rotatedTo: successor.record.id,
    };
    return { ...successor, retiring };
  }

  return { issueKey, verifyKey, rotateKey };
}
