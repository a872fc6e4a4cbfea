/**
 * Where the rate limiter and the anomaly watcher keep their counters: in this process's memory
 * (the default), or in Redis so that every instance of a fleet shares them.
 *
 * `ioredis` is an optional peer: it is imported only when a Redis store is given a URL instead
 * of a client, and a missing package fails with a {@link MissingDependencyError} naming it.
 */
import { MissingDependencyError } from "../../errors.js";

/**
 * The subset of an `ioredis` client this module uses. Any `new Redis(...)` satisfies it.
 *
 * @example
 * ```ts
 * import { Redis } from "ioredis";
 * const client: RedisClientLike = new Redis("redis://127.0.0.1:6379");
 * ```
 */
export interface RedisClientLike {
  /** ioredis's connection state ("ready", "reconnecting", "end" ...). */
  readonly status?: string;
  /** Starts a MULTI transaction. */
  multi(): RedisMultiLike;
  /** Closes the connection after pending replies. */
  quit(): Promise<unknown>;
  /** Closes the connection at once. */
  disconnect(): void;
}

/**
 * A MULTI transaction of an `ioredis` client (only the commands the watcher uses).
 *
 * @example
 * ```ts
 * const [[, added]] = (await client.multi().sadd("k", "v").exec()) ?? [];
 * ```
 */
export interface RedisMultiLike {
  /** ZADD: adds a member to a sorted set. */
  zadd(key: string, score: number, member: string): RedisMultiLike;
  /** ZREMRANGEBYSCORE: removes the members scored between min and max. */
  zremrangebyscore(key: string, min: number, max: number): RedisMultiLike;
  /** ZCARD: counts a sorted set's members. */
  zcard(key: string): RedisMultiLike;
  /** PEXPIRE: sets a key's time to live in milliseconds. */
  pexpire(key: string, ms: number): RedisMultiLike;
  /** SADD: adds a member to a set. */
  sadd(key: string, member: string): RedisMultiLike;
  /** SCARD: counts a set's members. */
  scard(key: string): RedisMultiLike;
  /** ZREMRANGEBYRANK: removes the members ranked between start and stop (lowest score first). */
  zremrangebyrank(key: string, start: number, stop: number): RedisMultiLike;
  /** SET key value PX ms NX: sets the key only if it does not exist, with a time to live. */
  set(key: string, value: string, px: "PX", ms: number, nx: "NX"): RedisMultiLike;
  /** Runs the transaction: one `[error, result]` per command, or null if it was aborted. */
  exec(): Promise<[error: Error | null, result: unknown][] | null>;
}

/**
 * Counters kept in this process. Limiters and watchers given the same memory store share the
 * watcher's state; rate limits are per limiter.
 *
 * @example
 * ```ts
 * const store = memoryStore();
 * const limiter = createKeyLimiter({ store, limits: [{ by: "key", points: 100, per: 60 }] });
 * ```
 */
export interface MemoryKeyStore {
  /** Tells the stores apart. */
  readonly kind: "memory";
  /** @internal Rolling windows: name -> sorted timestamps (ms). */
  readonly windows: Map<string, number[]>;
  /**
   * @internal Remembered sets: name -> members in least recently used order (a Map keeps
   * insertion order), forgotten together at `until` (ms).
   */
  readonly sets: Map<string, { members: Map<string, true>; until: number }>;
}

/**
 * Counters kept in Redis, shared by every process that points at the same server and prefix.
 *
 * @example
 * ```ts
 * const store = redisStore({ url: "redis://127.0.0.1:6379", prefix: "acme:" });
 * // ... later, on shutdown:
 * await store.close();
 * ```
 */
export interface RedisKeyStore {
  /** Tells the stores apart. */
  readonly kind: "redis";
  /** Prepended to every Redis key this module writes. */
  readonly prefix: string;
  /** How long one store operation may take before it counts as a store failure (ms). */
  readonly timeoutMs: number;
  /** The client, connecting (and importing `ioredis`) on first use when built from a URL. */
  client(): Promise<RedisClientLike>;
  /** Closes the client if this store created it; a client passed in is left to its owner. */
  close(): Promise<void>;
}

/**
 * A memory store or a Redis store.
 *
 * @example
 * ```ts
 * const store: KeyStore = process.env.REDIS_URL ? redisStore({ url: process.env.REDIS_URL }) : memoryStore();
 * ```
 */
export type KeyStore = MemoryKeyStore | RedisKeyStore;

