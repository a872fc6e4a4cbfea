/**
 * The rotation facet a provider may declare: how `secrets rotate` rotates a
 * secret of one of its schemes, loaded only by the CLI (and by whoever calls
 * it), so the CLI names no provider. Today the `aws` provider declares one
 * (AWS Secrets Manager's four steps).
 */

import type { Secrets } from "../api.js";

/** What a rotation step reports; never a value. */
export interface RotationProgress {
  /** `generate`, `deploy`, `verify` or `finish`. */
  readonly step: string;
  /** `started`, then `done`, `skipped` or `failed`. */
  readonly status: string;
  /** How long the step took, when it ended. */
  readonly durationMs?: number;
  /** The version the step acted on, when it has one. */
  readonly versionId?: string;
  /** Why a step was skipped or failed (no value in it). */
  readonly detail?: string;
}

/** A failed rotation: the step, and whether running the rotation again resumes it. */
export interface RotationFailure {
  /** The step that failed. */
  readonly step: string;
  /** True when running the same rotation again picks up where this one stopped. */
  readonly resumable: boolean;
}

/** What a finished rotation reports. */
export interface RotationOutcome {
  /** The version now labelled current. */
  readonly versionId: string;
  /** The version that was current before, when there was one. */
  readonly previousVersionId?: string;
  /** True when this run finished a rotation an earlier run left unfinished. */
  readonly resumed: boolean;
}

/**
 * Rotates secrets of the provider's schemes with caller-given steps.
 *
 * @example
 * ```ts
 * const facet: RotationFacet = await awsProvider.declaration.rotation!();
 * const done = await facet.rotate("aws-sm://prod/db", { secrets, generate, deploy, verify });
 * ```
 */
export interface RotationFacet {
  /** Runs (or resumes) a rotation of `ref`. */
  rotate(
    ref: string,
    options: {
      secrets: Secrets;
      provider?: string;
      stepTimeout?: number;
      generate: (ctx: never) => unknown;
      deploy: (ctx: never) => unknown;
      verify: (ctx: never) => unknown;
      onEvent?: (event: RotationProgress) => void;
    },
  ): Promise<RotationOutcome>;
  /** Whether an error is this provider's rotation failure, and whether running again resumes it. */
  failure(err: unknown): RotationFailure | undefined;
}
