// Rate limits, quotas and their stores (re-exported by secrets-loader/keys).
export {
  createKeyLimiter,
  type KeyLimiter,
  type KeyLimiterOptions,
  type LimitDecision,
  type LimitKey,
  type LimitSubject,
  type QuotaRule,
  type RateLimitRule,
} from "./limiter.js";
export {
  type KeyStore,
  type MemoryKeyStore,
  memoryStore,
  type RedisClientLike,
  type RedisKeyStore,
  type RedisMultiLike,
  type RedisStoreOptions,
  redisStore,
} from "./store.js";
