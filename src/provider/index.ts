/**
 * The provider authoring kit, `secrets-loader/provider`: everything needed to
 * write a backend (types, reference rules, `importPeer`, error classification)
 * without reaching into the client's internals. The consumer API stays in the
 * package root; the conformance suite is in `secrets-loader/provider/testing`.
 *
 * @example
 * ```ts
 * import { bindProvider, importPeer, type ProviderDescriptor } from "secrets-loader/provider";
 *
 * const memDescriptor: ProviderDescriptor<{ data: Record<string, string> }> = {
 *   name: "mem",
 *   scheme: "mem",
 *   create: async (_ctx, options) => ({
 *     name: "mem",
 *     scheme: "mem",
 *     async getSecret(ref) {
 *       return { value: options?.data[ref.path] ?? "" };
 *     },
 *   }),
 * };
 * export const memProvider = (options: { data: Record<string, string> }) => bindProvider(memDescriptor, options);
 * ```
 * @packageDocumentation
 */

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
export { PUBLIC_ENV_PREFIXES, publicPrefixOf } from "../reference/public-env.js";
export { type ResolvedScheme, SCHEME_NAME, SchemeTable } from "../reference/table.js";
export type {
  CallContext,
  Issued,
  JsonValue,
  Lease,
  Memo,
  ParsedRef,
  ProviderContext,
  ProviderDefinition,
  ProviderIdentity,
  ProviderInput,
  ProviderRouting,
  ReferenceRule,
  RuleProblem,
  RuleResult,
  SecretMetadata,
  SecretProvider,
  SecretsPolicy,
  ValueType,
} from "../types.js";
export { closest, editDistance, firstLine, schemeOf } from "../util/text.js";
export { concurrencyOption, pause, raceSignal, readEach } from "./batch.js";
export {
  type BoundProvider,
  bindProvider,
  type CredentialVerdict,
  type DoctorFacet,
  type DoctorFinding,
  type DoctorSettings,
  notImplemented,
  type ProviderDescriptor,
} from "./descriptor.js";
export { classifyFailure, type ErrorSubject, networkFailure, sameCodeFor } from "./errors.js";
