/**
 * Shared types for issuing and verifying API keys (`secrets-loader/keys`) and for the
 * rate limiting, usage logging and HTTP adapters built on them.
 */

/**
 * What a service stores for one issued key. The key itself is never stored: only its
 * keyed hash, plus what an operator needs to recognise it (prefix and last four characters).
 * Times are epoch milliseconds.
 *
 * @example
 * ```ts
 * const { key, record } = await keys.issueKey({ prefix: "acme_live_", scopes: ["read"] });
 * await db.insert(record); // never `key`
 * ```
 */
export interface KeyRecord {
  /** Public, non-secret identifier, safe to log. */
  id: string;
  /** HMAC-SHA-256 of the whole key under the server-side pepper, base64url. */
  hash: string;
  /** Which pepper produced `hash` (so a rotated pepper can be recognised). */
  pepperId: string;
  /** The key's prefix, such as `acme_live_`. */
  prefix: string;
  /** Scopes the key grants. */
  scopes: string[];
  /** When the key was issued. */
  createdAt: number;
  /** When the key stops verifying. */
  expiresAt: number;
  /** The key's last four characters, for display ("acme_live_…x9Qz"). */
  last4: string;
  /** When the key was revoked, if it was. */
  revokedAt?: number;
  /** CIDR ranges (IPv4 or IPv6) the key may be used from; absent or empty means any. */
  allowedIps?: string[];
  /** The id of the key this one replaced, when issued by `rotateKey`. */
  rotatedFrom?: string;
  /**
   * The id of the key that replaced this one: set by `rotateKey` on the retiring record. A
   * record carrying it cannot be rotated again (rotate its successor).
   */
  rotatedTo?: string;
  /**
   * Who the key belongs to (a customer or account id), set at issue. Rate limits and quotas
   * count per owner when it is set, so every key of one customer shares them.
   */
  owner?: string;
  /**
   * The id of the first key of this key's rotation chain: set at issue (to the key's own id)
   * and copied forward by `rotateKey`, so limits and quotas survive rotation. Records issued
   * before it existed fall back to their own `id`.
   */
  lineageId?: string;
}

/**
 * A record as a database may return it, before the keyring parses it: times as `Date`, ISO
 * 8601 text, epoch milliseconds (number, digit string or `bigint`); `scopes` and `allowedIps` as
 * arrays or JSON text; `null` for absent fields. See {@link KeyLookup}.
 *
 * @example
 * ```ts
 * const row: StoredKeyRecord = { id: "k1", revokedAt: null, expiresAt: "2027-01-01T00:00:00Z" };
 * ```
 */
export type StoredKeyRecord = { readonly [field: string]: unknown };

/**
 * Why a presented key was refused.
 *
 * @example
 * ```ts
 * if (!result.ok && result.reason === "expired") reply(401);
 * ```
 */
export type VerifyReason =
  | "malformed"
  | "bad-checksum"
  | "unknown"
  | "expired"
  | "revoked"
  | "scope"
  | "ip";

/**
 * The outcome of `verifyKey`. On success `rehashed` is set when the record verified under a
 * previous pepper: store it in place of the old record.
 *
 * @example
 * ```ts
 * const result = await keys.verifyKey(presented, lookup, { scope: "read" });
 * if (result.ok && result.rehashed) await db.replace(result.rehashed);
 * ```
 */
export type VerifyResult =
  | {
      /** The key is valid for this request. */
      ok: true;
      /** Its stored record. */
      record: KeyRecord;
      /** The record re-hashed under the current pepper, when it verified under a previous one. */
      rehashed?: KeyRecord;
    }
  | {
      /** The key was refused. */
      ok: false;
      /** Why. */
      reason: VerifyReason;
      /** The record, when one was found (refused for revocation, expiry, IP or scope). */
      record?: KeyRecord;
    };

/**
 * Finds a stored record by its hash. Storage-independent: a SQL query, a Map, a KV read.
 * Returns `null` or `undefined` when no record has that hash. The record may come back as the
 * database returns it ({@link StoredKeyRecord}): the keyring parses it, and a field that is
 * present but does not parse makes `verifyKey` throw an `ApiKeyCheckError` naming the field.
 *
 * @example
 * ```ts
 * const lookup: KeyLookup = (hash) =>
 *   db.oneOrNone('select id, hash, pepper_id as "pepperId", ... from keys where hash = $1', [hash]);
 * ```
 */
export type KeyLookup = (
  hash: string,
) =>
  | Promise<KeyRecord | StoredKeyRecord | null | undefined>
  | KeyRecord
  | StoredKeyRecord
  | null
  | undefined;

