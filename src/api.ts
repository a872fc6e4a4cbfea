/**
 * The public shapes of the client API: options, per-call options, load()
 * specs and results, and the `Secrets` interface. Implementation: client/secrets-client.ts.
 */

import type { Duration } from "./duration.js";
import type { SecretsListener } from "./events.js";
import type { CredentialsMap } from "./provider/credentials.js";

// Declared in the provider kit (each provider adds its entry there); re-exported for the client's users.
export type { CredentialsEntry, CredentialsMap } from "./provider/credentials.js";

import type { ProviderInput, ProviderOperations } from "./provider/define.js";
import type { CallContext, JsonValue, SecretMetadata, SecretsPolicy, ValueType } from "./types.js";

/**
 * Cache settings. Durations are ms numbers or strings such as `"5m"`.
 *
 * @example
 * ```ts
 * createSecrets({ cache: { maxAge: "5m", refreshAhead: 0.1, maxStale: "1h", maxEntries: 10_000 } });
 * ```
 */
export interface CacheOptions {
  /** Longest time a static secret is served before it is fetched again. Default `"5m"`. */
  maxAge?: Duration;
  /** Share of a value's life, at its end, in which one background refresh runs (0-1). Default `0.1`. */
  refreshAhead?: number;
  /** How long past expiry a static secret may be served while its provider fails. Default `"1h"`; `0` disables. */
  maxStale?: Duration;
  /** Most entries kept; the least recently used is evicted. Default `10_000`. */
  maxEntries?: number;
  /** Default renewal lead for credentials and leases, before their real expiry. Default `"5m"` (at most half their life). */
  credentialRefreshLead?: Duration;
  /**
   * How long a caller waits on a refresh, when a stale value exists, before it
   * is served that value (with a `stale` event). Default `250` ms.
   */
  staleWait?: Duration;
  /** The longest wait before retrying a provider that keeps failing (backoff doubles from 1 s). Default `"60s"`. */
  maxBackoff?: Duration;
  /**
   * How long a lease replaced by a re-issue is kept before it is revoked, so
   * callers holding the old credentials can finish. Default `"30s"`.
   */
  leaseGrace?: Duration;
}

/**
 * Options every call that may reach a provider accepts.
 *
 * @example
 * ```ts
 * await secrets.getSecret("aws-sm://prod/db", { timeout: "2s" });
 * await secrets.load({ DB: "env://DB" }, { timeout: 500 });
 * ```
 */
export interface CallOptions {
  /** The deadline of each provider call this makes; past it the call is aborted and counts as unavailable. Default: the client's `timeout`. */
  timeout?: Duration;
}

/**
 * Options of {@link createSecrets}.
 *
 * @example
 * ```ts
 * const secrets = createSecrets({
 *   providers: { env: envProvider({ dotenvPath: ".env" }) },
 *   cache: { maxAge: "10m" },
 *   policy: { requireShortLived: true },
 *   onEvent: (e) => audit.log(e),
 * });
 * ```
 */
export interface SecretsOptions {
  /** Providers by name, each made by `defineProvider` (`awsProvider({ region })`); created on first use. */
  providers?: Record<string, ProviderInput>;
  /** Register the built-in providers for schemes not given in `providers`. Default `true`. */
  builtins?: boolean;
  /** Cache settings. */
  cache?: CacheOptions;
  /** Policy applied to every provider call. */
  policy?: SecretsPolicy;
  /** Receives every event (never a value). */
  onEvent?: SecretsListener;
  /**
   * The deadline of every provider call (a fetch, a batch, credentials, a
   * renewal). Past it the call is aborted through its signal and counts as
   * unavailable, so a stale value may answer. Default `"10s"`; per call: `{ timeout }`.
   */
  timeout?: Duration;
  /**
   * The one budget of `close()`: answers still being read, every revocation
   * (in parallel, retried with backoff) and each provider's own close share
   * it. Default `"3s"`. What is still live then is listed in its result.
   */
  closeTimeout?: Duration;
}

/**
 * A lease the client caused and could not revoke: loggable ids, never a value.
 *
 * @example
 * ```ts
 * const left: UnrevokedLease = { provider: "vault", reference: "vault://database/creds/ro", lease: "database/creds/ro/abc" };
 * ```
 */
export interface UnrevokedLease {
  /** The provider's registered name. */
  readonly provider: string;
  /** The reference or credentials label it was issued for. */
  readonly reference: string;
  /** The backend's lease id (an identifier, not a credential). */
  readonly lease: string;
}

/**
 * What `close()` resolves to: the leases it could not revoke within its
 * budget (loggable ids, never a value), whether the budget ran out, and how
 * long it took.
 *
 * @example
 * ```ts
 * const result: CloseResult = await secrets.close();
 * for (const l of result.leftLive) console.warn(`lease ${l.lease} (${l.provider}) is still live`);
 * ```
 */
