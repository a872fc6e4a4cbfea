/**
 * The shapes of `rotateSecret`: its options, what each step receives, the
 * events it emits and what it returns.
 */

import type { Secrets } from "../../../src/provider/index.js";

/**
 * The four steps of a rotation, in order (the names AWS rotation functions use:
 * createSecret, setSecret, testSecret, finishSecret).
 *
 * @example
 * ```ts
 * const step: RotationStep = "verify";
 * ```
 */
export type RotationStep = "generate" | "deploy" | "verify" | "finish";

/**
 * What `deploy` and `verify` receive. Both may run again on a resumed
 * rotation with the same `pending` value, so they must be idempotent.
 *
 * @example
 * ```ts
 * const deploy = async ({ pending, current, signal }: RotationContext) => {
 *   await setPasswordAtTarget(pending, { loginWith: current, signal });
 * };
 * ```
 */
export interface RotationContext {
  /** The reference being rotated, such as `aws-sm://prod/db`. */
  readonly reference: string;
  /** The value labelled AWSCURRENT (still served to readers until `finish`). */
  readonly current: string;
  /** The new value, labelled AWSPENDING. */
  readonly pending: string;
  /** The version id of the pending value. */
  readonly versionId: string;
  /** True when this run picked up a rotation an earlier run left unfinished. */
  readonly resumed: boolean;
  /** Fires at the step's deadline (`stepTimeout`) or when the caller's `signal` aborts. */
  readonly signal: AbortSignal;
}

/**
 * What `generate` receives.
 *
 * @example
 * ```ts
 * const generate = ({ current }: GenerateContext) =>
 *   JSON.stringify({ ...JSON.parse(current), password: randomBytes(24).toString("base64url") });
 * ```
 */
export interface GenerateContext {
  /** The reference being rotated. */
  readonly reference: string;
  /** The value labelled AWSCURRENT; the new value usually keeps its other fields. */
  readonly current: string;
  /** Fires at the step's deadline or when the caller's `signal` aborts. */
  readonly signal: AbortSignal;
}

/**
 * One event per step: `started`, then `done`, `skipped` (already done by an
 * earlier run) or `failed`. Never carries a value.
 *
 * @example
 * ```ts
 * const log = (e: RotationEvent) => console.error(`${e.step}: ${e.status}`);
 * ```
 */
export interface RotationEvent {
  /** Always `"rotation"`. */
  readonly type: "rotation";
  /** Epoch ms. */
  readonly time: number;
  /** The provider's name, such as `aws`. */
  readonly provider: string;
  /** The reference being rotated. */
  readonly reference: string;
  /** The step. */
  readonly step: RotationStep;
  /** What happened to it. */
  readonly status: "started" | "done" | "skipped" | "failed";
  /** The pending version's id, once known. */
  readonly versionId?: string;
  /** True when the run resumed an unfinished rotation. */
  readonly resumed: boolean;
  /** Duration of the step in ms (`done` and `failed`). */
  readonly durationMs?: number;
  /** Why it was skipped or failed (never a value). */
  readonly detail?: string;
}

/**
 * Options of `rotateSecret`.
 *
 * @example
 * ```ts
 * const options: RotateSecretOptions = {
 *   secrets,
 *   generate: ({ current }) => newValueFrom(current),
 *   deploy: ({ pending }) => applyAtTarget(pending),
 *   verify: ({ pending }) => loginWorks(pending),
 * };
 * ```
 */
export interface RotateSecretOptions {
  /** The client whose AWS provider (credentials, region, deadlines) and cache are used. Default: the zero-config client. */
  secrets?: Secrets;
  /** The name the AWS provider is registered under. Default `"aws"`. */
  provider?: string;
  /** Returns the new value (the whole SecretString); must differ from the current one. */
  generate: (ctx: GenerateContext) => string | Promise<string>;
  /** Applies the pending value at the target (for a database: `ALTER ROLE ... PASSWORD`). Idempotent. */
  deploy: (ctx: RotationContext) => void | Promise<void>;
  /** Proves the pending value works at the target; returning `false` (or resolving to it) or throwing fails the rotation. */
  verify: (ctx: RotationContext) => unknown;
  /** Receives one event per step (never a value); a throwing listener is ignored. */
  onEvent?: (event: RotationEvent) => void;
  /** Deadline of each of generate, deploy and verify, in ms. Default `120000`. */
  stepTimeout?: number;
  /** Stops the rotation between steps (and inside a step that honours `ctx.signal`). */
  signal?: AbortSignal;
}

/**
 * What a finished rotation returns (ids only).
 *
 * @example
 * ```ts
 * const { versionId, previousVersionId } = await rotateSecret("aws-sm://prod/db", options);
 * ```
 */
export interface RotationResult {
  /** The reference rotated. */
  readonly reference: string;
  /** The new AWSCURRENT version. */
  readonly versionId: string;
  /** The version now labelled AWSPREVIOUS. */
  readonly previousVersionId: string;
  /** True when an unfinished rotation was resumed. */
  readonly resumed: boolean;
}
