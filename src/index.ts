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

import { defaultSecrets } from "./default.js";
import { assertServerRuntime } from "./guard.js";
import { registerDefaultClient } from "./provider/default-client.js";

assertServerRuntime();
registerDefaultClient(defaultSecrets);

export type {
  CacheOptions,
  CallOptions,
  CloseResult,
  EntryValue,
  GetOptions,
  LoadEntry,
  LoadResult,
  LoadSpec,
  Secrets,
  SecretsOptions,
  UnrevokedLease,
  ValueOf,
} from "./api.js";
export {
  BUILTIN_PROVIDERS,
  builtinSchemes,
  builtins,
  createSecrets,
  parseReference,
} from "./builtin-providers.js";
export { type Composition, compose } from "./compose.js";
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
export {
  PEERS_LOADED_BY_NAME,
  type TracedNextConfig,
  type WithSecretsLoaderOptions,
  withSecretsLoader,
} from "./next-tracing.js";
export { providePeer } from "./peer.js";
export type { CredentialsEntry, CredentialsMap } from "./provider/credentials.js";
export type {
  AnyProvider,
  AuthClass,
  ConfiguredProvider,
  Provider,
  ProviderInput,
  ProviderOperations,
} from "./provider/define.js";
export { redact } from "./redact.js";
export { displayReference } from "./reference/parse.js";
export { PUBLIC_ENV_PREFIXES, publicPrefixOf } from "./reference/public-env.js";
export { type ResolvedScheme, SchemeTable } from "./reference/table.js";
export type {
  Issued,
  JsonObject,
  JsonValue,
  Lease,
  ParsedRef,
  ProviderIdentity,
  SecretMetadata,
  SecretsPolicy,
  ValueType,
} from "./types.js";
export { isAuthFailure, type WithSecretOptions, withSecret } from "./with-secret.js";