export interface CloseResult {
  /** Leases this client caused that are still live on their backend (each ends at its expiry). */
  readonly leftLive: readonly UnrevokedLease[];
  /** True when the budget (`closeTimeout`) ran out before everything was done. */
  readonly timedOut: boolean;
  /** How long close() took, in ms. */
  readonly durationMs: number;
}

/**
 * Per-call options of `getSecret`.
 *
 * @example
 * ```ts
 * await secrets.getSecret("aws-sm://prod/config", { type: "json" });
 * ```
 */
export interface GetOptions<T extends ValueType = ValueType> extends CallOptions {
  /** `string` (default), `json` (parsed, frozen) or `binary` (Uint8Array; base64 text is decoded). */
  type?: T;
}

/**
 * The value type that a {@link ValueType} yields.
 *
 * @example
 * ```ts
 * type Bytes = ValueOf<"binary">; // Uint8Array
 * ```
 */
export type ValueOf<T extends ValueType> = T extends "json"
  ? JsonValue
  : T extends "binary"
    ? Uint8Array
    : string;

/**
 * One entry of a {@link LoadSpec}: a reference, or a reference with options.
 *
 * @example
 * ```ts
 * const entry: LoadEntry = { ref: "aws-sm://prod/flags", type: "json", optional: true };
 * ```
 */
export type LoadEntry =
  | string
  | {
      /** The reference, such as `aws-sm://prod/db#password`. */
      ref: string;
      /** Value shape: `string` (default), `json` or `binary`. */
      type?: ValueType;
      /** Resolve to `undefined` instead of failing when the secret does not exist. */
      optional?: boolean;
    };

/**
 * What `load()` takes: names mapped to references.
 *
 * @example
 * ```ts
 * const spec = { DB_PASSWORD: "vault://secret/db#password", FLAGS: { ref: "env://FLAGS", type: "json" } } satisfies LoadSpec;
 * ```
 */
export type LoadSpec = Record<string, LoadEntry>;

/**
 * The value type one {@link LoadEntry} resolves to.
 *
 * @example
 * ```ts
 * type T = EntryValue<{ ref: "env://X"; type: "json"; optional: true }>; // JsonValue | undefined
 * ```
 */
export type EntryValue<E> = E extends string
  ? string
  : E extends Exclude<LoadEntry, string>
    ?
        | (E["type"] extends ValueType ? ValueOf<E["type"]> : string)
        | (E["optional"] extends true ? undefined : never)
    : never;

/**
 * What `load()` resolves to: the same names, each with its typed value.
 *
 * @example
 * ```ts
 * const config: LoadResult<{ A: "env://A"; B: { ref: "env://B"; type: "json" } }> = await secrets.load({ A: "env://A", B: { ref: "env://B", type: "json" } });
 * config.B; // JsonValue
 * ```
 */
export type LoadResult<S extends LoadSpec> = { -readonly [K in keyof S]: EntryValue<S[K]> };

/**
 * A secrets client. Create one with {@link createSecrets}, or use the
 * zero-config functions `getSecret`, `getCredentials` and `load`.
 *
 * @example
 * ```ts
 * const secrets = createSecrets();
 * const key = await secrets.getSecret("env://PAYMENT_API_KEY");
 * await secrets.close();
 * ```
 */
