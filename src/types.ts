/**
 * The shapes shared by the client, the cache and every provider.
 * Nothing here imports a cloud SDK.
 */

import type { SecretsEvent } from "./events.js";

/**
 * A parsed, normalised secret reference such as `aws-sm://prod/db?versionStage=AWSPREVIOUS#password`.
 *
 * @example
 * ```ts
 * import { parseReference } from "secrets-loader";
 * const ref = parseReference("vault://secret/app?version=2#password");
 * ref.scheme;  // "vault"
 * ref.path;    // "secret/app"
 * ref.options; // { version: "2" }
 * ref.field;   // ["password"]
 * ```
 */
export interface ParsedRef {
  /** The reference exactly as the caller wrote it. */
  readonly raw: string;
  /** Lower-case scheme, for example `aws-sm`. */
  readonly scheme: string;
  /** Provider-specific path, normalised (no leading slashes unless the scheme keeps them). */
  readonly path: string;
  /** Options from the query string, validated against the scheme's allowed names. */
  readonly options: Readonly<Record<string, string>>;
  /** Dot-path of a JSON field selected with `#a.b.c`, split into segments. */
  readonly field?: readonly string[];
  /**
   * Canonical form of everything that selects the stored value (scheme, path,
   * sorted options), without `#field`. Two references with the same `source`
   * share one provider call and one cache entry.
   */
  readonly source: string;
  /** Canonical form of the whole reference, `source` plus `#field`. */
  readonly canonical: string;
}

/**
 * The shape a requested value is returned in.
 *
 * @example
 * ```ts
 * const type: ValueType = "json";
 * await secrets.getSecret("env://APP_CONFIG", { type });
 * ```
 */
export type ValueType = "string" | "json" | "binary";

/**
 * A JSON value as returned by `{ type: "json" }`.
 *
 * @example
 * ```ts
 * const flags: JsonValue = await secrets.getSecret("env://FLAGS", { type: "json" });
 * ```
 */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

/**
 * What a provider returns for one secret. The value never appears in any
 * message, event or error; only the metadata does.
 *
 * @example
 * ```ts
 * const fetched: FetchedSecret = { value: "s3cr3t", version: "v7", expiresAt: Date.now() + 60_000 };
 * ```
 */
export interface FetchedSecret {
  /** The raw value: a string, or bytes for binary secrets. */
  value: string | Uint8Array;
  /** The provider's version id or stage, when it has one. */
  version?: string;
  /**
   * The provider's own expiry (epoch ms): a lease end, a token's `exp`, a
   * secret's `expiresOn`. The cache never serves the value past this instant.
   */
  expiresAt?: number;
  /**
   * How long before `expiresAt` the provider wants a renewal to start, in ms.
   * The cache starts refreshing at the earlier of this and its `refreshAhead` share.
   */
  refreshBefore?: number;
}

/**
 * What a provider returns from `getCredentials`.
 *
 * @typeParam T - the provider-specific credential shape (for example an AWS `AwsCredentialIdentity`).
 * @example
 * ```ts
 * const issued: IssuedCredentials<{ token: string }> = {
 *   value: { token: "t0k3n" },
 *   expiresAt: Date.now() + 3_600_000,
 * };
 * ```
 */
export interface IssuedCredentials<T = unknown> {
  /** The credential object handed to the caller. Every string in it is masked by `redact()`. */
  value: T;
  /** Real expiry (epoch ms). Credentials are never served at or past it. */
  expiresAt?: number;
  /** How long before `expiresAt` renewal should start, in ms (default: the cache's `credentialRefreshLead`). */
  refreshBefore?: number;
  /** An identifier safe to log, such as an access key id or a lease id. */
  version?: string;
}

/**
 * Policy settings passed to every provider call.
 *
 * @example
 * ```ts
 * const policy: SecretsPolicy = { requireShortLived: true };
 * ```
 */
export interface SecretsPolicy {
  /** Refuse long-lived static credentials (for example `AKIA…` keys used directly). */
  requireShortLived?: boolean;
}

/**
 * Context handed to a provider on every call.
 *
 * @example
 * ```ts
 * const provider: SecretProvider = {
 *   name: "static",
 *   scheme: "static",
 *   async getSecret(ref, ctx) {
 *     if (ctx.policy.requireShortLived) { ... }
 *     return { value: "v" };
 *   },
 * };
 * ```
 */
export interface FetchContext {
  /** The client's policy. */
  readonly policy: Readonly<SecretsPolicy>;
  /** Emits a typed event; a no-op when nobody listens. Never pass a value. */
  readonly emit: (event: SecretsEvent) => void;
  /** Aborted when the client is closed. */
  readonly signal: AbortSignal;
}

/**
 * How a provider's references are validated by the parser. Built-in schemes
 * have their own rules; a custom scheme gets the generic rules plus these.
 *
 * @example
 * ```ts
 * const spec: ReferenceSpec = { options: ["region"], example: "kv://team/db#password" };
 * ```
 */
