import type {
  CallOptions,
  CredentialsMap,
  GetOptions,
  LoadResult,
  LoadSpec,
  Secrets,
  ValueOf,
} from "./api.js";
import { createSecrets } from "./client.js";
import { assertServerRuntime } from "./guard.js";
import type { ValueType } from "./types.js";

let client: Secrets | undefined;

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
 * from its ecosystem's standard environment variables.
 *
 * @example
 * ```ts
 * defaultSecrets().on((e) => console.log(e.type, e.reference));
 * ```
 */
export function defaultSecrets(): Secrets {
  client ??= createSecrets();
  return client;
}

/**
 * Resolves one reference with the zero-config client.
 *
 * @example
 * ```ts
 * import { getSecret } from "secrets-loader";
 * const key = await getSecret("env://PAYMENT_API_KEY");
 * const cfg = await getSecret("env://APP_CONFIG", { type: "json" });
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
 * Short-lived credentials from a provider, with the zero-config client.
 *
 * @example
 * ```ts
 * import { getCredentials } from "secrets-loader";
 * const creds = await getCredentials("vault", { path: "database/creds/readonly" });
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
 * Resolves many references concurrently with the zero-config client; one
 * error lists every failure.
 *
 * @example
 * ```ts
 * import { load } from "secrets-loader";
 * const { DB_PASSWORD, STRIPE_KEY } = await load({ DB_PASSWORD: "env://DB_PASSWORD", STRIPE_KEY: "env://STRIPE_KEY" });
 * ```
 */
export function load<S extends LoadSpec>(spec: S, options?: CallOptions): Promise<LoadResult<S>> {
  return withDefault((s) => s.load(spec, options));
}