export interface Secrets {
  /**
   * Resolves one reference. Served from the cache while fresh; concurrent
   * calls for the same secret share one provider call.
   *
   * @param ref - A reference such as `aws-sm://prod/db#password`, validated
   *   before any I/O ([References](../docs/references.md)).
   * @throws A `SecretsError` whose `code` says why; the codes, and the
   *   `options` of the second form (`type`, `timeout`), are listed at
   *   {@link getSecret}.
   *
   * @example
   * ```ts
   * const password = await secrets.getSecret("aws-sm://prod/db#password");
   * const config = await secrets.getSecret("env://APP_CONFIG", { type: "json" });
   * ```
   */
  getSecret(ref: string): Promise<string>;
  /**
   * Resolves one reference in the requested shape (`json` is parsed and
   * frozen; `binary` is a fresh Uint8Array copy).
   *
   * @example
   * ```ts
   * const flags = await secrets.getSecret("env://FLAGS", { type: "json" });
   * const cert = await secrets.getSecret("aws-sm://prod/tls-key", { type: "binary" });
   * ```
   */
  getSecret<T extends ValueType = "string">(
    ref: string,
    options: GetOptions<T>,
  ): Promise<ValueOf<T>>;
  /**
   * Short-lived credentials from a provider (`aws`, `gcp`, `azure`, `vault` ...),
   * cached and renewed before they expire. Typed by {@link CredentialsMap}.
   *
   * @param provider - The provider's name.
   * @param request - What to issue; each provider's fields are listed at {@link getCredentials}.
   * @param options - `timeout`: the deadline of each provider call this makes.
   * @throws A `SecretsError`; the codes are listed at {@link getCredentials}.
   *
   * @example
   * ```ts
   * const creds = await secrets.getCredentials("aws", { roleArn, sessionName: "api" }); // AwsCredentialIdentity
   * ```
   */
  getCredentials<N extends keyof CredentialsMap>(
    provider: N,
    request?: NoInfer<CredentialsMap[N]["request"]>,
    options?: CallOptions,
  ): Promise<CredentialsMap[N]["credentials"]>;
  /**
   * Credentials from a provider that is not in {@link CredentialsMap}.
   *
   * @example
   * ```ts
   * const creds = await secrets.getCredentials("custom", { scope: "read" });
   * ```
   */
  getCredentials<P extends string>(
    provider: P extends keyof CredentialsMap ? never : P,
    request?: unknown,
    options?: CallOptions,
  ): Promise<unknown>;
  /**
   * Resolves many references concurrently (with a provider's batch API where
   * it has one). Fails with ONE {@link LoadError} listing every failure.
   *
   * @param spec - Names to references, or to `{ ref, type, optional }` (see {@link load}).
   * @param options - `timeout`: the deadline of each provider call this makes.
   * @throws {@link LoadError} (`LOAD_FAILED`) naming every failed entry and its code.
   *
   * @example
   * ```ts
   * const { DB_PASSWORD, STRIPE_KEY } = await secrets.load({
   *   DB_PASSWORD: "vault://secret/db#password",
   *   STRIPE_KEY: "aws-sm://prod/stripe",
   * });
   * ```
   */
  load<S extends LoadSpec>(spec: S, options?: CallOptions): Promise<LoadResult<S>>;
  /**
   * Rotation and expiry metadata, or `undefined` when the provider has none.
   *
   * @example
   * ```ts
   * const meta = await secrets.describe("aws-sm://prod/db");
   * ```
   */
  describe(ref: string, options?: CallOptions): Promise<SecretMetadata | undefined>;
  /**
   * Drops a cached secret (all of its `#field`s); the next call fetches again.
   * A fetch in flight for it is not cached.
   *
   * @example
   * ```ts
   * secrets.invalidate("aws-sm://prod/db");
   * ```
   */
  invalidate(ref: string): boolean;
  /**
   * Drops cached credentials of a provider: those of one request, or all of them.
   *
   * @example
   * ```ts
   * secrets.invalidateCredentials("aws");
   * ```
   */
  invalidateCredentials(provider: string, request?: unknown): number;
  /**
   * Empties the cache.
   *
   * @example
   * ```ts
   * secrets.clear();
   * ```
   */
  clear(): void;
  /**
   * Subscribes to events; returns the unsubscribe function.
   *
   * @example
   * ```ts
   * const off = secrets.on((e) => console.log(e.type, e.reference));
   * ```
   */
  on(listener: SecretsListener): () => void;
  /**
   * Registers a provider after creation (replacing one of the same name).
   *
   * @example
   * ```ts
   * secrets.register("memory", memoryProvider({ key: "value" }));
   * ```
   */
  register(name: string, provider: ProviderInput): void;
  /**
   * The provider instance registered under `name`, created if needed.
   *
   * @example
   * ```ts
   * const env = await secrets.provider("env");
   * ```
   */
  provider(name: string): Promise<ProviderOperations>;
  /**
   * Runs `fn` against the provider named `name` under the client's deadline:
   * `call.signal` fires on the deadline (or `close()`), and the caller gets an
   * `UnavailableError` by then even if `fn` ignores it. For tools that ask a
   * provider more than the API does (the doctor's identity and evidence).
   *
   * @example
   * ```ts
   * const id = await secrets.withProvider("aws", (p, call) => p.identity!(call), { timeout: "5s" });
   * ```
   */
  withProvider<T>(
    name: string,
    fn: (provider: ProviderOperations, call: CallContext) => Promise<T>,
    options?: CallOptions,
  ): Promise<T>;
  /**
   * Stops every timer, drops the cache, revokes every lease the client
   * caused (answers still being read included), then calls each provider's
   * `close()`, all within `closeTimeout` (default 3 s). Safe to call twice or
   * concurrently (one result); `await using` calls it too.
   *
   * @example
   * ```ts
   * process.on("SIGTERM", async () => {
   *   const { leftLive } = await secrets.close();
   *   for (const l of leftLive) console.warn(`lease ${l.lease} of ${l.provider} left live`);
   * });
   * ```
   */
  close(): Promise<CloseResult>;
  /** `close()`, for `await using secrets = createSecrets()`. */
  [Symbol.asyncDispose](): Promise<void>;
}
