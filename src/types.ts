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
 * A JSON object: what a backend that stores maps (Vault KV, a leased login)
 * returns as a secret's value.
 *
 * @example
 * ```ts
 * const login: JsonObject = { username: "app", password: "s3cr3t" };
 * ```
 */
export type JsonObject = { [key: string]: JsonValue };

/**
 * A lease on a value or on credentials: something the backend issued and will
 * end by itself, that the provider may extend (`renew`) or end early (`revoke`).
 *
 * @typeParam D - what the provider needs back to renew or revoke it (opaque to the client).
 * @example
 * ```ts
 * const lease: Lease<{ namespace: string }> = {
 *   id: "database/creds/ro/8Kx2",
 *   renewable: true,
 *   maxExpiresAt: Date.now() + 86_400_000,
 *   data: { namespace: "team-a" },
 * };
 * ```
 */
export interface Lease<D = unknown> {
  /** The backend's lease id; safe to log (it is not the credential). */
  readonly id: string;
  /** Whether `renew(lease)` can extend it. */
  readonly renewable: boolean;
  /** The latest instant a renewal can reach (epoch ms); past it the provider must issue anew. */
  readonly maxExpiresAt?: number;
  /**
   * The provider's own data for this lease (a namespace, a mount), handed back
   * unchanged to `renew` and `revoke`. Never logged; never put a secret in it.
   */
  readonly data?: D;
}

/**
 * Anything a provider hands out that has a lifetime: a secret's value, issued
 * credentials, a leased database login. The value never appears in any
 * message, event or error; only the metadata does. Every instant is epoch ms.
 *
 * Freshness is three things, each explicit:
 * - `expiresAt`: the real end. The value is never served at or past it.
 * - `refreshAt`: when to start renewing, if the provider knows better than
 *   the client's defaults (`cache.refreshAhead`, `cache.credentialRefreshLead`).
 * - `staleOnError`: whether the client may keep serving the value, past its
 *   `cache.maxAge` and for up to `cache.maxStale`, while refreshes fail.
 *   Default `true` for secrets; never for credentials; never past
 *   `expiresAt` in any case (so a value whose `expiresAt` comes before
 *   `cache.maxAge` is never served stale). Set `false` for a value that must
 *   not outlive a failed refresh (a one-time token).
 *
 * @typeParam V - the value: a string, bytes or a JSON object for secrets; any object for credentials.
 * @example
 * ```ts
 * const issued: Issued = { value: "s3cr3t", version: "v7", expiresAt: Date.now() + 60_000 };
 * const kv: Issued = { value: { username: "app", password: "s3cr3t" } };
 * const creds: Issued<{ token: string }> = {
 *   value: { token: "t0k3n" },
 *   expiresAt: Date.now() + 3_600_000,
 *   lease: { id: "auth/token/abc", renewable: true },
 * };
 * ```
 */
export interface Issued<V = string | Uint8Array | JsonObject> {
  /** The value: a string, bytes or a JSON object for a secret, an object for credentials. Every string in it is masked by `redact()`. */
  value: V;
  /** A version id, stage or key id that is safe to log. */
  version?: string;
  /** The real expiry (epoch ms): a lease end, a token's `exp`. Never served at or past it. */
  expiresAt?: number;
  /** When to start renewing (epoch ms), if the provider knows better than the client's defaults. */
  refreshAt?: number;
  /** Whether a stale copy may answer while refreshes fail (see above). Default `true` for secrets. */
  staleOnError?: boolean;
  /** The lease behind the value, if the backend issued one. */
  lease?: Lease;
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
  /**
   * Refuse reads whose root auth material is long-lived (an `AKIA…` key, a
   * service-account key, a client secret, a Vault root or non-expiring token),
   * checked by the client before any read from each provider's `authClass`.
   * `"strict"` also refuses material a provider cannot classify (`unknown`).
   */
  requireShortLived?: boolean | "strict";
}

/**
 * The client's expiry-aware, single-flight memo for a provider's own auth
 * material (a role session, a login token, a cloud access token). One `issue`
 * runs for any number of concurrent callers; the result is kept until shortly
 * before its `expiresAt` (the client's `cache.credentialRefreshLead`, at most
 * half its life) and never served past it.
 *
 * @example
 * ```ts
 * const token = await ctx.memo("login", async (signal) => {
 *   const t = await login({ signal });
 *   return { value: t.token, expiresAt: t.expiresAt, version: t.accessor };
 * });
 * ```
 */
export type Memo = <T>(
  key: string,
  issue: (signal: AbortSignal) => Promise<Issued<T>>,
) => Promise<T>;

/**
 * What a provider is given once, when it is created.
 *
 * @example
 * ```ts
 * const create = (ctx: ProviderContext) => {
 *   ctx.signal.addEventListener("abort", () => console.log("client closed"));
 *   return { getSecret: async () => ({ value: "v" }) };
 * };
 * ```
 */
