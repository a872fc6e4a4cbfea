/**
 * Types of `handleLeakAlert`: the alerts GitHub's secret scanning partner program and GitLab's
 * automatic response to leaked secrets send the issuer of a leaked key. Types only: the
 * adapters import them without loading any of the handler's code.
 */
import type { Keyring } from "../keyring.js";
import type { KeyStore } from "../limits/store.js";
import type {
  KeyLeakedEvent,
  KeyLookup,
  KeyRecord,
  LeakAlertSender,
  LeakDetails,
} from "../types.js";

export type { KeyLeakedEvent, LeakAlertSender, LeakDetails };

/**
 * One public key of a sender, as GitHub publishes them (`public_keys[]` of
 * `https://api.github.com/meta/public_keys/secret_scanning`).
 *
 * @example
 * ```ts
 * const key: SenderPublicKey = { key_identifier: "bcb5…518c", key: "-----BEGIN PUBLIC KEY-----\n…", is_current: true };
 * ```
 */
export interface SenderPublicKey {
  /** What the alert's `*-Public-Key-Identifier` header names. */
  key_identifier: string;
  /** The ECDSA P-256 public key, PEM (SPKI). */
  key: string;
  /** Whether the sender signs with it today (informative only: any listed key verifies). */
  is_current?: boolean;
}

/**
 * The part of a `fetch` response the key fetch reads (the global `Response` fits).
 *
 * @example
 * ```ts
 * const res: PublicKeyResponse = await fetch(url);
 * ```
 */
export interface PublicKeyResponse {
  /** The HTTP status (200, or 304 for a conditional request whose list did not change). */
  status: number;
  /** Response headers (`etag`, `last-modified`). */
  headers: {
    /** A header's value by name, or null. */
    get(name: string): string | null;
  };
  /** The body as text. */
  text(): Promise<string>;
}

/**
 * Where a sender's public keys come from: a URL (fetched, cached, revalidated with conditional
 * requests, refetched on an unknown identifier), a fixed list (tests, air-gapped setups), or a
 * URL with a `fetch` of your own (a proxy, a test double).
 *
 * @example
 * ```ts
 * const gitlab: PublicKeySource = { url: "https://…/public_keys" }; // the URL GitLab gives you
 * const offline: PublicKeySource = { keys: [{ key_identifier: "k1", key: pem }] };
 * ```
 */
export interface PublicKeySource {
  /** The key list's URL: `https://`, or `http://` on a loopback address (local stand-ins). */
  url?: string;
  /** A fixed key list: no request is ever made. */
  keys?: SenderPublicKey[];
  /** The fetch to use (default: the global `fetch`). Receives an `AbortSignal` with the deadline. */
  fetch?: (
    url: string,
    init: { headers: Record<string, string>; signal: AbortSignal },
  ) => Promise<PublicKeyResponse>;
  /** Extra request headers, such as `authorization` (a GitHub token lifts the endpoint's rate limit). */
  headers?: Record<string, string>;
  /** Deadline of one fetch, in milliseconds (default 5,000). */
  timeoutMs?: number;
}

/**
 * One line of the answer to an alert: the SHA-256 of the token (hex), never the token, and
 * whether it was one of your live keys.
 *
 * @example
 * ```ts
 * const line: LeakFeedback = { token_hash: "9f86…0f00", token_type: "acme_api_key", label: "true_positive" };
 * ```
 */
export interface LeakFeedback {
  /** SHA-256 of the token's UTF-8 bytes, lower-case hex. */
  token_hash: string;
  /** The alert's `type`. */
  token_type: string;
  /** `true_positive`: one of your keys (now revoked); `false_positive`: not one. */
  label: "true_positive" | "false_positive";
}

/**
 * Options of `handleLeakAlert`.
 *
 * @example
 * ```ts
 * const options: LeakAlertOptions = {
 *   keyring,
 *   lookup: (hash) => db.keys.byHash(hash),
 *   revoke: (record) => db.keys.replace(record.id, record), // record.revokedAt is set
 *   gitlab: { url: process.env.GITLAB_LEAK_KEYS_URL as string },
 * };
 * ```
 */
