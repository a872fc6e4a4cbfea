import type {
  CallOptions,
  CredentialsMap,
  GetOptions,
  LoadResult,
  LoadSpec,
  Secrets,
  ValueOf,
} from "./api.js";
import { createSecrets } from "./builtin-providers.js";
import { assertServerRuntime } from "./guard.js";
import type { ValueType } from "./types.js";

// One zero-config client per process, not per copy of this module: Next.js bundles the package
// once per server bundle (instrumentation, each route), and values loaded at start-up must be
// served to every route from the same cache.
const DEFAULT_CLIENT = Symbol.for("secrets-loader");
const holder = globalThis as { [DEFAULT_CLIENT]?: Secrets };

/**
 * Runs `call` on the zero-config client. Whatever goes wrong, a refusal to
 * run in a browser included (checked on every call: `window` may appear
 * after the import), rejects the promise instead of throwing synchronously.
 */
function withDefault<T>(call: (secrets: Secrets) => Promise<T>): Promise<T> {
  try {
    assertServerRuntime();
    return call(defaultSecrets());
  } catch (err) {
    return Promise.reject(err);
  }
}

/**
 * The zero-config client behind {@link getSecret}, {@link getCredentials} and
 * {@link load}, created on first use with every built-in provider configured
 * from its ecosystem's standard environment variables. There is one per process (held on
 * `globalThis[Symbol.for("secrets-loader")]`), shared by every copy of the package a bundler
 * made.
 *
 * @example
 * ```ts
 * defaultSecrets().on((e) => console.log(e.type, e.reference));
 * ```
 */
export function defaultSecrets(): Secrets {
  holder[DEFAULT_CLIENT] ??= createSecrets();
  return holder[DEFAULT_CLIENT];
}

/**
 * Replaces the zero-config client (`undefined` drops it: the next use creates
 * a new one) and returns the one it replaced, unclosed. The one hook
 * `secrets-loader/testing` (`resetSecrets`, `useTestSecrets`) goes through.
 *
 * @internal
 */
export function replaceDefaultSecrets(next: Secrets | undefined): Secrets | undefined {
  const previous = holder[DEFAULT_CLIENT];
  if (next === undefined) delete holder[DEFAULT_CLIENT];
  else holder[DEFAULT_CLIENT] = next;
  return previous;
}

/**
 * Resolves one reference with the zero-config client ({@link defaultSecrets}):
 * the value is fetched once, cached until its real expiry (or the cache's
 * `maxAge`), refreshed ahead of it, and shared by concurrent callers.
 *
 * @param ref - A reference, `<scheme>://<path>[?options][#field]`, such as
 *   `env://PAYMENT_API_KEY`, `aws-sm://prod/db#password`,
 *   `gcp-sm://stripe`, `azure-kv://acme-kv/stripe-key` or
 *   `vault://secret/app/db#password`. Validated before any I/O.
 *
 * The second argument, `options` ({@link GetOptions}), takes `type`:
 * `"string"` (default), `"json"` (the parsed value, deeply frozen) or
 * `"binary"` (a `Uint8Array`; base64 text is decoded); and `timeout`: the
 * deadline of each provider call this makes (a number of ms or a duration
 * such as `"5s"`; default the client's `timeout`).
 * @returns The value, typed by `options.type`. Its text never appears in an
 *   error, event or log line of this package.
 * @throws {@link SecretsError} with one of these `code`s (each its own class):
 *   `INVALID_REFERENCE` (malformed `ref`: the error names the part and shows
 *   an example), `NO_PROVIDER` (no provider for the scheme),
 *   `MISSING_DEPENDENCY` (the provider's optional SDK is not installed; names
 *   the install command), `NOT_FOUND` (no such secret, version, variable or
 *   `#field`), `ACCESS_DENIED`, `THROTTLED`, `UNAVAILABLE` (network failure,
 *   provider down, or the deadline passed), `EXPIRED` (a token or lease could
 *   not be renewed), `INVALID_VALUE` (not JSON, not base64, no such field),
 *   `POLICY_VIOLATION` (long-lived credentials under
 *   `policy.requireShortLived`), `INVALID_CONFIG` (bad options, such as an
 *   unknown `type`), `CLIENT_CLOSED` (after `close()`).
 *
 * @example
 * ```ts
 * import { getSecret, SecretsError } from "secrets-loader";
 *
 * const key = await getSecret("env://PAYMENT_API_KEY");
 * const cfg = await getSecret("env://APP_CONFIG", { type: "json" });
 * const cert = await getSecret("aws-sm://prod/tls-cert", { type: "binary", timeout: "5s" });
 * try {
 *   await getSecret("aws-sm://prod/db#password");
 * } catch (err) {
 *   if (SecretsError.is(err, "NOT_FOUND")) console.error(err.message); // names the reference, never a value
 *   else throw err;
 * }
 * ```
 */
export function getSecret(ref: string): Promise<string>;
export function getSecret<T extends ValueType = "string">(
  ref: string,
  options: GetOptions<T>,
): Promise<ValueOf<T>>;
export function getSecret(ref: string, options?: GetOptions): Promise<unknown> {
  return withDefault((s) => (options ? s.getSecret(ref, options) : s.getSecret(ref)));
}

