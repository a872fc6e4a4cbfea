/**
 * Item 6: rotation within the maximum (90 days unless the config says
 * otherwise), from each reference's provider `describe()`, plus what each
 * provider's doctor facet adds (such as the age of AWS IAM access keys).
 */

import { SecretsError } from "../../../index.js";
import { type DoctorFinding, firstLine } from "../../../provider/index.js";
import { type Check, type CheckResult, fail, manual, pass, warn } from "../types.js";

const DAY = 86_400_000;

/** `2026-03-01`: the UTC day of a date. */
const day = (epochMs: number) => new Date(epochMs).toISOString().slice(0, 10);

/**
 * The check.
 */
export const rotation: Check = {
  id: "rotation",
  item: 6,
  title: "Rotation schedule in place",
  async run(ctx) {
    const max = ctx.config.policy.rotationMaxDays;
    const refs = ctx.references();
    const results: CheckResult[] = [];
    if (refs.length === 0) {
      results.push(
        manual(
          "no references configured, so no rotation dates to read",
          `Declare the app's secrets in secrets.config.json; rotate every key at least every ${max} days (generate, deploy, verify, revoke the old one).`,
        ),
      );
    }
    if (ctx.options.offline) {
      if (refs.length)
        results.push(
          manual(`${refs.length} reference(s) not described (--offline)`, "Run without --offline."),
        );
      return results;
    }
    const client = refs.length ? await ctx.client() : undefined;
    for (const r of refs) {
      if (!client) break;
      let meta: Awaited<ReturnType<typeof client.describe>>;
      try {
        ctx.progress(`describing ${r.name}`);
        meta = await client.describe(r.ref);
      } catch (err) {
        const code = SecretsError.is(err) ? ` [${err.code}]` : "";
        results.push(
          manual(
            `${r.name} (${r.shown}): metadata unavailable${code}: ${firstLine(err)}`,
            `Check its rotation date in the ${r.provider} console; grant the metadata read permission (for AWS: secretsmanager:DescribeSecret) to let the doctor check it.`,
          ),
        );
        continue;
      }
      if (!meta) {
        results.push(
          manual(
            `${r.name} (${r.shown}): the ${r.provider} provider exposes no rotation metadata`,
            `Rotate it at its issuer at least every ${max} days and record when.`,
          ),
        );
        continue;
      }
      const last = meta.lastRotated ?? meta.lastChanged;
      const age = last !== undefined ? Math.floor((ctx.now().getTime() - last) / DAY) : undefined;
      const what = meta.lastRotated ? "rotated" : "changed";
      // A new value counts as a rotation (AWS: a PutSecretValue, as rotateSecret does).
      const when = last !== undefined ? `last ${what} ${age} days ago (${day(last)})` : undefined;
      const schedule =
        meta.rotationDays !== undefined ? `; rotation every ${meta.rotationDays} days` : "";
      const next = meta.nextRotation !== undefined ? `; next ${day(meta.nextRotation)}` : "";
      if (age !== undefined && age > max) {
        results.push(
          fail(
            `${r.name} (${r.shown}): last ${what} ${age} days ago (maximum ${max})`,
            meta.rotationEnabled
              ? "Rotation is enabled but has not happened: check the rotation function's logs."
              : `Rotate it now (secrets rotate, or your rotation job) and enable automatic rotation (at most every ${max} days).`,
          ),
        );
      } else if (meta.nextRotation !== undefined && meta.nextRotation < ctx.now().getTime()) {
        // A schedule whose next run is in the past: rotation stopped happening.
        results.push(
          fail(
            `${r.name} (${r.shown}): rotation overdue since ${day(meta.nextRotation)}`,
            "Rotate it now, and check the rotation job (its notifications and the function that adds the new version).",
          ),
        );
      } else if (meta.rotationDays !== undefined && meta.rotationDays > max) {
        results.push(
          warn(
            `${r.name} (${r.shown}): rotation interval is ${meta.rotationDays} days (maximum ${max})`,
            `Shorten the rotation schedule to ${max} days or less.`,
          ),
        );
      } else if (when !== undefined && meta.rotationEnabled === false) {
        // Rotated within the maximum, by hand or by a job outside the provider.
        results.push(
          pass(
            `${r.name} (${r.shown}): ${when}; no rotation schedule, so rotate again within ${max - (age ?? 0)} days`,
          ),
        );
      } else if (meta.rotationEnabled === false) {
        results.push(
          warn(
            `${r.name} (${r.shown}): automatic rotation is off`,
            `Enable automatic rotation (at most every ${max} days), or rotate by hand on a schedule (secrets rotate).`,
          ),
        );
      } else if (when !== undefined || meta.rotationEnabled) {
        results.push(
          pass(`${r.name} (${r.shown}): ${when ?? "rotation enabled"}${schedule}${next}`),
        );
      } else {
        results.push(
          manual(
            `${r.name} (${r.shown}): the provider reported no rotation date`,
            `Rotate it at least every ${max} days.`,
          ),
        );
      }
    }
    const refsOf = (name: string) => refs.filter((r) => r.provider === name).map((r) => r.ref);
    // Extra evidence from each provider's facet (such as the age of IAM access keys).
    for (const name of ctx.providersInUse()) {
      let found: readonly DoctorFinding[];
      try {
        found = (await ctx.evidence(name, "rotation", refsOf(name))) ?? [];
      } catch (err) {
        found = [{ status: "manual", evidence: `${name}: not checked: ${firstLine(err)}` }];
      }
      for (const f of found) {
        const make = { pass, warn, fail, manual }[f.status];
        results.push(make(f.evidence, f.fix ?? ""));
      }
    }
    return results;
  },
};
