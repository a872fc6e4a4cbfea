/**
 * The provider authoring kit, `secrets-loader/provider`: everything needed to
 * write a backend (types, reference rules, `importPeer`, error classification)
 * without reaching into the client's internals. The consumer API stays in the
 * package root; the conformance suite is in `secrets-loader/provider/testing`.
 *
 * @example
 * ```ts
 * import { defineProvider } from "secrets-loader/provider";
 *
 * export const memProvider = defineProvider<{ data: Record<string, string> }>({
 *   name: "mem",
 *   schemes: { mem: { example: "mem://key" } },
 *   create: (_ctx, options) => ({
 *     async getSecret(ref) {
 *       return { value: options.data[ref.path] ?? "" };
 *     },
 *   }),
 * });
 * ```
 * @packageDocumentation
 */

export type { Secrets } from "../api.js";
export { type Duration, toMillis } from "../duration.js";
export {
  AccessDeniedError,
  ClientClosedError,
  ConfigError,
  type ErrorCode,
  ExpiredError,
  InvalidReferenceError,
  InvalidValueError,
  MissingDependencyError,
  NoProviderError,
  NotFoundError,
  PolicyViolationError,
  ProviderError,
  SecretsError,
  type SecretsErrorOptions,
  ThrottledError,
  UnavailableError,
} from "../errors.js";
export type { SecretsEvent } from "../events.js";
export { assertServerRuntime } from "../guard.js";
export { importPeer } from "../peer.js";
export { parseReference as parseReferenceWith } from "../reference/parse.js";
export { PUBLIC_ENV_PREFIXES, publicPrefixOf } from "../reference/public-env.js";
export {
  type ResolvedScheme,
  SCHEME_NAME,
  type SchemeRouting,
  SchemeTable,
} from "../reference/table.js";
export type {
  CallContext,
  Issued,
  JsonObject,
  JsonValue,
  Lease,
  Memo,
  ParsedRef,
  ProviderContext,
  ProviderIdentity,
  ReferenceRule,
  RuleProblem,
  RuleResult,
  SecretMetadata,
  SecretsPolicy,
  ValueType,
} from "../types.js";
export { closest, editDistance, firstLine, schemeOf } from "../util/text.js";
export { concurrencyOption, pause, raceSignal, readEach } from "./batch.js";
export type { CredentialsEntry, CredentialsMap } from "./credentials.js";
export { defaultClient } from "./default-client.js";
export {
  type AnyProvider,
  type AuthClass,
  type ConfiguredProvider,
  defineProvider,
  isProvider,
  type OptionsCheck,
  type OptionsProblem,
  optionsCheck,
  type Provider,
  type ProviderDeclaration,
  type ProviderInput,
  type ProviderOperations,
  type SafeParseResult,
  type SafeParser,
  type SchemaIssue,
} from "./define.js";
export {
  CHECK_IDS,
  type CheckId,
  type CredentialVerdict,
  type DoctorFacet,
  type DoctorFinding,
  type DoctorSettings,
  type EvidenceHook,
} from "./doctor.js";
export { classifyFailure, type ErrorSubject, networkFailure, sameCodeFor } from "./errors.js";
export type {
  RotationFacet,
  RotationFailure,
  RotationOutcome,
  RotationProgress,
} from "./rotation.js";
