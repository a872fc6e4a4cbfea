/**
 * `rotateSecret`: generate, deploy, verify, finish, driven from the labels of
 * the secret's versions, so a run that stopped anywhere is resumed by running
 * it again. State lives only in Secrets Manager:
 *
 * - no AWSPENDING version: start (read AWSCURRENT, generate, put AWSPENDING);
 * - AWSPENDING on another version than AWSCURRENT: an earlier run stopped after
 *   generate; reuse that value (never put it again), then deploy, verify, finish;
 * - AWSPENDING on the AWSCURRENT version: an earlier run stopped inside finish;
 *   only removing AWSPENDING remains.
 */

import { randomUUID } from "node:crypto";
import {
  ConfigError,
  defaultClient,
  firstLine,
  type ParsedRef,
  parseReferenceWith,
  type ReferenceRule,
  raceSignal,
  SchemeTable,
} from "../../../src/provider/index.js";
import { RotationError, scrubbed } from "./error.js";
import { type LabelState, SecretVersions, stateOf } from "./labels.js";
import type {
  RotateSecretOptions,
  RotationContext,
  RotationEvent,
  RotationResult,
  RotationStep,
} from "./types.js";

const DEFAULT_STEP_TIMEOUT = 120_000;
let table: SchemeTable | undefined;

/**
 * Hands the runner the `aws-sm` reference rule. The provider's entry and its
 * declaration (for the rotation facet) pass it: importing `rules.ts` here
 * would give that module a set of importers of its own, and so a chunk file
 * of its own at every start-up.
 *
 * @internal
 */
export function useAwsSmRule(rule: ReferenceRule): void {
  table ??= new SchemeTable().add({ schemes: { "aws-sm": rule } });
}

/** Parses an `aws-sm://` reference; `#field` only where `allowField`. */
export function parseSecretRef(ref: string, allowField: boolean): ParsedRef {
  if (table === undefined) throw new Error("rotateSecret: the aws-sm rule was not handed over");
  const parsed = parseReferenceWith(ref, table);
  const { versionStage, versionId } = parsed.options;
  if (versionStage !== undefined || versionId !== undefined || (!allowField && parsed.field)) {
    throw new ConfigError({
      reference: ref,
      message: `rotateSecret: ${ref} selects a version or a field; rotation replaces the whole secret. Fix: pass the secret itself, such as aws-sm://${parsed.path}${parsed.options.region ? `?region=${parsed.options.region}` : ""}.`,
    });
  }
  return parsed;
}

/**
 * The reference of the version a rotation is rolling out (AWSPENDING), with
 * the same region and `#field`: pass it as `withSecret`'s `pending` option so
 * new connections keep working between `deploy` and `finish`.
 *
 * @example
 * ```ts
 * pendingReference("aws-sm://prod/db#password"); // "aws-sm://prod/db?versionStage=AWSPENDING#password"
 * ```
 */
export function pendingReference(ref: string): string {
  const parsed = parseSecretRef(ref, true);
  const hash = ref.indexOf("#");
  const query = new URLSearchParams({
    versionStage: "AWSPENDING",
    ...(parsed.options.region ? { region: parsed.options.region } : {}),
  });
  return `aws-sm://${parsed.path}?${query}${hash >= 0 ? ref.slice(hash) : ""}`;
}

function checkOptions(options: RotateSecretOptions): number {
  if (typeof options !== "object" || options === null) {
    throw new ConfigError({
      message: "rotateSecret: options are required: { generate, deploy, verify } (functions).",
    });
  }
  for (const name of ["generate", "deploy", "verify"] as const) {
    if (typeof options[name] !== "function") {
      throw new ConfigError({
        message: `rotateSecret: options.${name} must be a function (got ${options[name] === null ? "null" : typeof options[name]}).`,
      });
    }
  }
  const t = options.stepTimeout ?? DEFAULT_STEP_TIMEOUT;
  if (typeof t !== "number" || !Number.isFinite(t) || t <= 0) {
    throw new ConfigError({
      message: `rotateSecret: options.stepTimeout must be a number of ms > 0 (got ${JSON.stringify(t)}).`,
    });
  }
  return t;
}