export interface LeakAlertOptions {
  /** The keyring that issued the keys: it hashes each reported token for the lookup. */
  keyring: Pick<Keyring, "verifyKey">;
  /** Finds a record by its hash (the same lookup as for verification). */
  lookup: KeyLookup;
  /**
   * Revokes a key: receives its record with `revokedAt` set to now; store it in place of the
   * old one. Called once per key, even when alerts repeat. A throw answers 503 (senders retry).
   */
  revoke: (record: KeyRecord, leak: LeakDetails) => unknown;
  /** Your prefixes: a token with another prefix is a `false_positive` without any lookup. */
  prefixes?: readonly string[];
  /** GitHub's keys. Default: fetched from GitHub's URL. `false` refuses GitHub alerts. */
  github?: PublicKeySource | false;
  /** GitLab's keys: the URL GitLab gives you on request (no default), or a list. */
  gitlab?: PublicKeySource;
  /** Receives a `key-leaked` event per revoked key. */
  onEvent?: (event: KeyLeakedEvent) => void;
  /**
   * Told why an alert could not be handled (keys unreachable, a lookup or `revoke` that threw).
   * Default: one line on stderr. Errors never hold a token.
   */
  onError?: (error: Error) => void;
  /** Largest body accepted, in bytes (default 1 MiB: about 4,000 matches). Larger: 413. */
  maxBodyBytes?: number;
  /**
   * Requests accepted per client IP, checked before anything else (default 60 a minute).
   * `false` when your edge limits them.
   */
  rateLimit?: LeakAlertRateLimit | false;
  /** The clock, in epoch milliseconds (tests). */
  now?: () => number;
}

/**
 * The rate limit of the alert endpoint, per client IP.
 *
 * @example
 * ```ts
 * const rateLimit: LeakAlertRateLimit = { points: 120, per: 60, store: redisStore({ url: process.env.REDIS_URL }) };
 * ```
 */
export interface LeakAlertRateLimit {
  /** Requests allowed per window. */
  points: number;
  /** Window length in seconds. */
  per: number;
  /** Where the counters live (default: this process's memory; `redisStore` shares them across a fleet). */
  store?: KeyStore;
}

/**
 * An alert as received: the raw body bytes (never parsed and re-serialised: the signature
 * covers these exact bytes), the headers, and the client's IP (for the rate limit).
 *
 * @example
 * ```ts
 * const request: LeakAlertRequest = { body: rawBytes, headers: req.headers, ip: req.socket.remoteAddress };
 * ```
 */
export interface LeakAlertRequest {
  /** The body exactly as received. */
  body: Uint8Array;
  /** Headers by lower-case name, as an object (`req.headers`) or a function. */
  headers:
    | Record<string, string | string[] | undefined>
    | ((name: string) => string | string[] | undefined);
  /** The client's IP. */
  ip?: string;
}

/**
 * The answer to send: status, headers and body. On 200 the body is the feedback array (JSON);
 * otherwise an RFC 9457 problem with a fixed text.
 *
 * @example
 * ```ts
 * const answer: LeakAlertResponse = await onLeakAlert(request);
 * res.writeHead(answer.status, answer.headers).end(answer.body);
 * ```
 */
export interface LeakAlertResponse {
  /** 200, 400, 401, 413, 429 or 503. */
  status: number;
  /** `content-type`, `cache-control`, and `retry-after` on 429 and 503. */
  headers: Record<string, string>;
  /** The JSON body. */
  body: string;
  /** On 200: one line per distinct token, in the alert's order. */
  feedback?: LeakFeedback[];
}

/**
 * Handles one alert. Created by `handleLeakAlert`; `maxBodyBytes` tells an adapter how much
 * to read.
 *
 * @example
 * ```ts
 * const onLeakAlert: LeakAlertHandler = handleLeakAlert({ keyring, lookup, revoke });
 * ```
 */
export interface LeakAlertHandler {
  /** Verifies, parses, revokes, and returns the answer to send. Never throws for a request. */
  (request: LeakAlertRequest): Promise<LeakAlertResponse>;
  /** The largest body the handler accepts, in bytes. */
  readonly maxBodyBytes: number;
}