/**
 * A pepper: the server-side HMAC key, given as a string or as an async function (so it can
 * come from `getSecret`). `id` names it in records; it defaults to a fingerprint of the value.
 *
 * @example
 * ```ts
 * const pepper: PepperSource = () => secrets.getSecret("vault://secret/keys#pepper");
 * ```
 */
export type PepperSource = string | (() => Promise<string> | string);

/**
 * One line of usage: emitted for every verification (and by the adapters for every limiter
 * decision). Never carries the presented key.
 *
 * @example
 * ```ts
 * createKeyring({ pepper, onEvent: (e) => e.type === "key-used" && log.info(e) });
 * ```
 */
export interface KeyUsageEvent {
  /** The event's kind. */
  type: "key-used";
  /** Epoch ms. */
  at: number;
  /** The record's id, when a record was found. */
  keyId?: string;
  /** The presented key's prefix, when it had a well-formed one. */
  prefix?: string;
  /** The scope the request asked for, when given. */
  scope?: string;
  /** `ok`, the reason of a refusal, or a limiter's refusal (`unavailable`: its store is down). */
  result: "ok" | VerifyReason | "rate-limited" | "quota" | "unavailable";
  /**
   * `skipped` when the request went through without its limits being counted: the limiter's
   * store was down and the limiter fails open.
   */
  limits?: "skipped";
  /** The caller's IP, when given. */
  ip?: string;
  /** The route, when given. */
  route?: string;
  /** How long the verification took, in milliseconds. */
  latencyMs: number;
}

/**
 * Emitted when a key within the warning window (default 14 days) of its expiry is used.
 *
 * @example
 * ```ts
 * createKeyring({ pepper, onEvent: (e) => e.type === "key-expiring" && notify(e.keyId) });
 * ```
 */
export interface KeyExpiringEvent {
  /** The event's kind. */
  type: "key-expiring";
  /** Epoch ms. */
  at: number;
  /** The record's id. */
  keyId: string;
  /** The key's prefix. */
  prefix: string;
  /** When the key expires, epoch ms. */
  expiresAt: number;
}

/**
 * Emitted by the limiter once when its store goes down (an error, or no answer within the
 * store's time limit) and once when it answers again. Between the two, requests are let
 * through without limits (`whenStoreDown: "open"`, their `key-used` events marked
 * `limits: "skipped"`) or refused with `unavailable` (`"closed"`).
 *
 * @example
 * ```ts
 * createKeyLimiter({ store, onEvent: (e) => e.type === "limiter-store-down" && page(e) });
 * ```
 */
export interface LimiterStoreEvent {
  /** The event's kind. */
  type: "limiter-store-down" | "limiter-store-up";
  /** Epoch ms. */
  at: number;
  /** The store's kind. */
  store: "memory" | "redis";
  /** What the limiter does while the store is down. */
  whenStoreDown: "open" | "closed";
  /** On `limiter-store-down`: the failure (`timeout` or the error's name and message). */
  error?: string;
  /** On `limiter-store-up`: how long the outage lasted, in milliseconds. */
  downForMs?: number;
}

/**
 * Who sent an alert, told by its headers (`Github-Public-Key-*` or `Gitlab-Public-Key-*`).
 *
 * @example
 * ```ts
 * const sender: LeakAlertSender = "github";
 * ```
 */
export type LeakAlertSender = "github" | "gitlab";

/**
 * What `revoke` and the `key-leaked` event learn about the leak.
 *
 * @example
 * ```ts
 * const leak: LeakDetails = { sender: "github", tokenType: "acme_api_key", url: "https://github.com/…", source: "content" };
 * ```
 */
export interface LeakDetails {
  /** Who reported it. */
  sender: LeakAlertSender;
  /** The alert's `type`: the name you registered for your key format. */
  tokenType: string;
  /** Where the key was found (may be empty: GitHub does not always know). */
  url: string;
  /** GitHub's `source` (`content`, `commit`, `npm`, …); absent for GitLab. */
  source?: string;
}

/**
 * Emitted once per key revoked because of a leak alert. Carries the key's id and prefix and
 * where it leaked, never the key.
 *
 * @example
 * ```ts
 * handleLeakAlert({ keyring, lookup, revoke, onEvent: (e) => notifyOwner(e.keyId, e.url) });
 * ```
 */
export interface KeyLeakedEvent extends LeakDetails {
  /** The event's kind. */
  type: "key-leaked";
  /** Epoch ms. */
  at: number;
  /** The revoked record's id. */
  keyId: string;
  /** The key's prefix. */
  prefix: string;
}

/**
 * Every event the keys module emits.
 *
 * @example
 * ```ts
 * const onEvent = (e: KeyEvent) => console.log(JSON.stringify(e));
 * ```
 */
export type KeyEvent = KeyUsageEvent | KeyExpiringEvent | LimiterStoreEvent | KeyLeakedEvent;
