/**
 * secrets-loader: load secrets and short-lived credentials from AWS, GCP,
 * Azure, Vault/OpenBao and the environment through one cached API.
 *
 * @example
 * ```ts
 * import { getSecret, load } from "secrets-loader";
 * const key = await getSecret("env://PAYMENT_API_KEY");
 * ```
 * @packageDocumentation
 */

import { assertServerRuntime } from "./guard.js";

assertServerRuntime();

export type {
  CacheOptions,
  CallOptions,
  CredentialsEntry,
  CredentialsMap,
  EntryValue,
  GetOptions,
  LoadEntry,
  LoadResult,
  LoadSpec,
  Secrets,
  SecretsOptions,
  ValueOf,
} from "./api.js";
export { BUILTIN_PROVIDERS } from "./builtins.js";
export { createSecrets } from "./client.js";
export { describeShape, looksLikeCredential } from "./credential-shape.js";
export { defaultSecrets, getCredentials, getSecret, load } from "./default.js";
export type { Duration } from "./duration.js";
export {
  AccessDeniedError,
  BrowserUsageError,
  ClientClosedError,
  ConfigError,
  type ErrorCode,
  ExpiredError,
  InvalidReferenceError,
  InvalidValueError,
  LoadError,
  type LoadFailure,
  MissingDependencyError,
  NoProviderError,
  NotFoundError,
  PolicyViolationError,
  ProviderError,
  SecretsError,
  type SecretsErrorOptions,
  ThrottledError,
  UnavailableError,
} from "./errors.js";
export type { EventBase, SecretsEvent, SecretsListener } from "./events.js";
export { assertServerRuntime } from "./guard.js";
export { redact } from "./redact.js";
export { builtinSchemes, displayReference, parseReference } from "./reference/parse.js";
export { PUBLIC_ENV_PREFIXES, publicPrefixOf } from "./reference/public-env.js";
export { type ResolvedScheme, SchemeTable } from "./reference/table.js";
export type {
  Issued,
  JsonValue,
  Lease,
  ParsedRef,
  ProviderIdentity,
  ProviderInput,
  SecretMetadata,
  SecretProvider,
  SecretsPolicy,
  ValueType,
} from "./types.js";
export { isAuthFailure, type WithSecretOptions, withSecret } from "./with-secret.js";
