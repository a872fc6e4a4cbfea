/**
 * The `aws` provider's rotation facet: `secrets rotate` reaches `rotateSecret`
 * through the declaration, so the CLI names no provider.
 */

import type { ReferenceRule, RotationFacet } from "../../../src/provider/index.js";
import { RotationError } from "./error.js";
import { rotateSecret, useAwsSmRule } from "./runner.js";
import type { RotateSecretOptions } from "./types.js";

/**
 * The rotation facet, given the `aws-sm` rule by the declaration that loads it.
 *
 * @example
 * ```ts
 * const facet = awsRotationWith(awsSm);
 * ```
 */
export function awsRotationWith(rule: ReferenceRule): RotationFacet {
  useAwsSmRule(rule);
  return awsRotation;
}

/**
 * Rotates `aws-sm://` secrets with `rotateSecret`.
 *
 * @example
 * ```ts
 * const done = await awsRotation.rotate("aws-sm://prod/db", { secrets, generate, deploy, verify });
 * ```
 */
export const awsRotation: RotationFacet = {
  rotate: (ref, options) => rotateSecret(ref, options as unknown as RotateSecretOptions),
  failure: (err) =>
    err instanceof RotationError ? { step: err.step, resumable: err.resumable } : undefined,
};