export interface ProviderContext {
  /** The name the provider is registered under, as used in events and errors. */
  readonly name: string;
  /** The client's policy. */
  readonly policy: Readonly<SecretsPolicy>;
  /** Emits a typed event; a no-op when nobody listens. Never pass a value. */
  readonly emit: (event: SecretsEvent) => void;
  /** Aborted when the client is closed. */
  readonly signal: AbortSignal;
  /**
   * The client's memo for auth material; see {@link Memo}. Whether captured
   * at creation or taken from a call (`call.memo`), its issue runs under the
   * timeout of the provider call it serves (the client's `timeout` only
   * outside any call, such as a provider's own timer).
   */
  readonly memo: Memo;
}

/**
 * What a provider is given on every call: its context, with a `signal` of the
 * call's own that fires on the call's deadline or on `close()`. Pass it to
 * every network call (AWS SDK: `abortSignal`; fetch: `signal`).
 *
 * @example
 * ```ts
 * const operations = {
 *   async getSecret(ref: ParsedRef, call: CallContext) {
 *     const res = await fetch(`http://127.0.0.1:8200/${ref.path}`, { signal: call.signal });
 *     return { value: await res.text() };
 *   },
 * };
 * ```
 */
export interface CallContext extends ProviderContext {
  /** Fires on this call's deadline (as an `UnavailableError`) or on `close()`. */
  readonly signal: AbortSignal;
  /** The cached value this call refreshes, if any: a provider may extend its lease in place. */
  readonly previous?: Issued<unknown>;
  /**
   * For a request whose answer may carry a lease (a Vault dynamic secret): once
   * sent, read its answer under this signal instead of `signal`. It fires a
   * bounded time after `signal` (10 s) or at `close()`'s deadline, whichever
   * comes first; an answer that arrives after the caller gave up is still
   * handed to the client, which revokes its lease.
   */
  readonly answerSignal?: AbortSignal;
}

/**
 * A path that passed its rule, normalised, with the options (selectors may move into them).
 *
 * @example
 * ```ts
 * const ok: RuleResult = { path: "/prod/db/password", options: { version: "3" } };
 * ```
 */
export interface RuleResult {
  /** The normalised path. */
  path: string;
  /** The options, possibly with selectors moved in from the path. */
  options: Record<string, string>;
}

/**
 * A path or option problem: what is wrong, the part at fault, and a corrected example.
 *
 * @example
 * ```ts
 * const p: RuleProblem = { problem: "no '..' segments", part: "a/../b" };
 * ```
 */
export interface RuleProblem {
  /** What is wrong, in words. */
  problem: string;
  /** The part of the reference at fault. */
  part: string;
  /** A corrected reference, when one can be derived. */
  example?: string;
}

/**
 * How one scheme's references are checked and normalised, before any I/O and
 * before the provider's SDK loads. Built-in and custom schemes use the same rule.
 *
 * @example
 * ```ts
 * const rule: ReferenceRule = {
 *   example: "kv://team/db?ttl=60#password",
 *   options: { ttl: /^\d+$/ },
 *   path: (path, options) =>
 *     path.includes("..") ? { problem: "no '..' segments", part: path } : { path, options },
 * };
 * ```
 */
export interface ReferenceRule {
  /** A correct reference, quoted in every error for this scheme. */
  example: string;
  /** Allowed option names, each with a value check: a regex or a list of values. Default: none. */
  options?: Readonly<Record<string, RegExp | readonly string[]>>;
  /**
   * Checks and normalises the path (it may move selectors into options, lower-case
   * a host ...). Default: any non-empty path, unchanged.
   */
  path?(path: string, options: Record<string, string>): RuleResult | RuleProblem;
  /** Checks option combinations once all are known. */
  combine?(options: Record<string, string>): RuleProblem | undefined;
}

/**
 * Metadata about a secret, for `secrets doctor` (rotation age and the like).
 * Never contains the value. Instants are epoch ms, like every instant of the
 * kit's contract.
 *
 * @example
 * ```ts
 * const meta: SecretMetadata = { rotationEnabled: true, lastRotated: Date.parse("2026-10-01") };
 * ```
 */
export interface SecretMetadata {
  /** Whether the backend rotates this secret on a schedule. */
  rotationEnabled?: boolean;
  /** Rotation interval in days, when the backend has one. */
  rotationDays?: number;
  /** When the value last changed by rotation (epoch ms). */
  lastRotated?: number;
  /** When the value or its metadata last changed (epoch ms). */
  lastChanged?: number;
  /** When the next rotation is due (epoch ms). */
  nextRotation?: number;
  /** When the secret itself expires, if it does (epoch ms). */
  expiresAt?: number;
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
  /** When the current credentials expire (epoch ms). */
  expiresAt?: number;
  /** True when the identity has administrator rights (AWS root or AdministratorAccess, Vault `root` policy). */
  admin?: boolean;
  /**
   * True when every permission of the identity was read and judged (Vault: the
   * text of every policy of the token), so "not an administrator" is a verified
   * pass for least privilege rather than a guess.
   */
  permissionsRead?: boolean;
  /** Attached policies (Vault token policies, AWS managed policy names). */
  policies?: readonly string[];
  /** Token time to live in seconds (Vault). */
  ttlSeconds?: number;
  /** Whether the token can be renewed (Vault). */
  renewable?: boolean;
}