/**
 * Rotates an `aws-sm://` secret in four steps, with the client's AWS provider
 * (its credentials, region and deadlines):
 *
 * 1. `generate`: a new value, put as a new version labelled AWSPENDING
 *    (idempotent by its client request token);
 * 2. `deploy`: applies it at the target (such as `ALTER ROLE ... PASSWORD`);
 * 3. `verify`: proves it works there; on failure AWSCURRENT is untouched;
 * 4. `finish`: moves AWSCURRENT to it (the old version becomes AWSPREVIOUS),
 *    removes AWSPENDING, reads the labels back and drops the client's cached
 *    value, so the next read gets the new one.
 *
 * Running it again after a crash or a failure resumes from the labels:
 * the pending value is reused, `deploy` and `verify` run again (make them
 * idempotent), and there is never more than one pending version. Each step
 * emits `started` then `done`, `skipped` or `failed` to `onEvent`, never a
 * value. Fails with a {@link RotationError} naming the step.
 *
 * @param ref - the secret, such as `aws-sm://prod/db` (no `#field`, version or stage)
 * @example
 * ```ts
 * import { randomBytes } from "node:crypto";
 * import { createSecrets } from "secrets-loader";
 * import { awsProvider, rotateSecret } from "secrets-loader/providers/aws";
 *
 * const secrets = createSecrets({ providers: { aws: awsProvider() } });
 * await rotateSecret("aws-sm://prod/db", {
 *   secrets,
 *   generate: ({ current }) =>
 *     JSON.stringify({ ...JSON.parse(current), password: randomBytes(24).toString("base64url") }),
 *   deploy: async ({ pending, current }) => {
 *     // ALTER ROLE ... PASSWORD, logged in with the current password (or the pending one if already set)
 *   },
 *   verify: async ({ pending }) => {
 *     // log in with the pending password; throw or return false if it fails
 *   },
 *   onEvent: (e) => console.error(`rotation ${e.step}: ${e.status}`),
 * });
 * ```
 */
