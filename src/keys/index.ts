/**
 * secrets-loader/keys: issue, verify and rotate the API keys a service hands to its own
 * customers. Keys are prefixed and checksummed (so leaks are recognisable and typos are
 * refused before any lookup), stored only as an HMAC under a server-side pepper, scoped,
 * IP-restricted, short-lived, and every verification is reported as an event.
 *
 * This entry loads neither the secrets client nor any provider: pass the pepper as a string
 * or a function (which may call `getSecret`).
 *
 * @example
 * ```ts
 * import { createKeyring } from "secrets-loader/keys";
 * const keys = createKeyring({ pepper: process.env.KEYS_PEPPER as string });
 * const { key, record } = await keys.issueKey({ prefix: "acme_live_", scopes: ["read"] });
 * ```
 * @packageDocumentation
 */

import { BrowserUsageError } from "../errors.js";

BrowserUsageError.refuseClientRuntime();

// The limiter, its stores and the watcher load their packages (rate-limiter-flexible, ioredis)
// on first use, not here.
export * from "./anomaly/watcher.js";
export { ApiKeyCheckError, type KeyRotationCode, KeyRotationError } from "./errors.js";
export { listExpiring } from "./expiring.js";
export {
  checkKey,
  isValidPrefix,
  keyPattern,
  type ParsedKey,
  type ParseResult,
  parseKey,
} from "./format.js";
export type { Duration } from "./key-ttl.js";
export {
  createKeyring,
  type IssuedKey,
  type IssueOptions,
  type Keyring,
  type KeyringOptions,
  MAX_KEY_LIFETIME,
  type RotatedKey,
  type RotateOptions,
  type VerifyOptions,
} from "./keyring.js";
export * from "./leak-alert/exports.js";
export {
  createKeyLimiter,
  type KeyLimiter,
  type KeyLimiterOptions,
  type LimitDecision,
  type LimitKey,
  type LimitSubject,
  type QuotaRule,
  type RateLimitRule,
} from "./limits/limiter.js";
export {
  type KeyStore,
  type MemoryKeyStore,
  memoryStore,
  type RedisClientLike,
  type RedisKeyStore,
  type RedisMultiLike,
  type RedisStoreOptions,
  redisStore,
} from "./limits/store.js";
export { jsonLinesLogger, type LineSink } from "./log.js";
export type { NamedPepper } from "./pepper.js";
export type {
  KeyEvent,
  KeyExpiringEvent,
  KeyLookup,
  KeyRecord,
  KeyUsageEvent,
  LimiterStoreEvent,
  PepperSource,
  StoredKeyRecord,
  VerifyReason,
  VerifyResult,
} from "./types.js";
