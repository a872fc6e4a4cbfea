/**
 * The error a rotation fails with: which step, which version, and whether
 * running it again resumes. Its message and cause never carry a value.
 */

import { SecretsError } from "../../../src/provider/index.js";
import type { RotationStep } from "./types.js";

/**
 * A rotation stopped at `step`. AWSCURRENT is untouched unless `step` is
 * `finish`; the pending version (if any) is kept, so running `rotateSecret`
 * again resumes from the labels (`resumable`).
 *
 * @example
 * ```ts
 * try {
 *   await rotateSecret("aws-sm://prod/db", steps);
 * } catch (err) {
 *   if (err instanceof RotationError) console.error(`rotation failed at ${err.step}`);
 * }
 * ```
 */
export class RotationError extends SecretsError {
  /** The step that failed. */
  readonly step: RotationStep;
  /** The pending version, when one exists. */
  readonly versionId?: string;
  /** Whether calling `rotateSecret` again picks up where this run stopped. */
  readonly resumable: boolean;

  constructor(options: {
    step: RotationStep;
    reference: string;
    provider: string;
    message: string;
    versionId?: string | undefined;
    resumable: boolean;
    cause?: unknown;
  }) {
    super("PROVIDER_ERROR", options.message, {
      message: options.message,
      provider: options.provider,
      reference: options.reference,
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
    this.name = "RotationError";
    this.step = options.step;
    if (options.versionId !== undefined) this.versionId = options.versionId;
    this.resumable = options.resumable;
  }

  /**
   * A plain summary safe to log.
   *
   * @example
   * ```ts
   * JSON.stringify(err); // {"name":"RotationError","step":"verify",...}
   * ```
   */
  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      step: this.step,
      versionId: this.versionId,
      resumable: this.resumable,
    };
  }
}

const MASK = "[REDACTED]";

/** A value and, for a JSON secret, each of its string and number fields (a password field). */
function withLeaves(value: string): string[] {
  const out = [value];
  if (!/^\s*[[{]/.test(value)) return out;
  const visit = (v: unknown, depth: number): void => {
    if (depth > 8) return;
    if (typeof v === "string") out.push(v);
    else if (typeof v === "number") out.push(String(v));
    else if (typeof v === "object" && v !== null)
      for (const x of Object.values(v)) visit(x, depth + 1);
  };
  try {
    visit(JSON.parse(value), 0);
  } catch {
    // Not JSON: the whole value is masked.
  }
  return out;
}

/**
 * A copy of a step's failure with the given values masked in its message
 * (a driver may quote what it was sent); keeps `name` and `code` (such as
 * PostgreSQL's `28P01`), drops the stack and anything else it carried.
 */
export function scrubbed(err: unknown, values: readonly string[]): Error {
  // Longest first, so a value is masked whole before any of its JSON fields.
  const all = [...new Set(values.flatMap(withLeaves))]
    .filter((v) => v.length >= 4)
    .sort((a, b) => b.length - a.length);
  const mask = (text: string) => all.reduce((t, v) => t.split(v).join(MASK), text);
  const e = err as { name?: unknown; message?: unknown; code?: unknown } | null;
  const message =
    typeof e?.message === "string" ? e.message : typeof err === "string" ? err : String(err);
  const out = new Error(mask(message).split("\n")[0] ?? "");
  if (typeof e?.name === "string") out.name = mask(e.name);
  if (typeof e?.code === "string" || typeof e?.code === "number")
    Object.assign(out, { code: e.code });
  out.stack = `${out.name}: ${out.message}`;
  return out;
}