export async function rotateSecret(
  ref: string,
  options: RotateSecretOptions,
): Promise<RotationResult> {
  const stepTimeout = checkOptions(options);
  const parsed = parseSecretRef(ref, false);
  const secrets = options.secrets ?? defaultClient();
  const provider = options.provider ?? "aws";
  const sm = new SecretVersions(secrets, provider, parsed.path, parsed.options.region, ref);
  const known: string[] = [];
  let resumed = false;
  let versionId: string | undefined;
  /** Set by a step that found its work already done by an earlier run. */
  let skipped: string | undefined;

  const emit = (e: Omit<RotationEvent, "type" | "time" | "provider" | "reference" | "resumed">) => {
    try {
      options.onEvent?.({
        type: "rotation",
        time: Date.now(),
        provider,
        reference: ref,
        resumed,
        ...(versionId ? { versionId } : {}),
        ...e,
      });
    } catch {
      // A listener's failure must not change the rotation.
    }
  };

  const fail = (step: RotationStep, message: string, cause?: unknown, resumable = true) =>
    new RotationError({
      step,
      reference: ref,
      provider,
      message: `rotation of ${ref} failed at ${step}: ${message}`,
      versionId,
      resumable,
      ...(cause === undefined ? {} : { cause }),
    });

  /** Runs one step: events, the caller's signal, the deadline of user code, typed failure. */
  async function step<T>(
    name: RotationStep,
    fn: (signal: AbortSignal) => Promise<T>,
    user: boolean,
  ): Promise<T> {
    if (options.signal?.aborted) {
      emit({ step: name, status: "failed", detail: "stopped by the caller's signal" });
      throw fail(name, "stopped by the caller's signal before this step; run it again to resume");
    }
    emit({ step: name, status: "started" });
    skipped = undefined;
    const started = performance.now();
    const deadline = AbortSignal.timeout(stepTimeout);
    const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
    try {
      const out = await (user ? raceSignal(fn(signal), signal) : fn(signal));
      const durationMs = Math.round(performance.now() - started);
      emit(
        skipped === undefined
          ? { step: name, status: "done", durationMs }
          : { step: name, status: "skipped", durationMs, detail: skipped },
      );
      return out;
    } catch (err) {
      const timedOut = deadline.aborted && err === deadline.reason;
      const cause = scrubbed(err, known);
      const own = `rotation of ${ref} failed at ${name}: `;
      const detail = timedOut
        ? `took longer than stepTimeout (${stepTimeout} ms)`
        : err instanceof RotationError && err.message.startsWith(own)
          ? firstLine(err.message.slice(own.length))
          : `${cause.name}: ${firstLine(cause.message)}`;
      emit({
        step: name,
        status: "failed",
        durationMs: Math.round(performance.now() - started),
        detail,
      });
      throw err instanceof RotationError ? err : fail(name, detail, cause);
    }
  }

  const skip = (name: RotationStep, detail: string) =>
    emit({ step: name, status: "skipped", detail });

  // 1. generate (or pick up the pending version an earlier run left).
  let current = "";
  let pending = "";
  let currentId = "";
  const state: LabelState = await step(
    "generate",
    async (signal) => {
      const found = stateOf(await sm.labels());
      if (!found.current) {
        throw fail(
          "generate",
          "no version is labelled AWSCURRENT; put a first value before rotating",
          undefined,
          false,
        );
      }
      if (found.pending.length > 1) {
        throw fail(
          "generate",
          `versions ${found.pending.join(" and ")} are all labelled AWSPENDING. Fix: keep the one deployed at the target and remove the label from the others (aws secretsmanager update-secret-version-stage --version-stage AWSPENDING --remove-from-version-id ID), then run again.`,
          undefined,
          false,
        );
      }
      currentId = found.current;
      if (found.pending[0] === found.current) {
        resumed = true;
        versionId = found.current;
        skipped = `version ${versionId} is already AWSCURRENT (an earlier run stopped inside finish)`;
        return found;
      }
      const cur = await sm.value("AWSCURRENT", found.current);
      current = cur.value;
      known.push(current);
      if (found.pending.length === 1) {
        resumed = true;
        versionId = found.pending[0] as string;
        pending = (await sm.value("AWSPENDING", versionId)).value;
        known.push(pending);
        skipped = `resuming version ${versionId} (AWSPENDING, put by an earlier run)`;
        return found;
      }
      const next = await raceSignal(
        Promise.resolve(options.generate({ reference: ref, current, signal })),
        signal,
      );
      if (typeof next !== "string" || next.length === 0) {
        throw fail(
          "generate",
          `generate must return a non-empty string (got ${next === "" ? "an empty string" : typeof next})`,
          undefined,
          false,
        );
      }
      if (next === current) {
        throw fail(
          "generate",
          "generate returned the current value; it must return a new one",
          undefined,
          false,
        );
      }
      pending = next;
      known.push(pending);
      versionId = await sm.putPending(pending, randomUUID());
      const after = stateOf(await sm.labels());
      if (
        after.pending.length !== 1 ||
        after.pending[0] !== versionId ||
        after.current !== currentId
      ) {
        throw fail(
          "generate",
          `labels read back after putting ${versionId} as AWSPENDING: AWSCURRENT on ${after.current ?? "none"}, AWSPENDING on ${after.pending.join(", ") || "none"}`,
        );
      }
      return after;
    },
    false,
  );

  const interruptedFinish = state.pending[0] !== undefined && state.pending[0] === state.current;
  if (interruptedFinish) {
    skip("deploy", `version ${versionId} is already AWSCURRENT`);
    skip("verify", `version ${versionId} is already AWSCURRENT`);
  } else {
    const ctx = (signal: AbortSignal): RotationContext => ({
      reference: ref,
      current,
      pending,
      versionId: versionId as string,
      resumed,
      signal,
    });
    // 2. deploy
    await step("deploy", async (signal) => options.deploy(ctx(signal)), true);
    // 3. verify
    await step(
      "verify",
      async (signal) => {
        const ok = await options.verify(ctx(signal));
        if (ok === false) throw new Error("verify returned false");
      },
      true,
    );
  }

  // 4. finish
  const id = versionId as string;
  const previousVersionId = await step(
    "finish",
    async () => {
      if (!interruptedFinish) await sm.moveCurrent(id, currentId);
      await sm.removePending(id);
      const after = stateOf(await sm.labels());
      if (after.current !== id || after.pending.length !== 0) {
        throw fail(
          "finish",
          `labels read back: AWSCURRENT on ${after.current ?? "none"}, AWSPENDING on ${after.pending.join(", ") || "none"} (expected AWSCURRENT on ${id} and no AWSPENDING)`,
        );
      }
      // The next read of this reference (any #field) fetches the new AWSCURRENT.
      secrets.invalidate(ref);
      secrets.invalidate(pendingReference(ref));
      return after.previous ?? (interruptedFinish ? "" : currentId);
    },
    false,
  );
  return { reference: ref, versionId: id, previousVersionId, resumed };
}