/**
 * Short-lived credentials from a provider, with the zero-config client:
 * cached, renewed in the background before they expire (the cache's
 * `credentialRefreshLead`), never served past their expiry, and obtained once
 * for any number of concurrent callers. Each issue and renewal is a
 * `credentials` event (never the credential itself).
 *
 * @param provider - The provider's name. Built in: `"aws"` (STS),
 *   `"gcp"` (IAM Credentials), `"azure"` (Entra ID), `"vault"` (a lease).
 *   Typed through {@link CredentialsMap}, so the result needs no cast.
 * @param request - What to issue, per provider. `aws`: `{ roleArn,
 *   sessionName, externalId, durationSeconds, policy, tags }` (AssumeRole),
 *   with `webIdentityTokenFile` or `webIdentityToken` (web identity), or
 *   `{ serialNumber, mfaCode }` (GetSessionToken); empty means the provider's
 *   configured role. `gcp`: `{ targetPrincipal, scopes, delegates, lifetime }`
 *   (an access token) or `{ audience, includeEmail }` (an ID token). `azure`:
 *   `{ scopes }`. `vault`: `{ path }` of a leased secret such as
 *   `database/creds/readonly`.
 * @param options - `timeout`: the deadline of each provider call this makes.
 * @returns The provider's credentials: `aws` `{ accessKeyId,
 *   secretAccessKey, sessionToken, expiration }`; `gcp` `{ accessToken,
 *   expiresAt }` or `{ idToken, expiresAt }`; `azure` `{ token, expiresAt }`;
 *   `vault` the lease's data.
 * @throws {@link SecretsError} with `code` `NO_PROVIDER` (no such provider,
 *   or it issues no credentials), `MISSING_DEPENDENCY` (its SDK is not
 *   installed), `INVALID_CONFIG` (a malformed request: names the field),
 *   `ACCESS_DENIED` (the identity may not assume the role or impersonate the
 *   account: names the permission), `THROTTLED`, `UNAVAILABLE`, `EXPIRED`,
 *   `POLICY_VIOLATION` (long-lived source credentials under
 *   `policy.requireShortLived`), `CLIENT_CLOSED`.
 *
 * @example
 * ```ts
 * import { getCredentials } from "secrets-loader";
 *
 * const aws = await getCredentials("aws", { roleArn: "arn:aws:iam::123456789012:role/api" });
 * console.log(aws.expiration);
 * const { accessToken } = await getCredentials("gcp", { targetPrincipal: "reader@acme-prod.iam.gserviceaccount.com" });
 * const db = await getCredentials("vault", { path: "database/creds/readonly" });
 * ```
 */
export function getCredentials<N extends keyof CredentialsMap>(
  provider: N,
  request?: NoInfer<CredentialsMap[N]["request"]>,
  options?: CallOptions,
): Promise<CredentialsMap[N]["credentials"]>;
export function getCredentials<P extends string>(
  provider: P extends keyof CredentialsMap ? never : P,
  request?: unknown,
  options?: CallOptions,
): Promise<unknown>;
export function getCredentials(
  provider: string,
  request?: unknown,
  options?: CallOptions,
): Promise<unknown> {
  return withDefault((s) => s.getCredentials(provider, request, options));
}

/**
 * Resolves many references concurrently with the zero-config client (one
 * batch call per provider that has a batch API, for the entries not already
 * cached), and either returns every value or throws one error that lists
 * every failure.
 *
 * @param spec - Names to references: each entry is a reference string, or
 *   `{ ref, type, optional }` where `type` is `"string"` (default), `"json"`
 *   or `"binary"`, and `optional: true` resolves a missing secret
 *   (`NOT_FOUND`) to `undefined` instead of failing.
 * @param options - `timeout`: the deadline of each provider call this makes.
 * @returns The same names, each with its value typed by its entry.
 * @throws {@link LoadError} (`code` `LOAD_FAILED`) when any entry fails: its
 *   `failures` list each name, reference, `code` (any of {@link getSecret}'s)
 *   and message. `CLIENT_CLOSED` after `close()`; `INVALID_CONFIG` for a spec
 *   that is not an object of references.
 *
 * @example
 * ```ts
 * import { load, LoadError } from "secrets-loader";
 *
 * try {
 *   const { DB_PASSWORD, FLAGS, TRACING_KEY } = await load({
 *     DB_PASSWORD: "aws-ssm:///prod/db/password",
 *     FLAGS: { ref: "aws-sm://prod/flags", type: "json" },
 *     TRACING_KEY: { ref: "env://TRACING_KEY", optional: true }, // string | undefined
 *   });
 * } catch (err) {
 *   if (err instanceof LoadError) for (const f of err.failures) console.error(f.name, f.code);
 *   throw err;
 * }
 * ```
 */
export function load<S extends LoadSpec>(spec: S, options?: CallOptions): Promise<LoadResult<S>> {
  return withDefault((s) => s.load(spec, options));
}