/**
 * A store in this process's memory: the default, right for a single instance.
 *
 * @example
 * ```ts
 * const store = memoryStore();
 * ```
 */
export function memoryStore(): MemoryKeyStore {
  return { kind: "memory", windows: new Map(), sets: new Map() };
}

/**
 * Options of {@link redisStore}: pass either an `ioredis` client you own, or a URL.
 *
 * @example
 * ```ts
 * const options: RedisStoreOptions = { url: "redis://127.0.0.1:6379", timeoutMs: 100 };
 * ```
 */
export interface RedisStoreOptions {
  /** An `ioredis` client; you close it. */
  client?: RedisClientLike;
  /** `redis://host:port/db`: the store creates (and closes) its own `ioredis` client. */
  url?: string;
  /** Prefix of every key written (default `"sl:keys:"`). */
  prefix?: string;
  /**
   * How long a store operation may take before it is a failure (default 250 ms): a Redis that
   * stops answering then fails open or closed quickly instead of holding every request.
   */
  timeoutMs?: number;
}

/**
 * A store in Redis through `ioredis` (an optional peer), shared by a fleet.
 *
 * @example
 * ```ts
 * const store = redisStore({ url: process.env.REDIS_URL });
 * const limiter = createKeyLimiter({ store, limits: [{ by: "key", points: 100, per: 60 }] });
 * const watcher = createAnomalyWatcher({ store, onAlert: console.warn });
 * ```
 */
export function redisStore(options: RedisStoreOptions): RedisKeyStore {
  const { client, url } = options;
  if (!client === !url) throw new TypeError("redisStore: pass exactly one of `client` or `url`");
  let own: Promise<RedisClientLike> | undefined;
  return {
    kind: "redis",
    prefix: options.prefix ?? "sl:keys:",
    timeoutMs: options.timeoutMs ?? 250,
    client() {
      if (client) return Promise.resolve(client);
      own ??= connect(url as string, this.timeoutMs);
      return own;
    },
    async close() {
      if (!own) return;
      const c = await own.catch(() => undefined);
      own = undefined;
      if (!c) return;
      // quit() waits for Redis to answer; a Redis that is gone would hold it forever.
      await Promise.race([c.quit().catch(() => {}), sleep(500)]);
      c.disconnect();
    },
  };
}

async function connect(url: string, timeoutMs: number): Promise<RedisClientLike> {
  const { Redis } = await loadIoredis();
  const c = new Redis(url, {
    // While disconnected, commands fail at once: the limiter then decides what a failure means
    // (open or closed) instead of queueing requests behind a Redis that is down, to be replayed
    // (and counted) when it comes back.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    // Keep reconnecting, at most every 2 s, for as long as the process runs.
    retryStrategy: (times: number) => Math.min(times * 100, 2000),
  });
  // Without a listener, ioredis reports every failed reconnect as an unhandled 'error'.
  c.on("error", () => {});
  // Give the first connection a moment, so the first requests do not fail for want of it.
  if (c.status !== "ready") {
    await Promise.race([new Promise((r) => c.once("ready", r)), sleep(Math.max(timeoutMs, 1000))]);
  }
  return c as unknown as RedisClientLike;
}

/**
 * `import("ioredis")`, turning "not installed" into an error that names the package. (The core's
 * importPeer does the same for providers; this entry imports only the core's errors, so that
 * it loads no other core module.)
 */
// A parameter, not a constant: a minifier could inline a constant into a literal import().
const importByName = (name: string): Promise<unknown> =>
  import(/* webpackIgnore: true */ /* turbopackIgnore: true */ /* @vite-ignore */ name);

async function loadIoredis() {
  try {
    // Imported by name at run time, out of every bundler's sight (as the core's importPeer does):
    // a server bundle must build without ioredis installed.
    return (await importByName("ioredis")) as typeof import("ioredis");
  } catch (cause) {
    const code = (cause as { code?: string } | null)?.code;
    if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") {
      throw new MissingDependencyError({ provider: "keys", packageName: "ioredis", cause });
    }
    throw cause;
  }
}

const sleep = (ms: number) =>
  new Promise<void>((r) => {
    setTimeout(r, ms).unref();
  });

/**
 * Runs a store operation with the store's time limit.
 * @internal
 */
export async function withTimeout<T>(what: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`key store did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([what, limit]);
  } finally {
    clearTimeout(timer);
  }
}
