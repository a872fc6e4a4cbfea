/**
 * Core types the doctor needs, re-exported in one place.
 */

export type {
  ParsedRef,
  ProviderIdentity,
  ProviderInput as SecretsProviderInput,
  SecretMetadata,
  SecretProvider,
} from "../../types.js";
