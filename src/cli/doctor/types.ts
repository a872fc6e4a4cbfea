/**
 * The doctor's building blocks: a check per checklist item, returning
 * results that each carry a status, the evidence and the fix.
 */

import type { CheckId } from "../../provider/index.js";
import type { DoctorContext } from "./context.js";

/**
 * A check's verdict. `manual` means "not verified here": it is never
 * counted as a pass.
 */
export type Status = "pass" | "warn" | "fail" | "manual";

/**
 * One piece of evidence.
 */
export interface CheckResult {
  status: Status;
  /** What was found (never a secret value). */
  evidence: string;
  /** What to do about it (omitted for a plain pass). */
  fix?: string;
  /** File concerned, relative to the project directory. */
  file?: string;
  /** Line in that file. */
  line?: number;
}

/**
 * One checklist item.
 */
export interface Check {
  /** Stable id, used in JSON, as the SARIF rule id (`doctor/<id>`) and to key a facet's evidence. */
  id: CheckId;
  /** Checklist item number (1-11). */
  item: number;
  /** The checklist item's wording. */
  title: string;
  /** Runs the check. Throwing is turned into a `manual` result with the error. */
  run(ctx: DoctorContext): Promise<CheckResult[]>;
}

/**
 * Ranking used to roll results up into an item's status (higher is worse).
 */
export const SEVERITY: Record<Status, number> = { pass: 0, manual: 1, warn: 2, fail: 3 };

/**
 * The worst status among `results` (`manual` for none).
 */
export function worst(results: readonly CheckResult[]): Status {
  let s: Status | undefined;
  for (const r of results) if (s === undefined || SEVERITY[r.status] > SEVERITY[s]) s = r.status;
  return s ?? "manual";
}

/**
 * Builds a `pass` result.
 */
export const pass = (evidence: string, extra: Partial<CheckResult> = {}): CheckResult => ({
  status: "pass",
  evidence,
  ...extra,
});
/**
 * Builds a `warn` result.
 */
export const warn = (
  evidence: string,
  fix: string,
  extra: Partial<CheckResult> = {},
): CheckResult => ({
  status: "warn",
  evidence,
  fix,
  ...extra,
});
/**
 * Builds a `fail` result.
 */
export const fail = (
  evidence: string,
  fix: string,
  extra: Partial<CheckResult> = {},
): CheckResult => ({
  status: "fail",
  evidence,
  fix,
  ...extra,
});
/**
 * Builds a `manual` result: not verified here, with what to check and where.
 */
export const manual = (
  evidence: string,
  fix: string,
  extra: Partial<CheckResult> = {},
): CheckResult => ({
  status: "manual",
  evidence,
  fix,
  ...extra,
});
