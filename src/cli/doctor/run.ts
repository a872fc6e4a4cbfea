/**
 * Runs the checks in order and rolls their results up per checklist item.
 * A check that throws becomes `manual` with the error: the doctor never
 * claims a pass it did not verify, and never crashes on one bad check.
 */

import type { CheckId } from "../../provider/index.js";
import { firstLine } from "../../provider/index.js";
import { CHECKS } from "./checks/index.js";
import type { DoctorContext } from "./context.js";
import { type Check, type CheckResult, manual, type Status, worst } from "./types.js";

/**
 * One checklist item's outcome.
 */
export interface ItemReport {
  id: CheckId;
  item: number;
  title: string;
  status: Status;
  results: CheckResult[];
}

/**
 * Runs `checks` (default: all eleven) against `ctx`.
 */
export async function runChecks(
  ctx: DoctorContext,
  checks: readonly Check[] = CHECKS,
): Promise<ItemReport[]> {
  const out: ItemReport[] = [];
  // Custom providers' schemes must be known before references are attributed;
  // a bad provider module is reported by the checks that need the client.
  await ctx.declarations().catch(() => undefined);
  for (const check of checks) {
    ctx.progress(`${check.item}. ${check.title}`);
    let results: CheckResult[];
    try {
      results = await check.run(ctx);
    } catch (err) {
      results = [
        manual(
          `the check could not run: ${firstLine(err)}`,
          "Fix the cause and run the doctor again, or verify this item by hand.",
        ),
      ];
    }
    if (results.length === 0)
      results = [manual("nothing was checked", "Verify this item by hand.")];
    out.push({
      id: check.id,
      item: check.item,
      title: check.title,
      status: worst(results),
      results,
    });
  }
  return out;
}

/**
 * Counts items per status.
 */
export function summarize(items: readonly ItemReport[]): Record<Status, number> {
  const s: Record<Status, number> = { pass: 0, warn: 0, fail: 0, manual: 0 };
  for (const i of items) s[i.status]++;
  return s;
}