export interface ReferenceSpec {
  /** Allowed option names for `?name=value`. Default: none allowed. */
  options?: readonly string[];
  /** A correct example, quoted in parse errors. */
  example?: string;
  /** Returns a problem description for a bad path, or `undefined` when it is fine. */
  validatePath?: (path: string) => string | undefined;
}

/**
 * Metadata about a secret, for `secrets doctor` (rotation age and the like).
 * Never contains the value.
 *
 * @example
 * ```ts
 * const meta: SecretMetadata = { rotationEnabled: true, lastRotated: new Date("2026-10-01") };
 * ```
 */
export interface SecretMetadata {
  /** Whether the backend rotates this secret on a schedule. */
  rotationEnabled?: boolean;
  /** Rotation interval in days, when the backend has one. */
  rotationDays?: number;
  /** When the value last changed by rotation. */
  lastRotated?: Date;
  /** When the value or its metadata last changed. */
  lastChanged?: Date;
  /** When the next rotation is due. */
  nextRotation?: Date;
  /** When the secret itself expires, if it does. */
  expiresAt?: Date;
  /** Anything else worth showing, already safe to print. */
  details?: Record<string, string | number | boolean | undefined>;
}

/**
 * The identity a provider authenticates as, for `secrets doctor` (least
 * privilege, short-lived credentials). Every field is optional and safe to print.
 *
 * @example
 * ```ts
 * const id: ProviderIdentity = { principal: "arn:aws:sts::123456789012:assumed-role/api/s1", kind: "assumed-role", shortLived: true };
 * ```
 */
export interface ProviderIdentity {
  /** ARN, service-account e-mail, client id or token accessor. */
  principal?: string;
  /** For example `root`, `iam-user`, `assumed-role`, `service-account-key`, `impersonated`, `managed-identity`, `client-secret`, `token`. */
  kind?: string;
  /** True for credentials that expire by themselves (STS, impersonation, workload identity, TTL'd tokens). */
  shortLived?: boolean;
  /** When the current credentials expire. */
  expiresAt?: Date | number | string;
  /** True when the identity has administrator rights (AWS root or AdministratorAccess, Vault `root` policy). */
  admin?: boolean;
  /** Attached policies (Vault token policies, AWS managed policy names). */
  policies?: readonly string[];
  /** Token time to live in seconds (Vault). */
  ttlSeconds?: number;
  /** Whether the token can be renewed (Vault). */
  renewable?: boolean;
}

/**
 * A backend: a plain object made by a factory, such as `envProvider()`.
 * Implement `getSecret`; the rest is optional.
 *
 * @example
 * ```ts
 * import { createSecrets, type SecretProvider } from "secrets-loader";
 *
 * const memory = (data: Record<string, string>): SecretProvider => ({
 *   name: "memory",
 *   scheme: "mem",
 *   async getSecret(ref) {
 *     const value = data[ref.path];
 *     if (value === undefined) throw new NotFoundError({ provider: "memory", reference: ref.raw });
 *     return { value };
 *   },
 * });
 * const secrets = createSecrets({ providers: { memory: memory({ key: "v" }) } });
 * await secrets.getSecret("mem://key");
 * ```
 */
export interface SecretProvider {
  /** Short provider name used in events, errors and `getCredentials(name, ...)`. */
  readonly name: string;
  /** The reference scheme(s) this provider serves. */
  readonly scheme: string | readonly string[];
  /** Parser rules for a custom scheme; ignored for built-in schemes. */
  readonly referenceSpec?: ReferenceSpec;
  /** Fetch one secret. Throw the core's typed errors, keeping the SDK's error as `cause`. */
  getSecret(ref: ParsedRef, ctx: FetchContext): Promise<FetchedSecret>;
  /**
   * Fetch many secrets at once where the backend has a batch API. Returns one
   * result per input, in order: a value or the error for that reference.
   */
  getSecrets?(refs: readonly ParsedRef[], ctx: FetchContext): Promise<Array<FetchedSecret | Error>>;
  /** Issue short-lived credentials. */
  getCredentials?(request: unknown, ctx: FetchContext): Promise<IssuedCredentials>;
  /** Metadata for the doctor (rotation dates etc.). */
  describe?(ref: ParsedRef, ctx: FetchContext): Promise<SecretMetadata>;
  /** Who the provider authenticates as, for the doctor's least-privilege and short-lived checks. */
  identity?(ctx?: FetchContext): Promise<ProviderIdentity>;
  /** Revoke leases, stop timers, close connections. */
  close?(): Promise<void>;
}

/**
 * A provider, or a function that creates one on first use (so its module and
 * SDK load only when a reference needs it).
 *
 * @example
 * ```ts
 * const lazy: ProviderInput = {
 *   scheme: "mem",
 *   create: async () => (await import("./memory.js")).memoryProvider(),
 * };
 * ```
 */
export type ProviderInput =
  | SecretProvider
  | {
      /** Schemes served, needed before the provider exists so references can be routed. */
      readonly scheme: string | readonly string[];
      /** Parser rules for a custom scheme. */
      readonly referenceSpec?: ReferenceSpec;
      /** Creates the provider the first time one of its references is used. */
      readonly create: () => SecretProvider | Promise<SecretProvider>;
    };
