/**
 * Rotation of a secret the service uses (a database password, an upstream
 * key) kept in AWS Secrets Manager: `rotateSecret` and its types.
 */

export { RotationError } from "./error.js";
export { pendingReference, rotateSecret } from "./runner.js";
export type {
  GenerateContext,
  RotateSecretOptions,
  RotationContext,
  RotationEvent,
  RotationResult,
  RotationStep,
} from "./types.js";
