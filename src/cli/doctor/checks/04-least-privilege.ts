/**
 * Item 4: keys scoped to minimum permissions. Fails on a caller the provider
 * reports as an administrator (an account root, an admin policy, a root
 * token); everything else is manual with the provider's least-privilege
 * guidance.
 */

import { type DoctorFinding, firstLine } from "../../../provider/index.js";
import type { DoctorContext } from "../context.js";
import { type Check, type CheckResult, fail, manual, pass, warn } from "../types.js";
import { identityOf } from "./identity.js";

/**
 * What a provider's facet finds about the permissions on the referenced secrets
 * (GCP: testIamPermissions on each); empty when it has nothing to add or offline.
 */
async function facetEvidence(ctx: DoctorContext, name: string): Promise<CheckResult[]> {
  const references = ctx
    .references()
    .filter((r) => r.provider === name)
    .map((r) => r.ref);
  if (references.length === 0) return [];
  let found: readonly DoctorFinding[];
  try {
    found = (await ctx.evidence(name, "least-privilege", references)) ?? [];
  } catch (err) {
    found = [{ status: "manual", evidence: `${name}: permissions not checked: ${firstLine(err)}` }];
  }
  return found.map((f) => ({ pass, warn, fail, manual })[f.status](f.evidence, f.fix ?? ""));
}

/**
 * The check.
 */
export const leastPrivilege: Check = {
  id: "least-privilege",
  item: 4,
  title: "Keys scoped to minimum permissions",
  async run(ctx) {
    const providers = ctx.providersInUse();
    if (providers.length === 0) {
      return [
        manual(
          "no references or providers configured, so no credentials to inspect",
          "Declare the app's secrets in secrets.config.json (references), and scope every third-party key in its issuer's dashboard (read-only, resource restrictions).",
        ),
      ];
    }
    const results: CheckResult[] = [];
    for (const name of providers) {
      const guidance =
        (await ctx.facet(name))?.guidance.leastPrivilege ??
        "Scope the credentials to read only the secrets the app needs.";
      const id = await identityOf(ctx, name);
      if (id.kind === "identity") {
        const who = id.identity.principal ?? id.identity.kind ?? name;
        const i = id.identity;
        if (i.kind === "root" || /:root$/.test(i.principal ?? "")) {
          results.push(
            fail(
              `${name}: the caller is the account root user (${who})`,
              `Stop using root credentials; create a dedicated identity. ${guidance}`,
            ),
          );
          continue;
        }
        const rootPolicy = i.policies?.includes("root");
        if (i.admin || rootPolicy) {
          results.push(
            fail(
              `${name}: ${who} has administrator rights${rootPolicy ? " (root policy)" : ""}`,
              guidance,
            ),
          );
          continue;
        }
        if (i.permissionsRead) {
          const policies = i.policies?.length ? ` (policies: ${i.policies.join(", ")})` : "";
          results.push(pass(`${name}: ${who} has no administrator rights${policies}`));
          continue;
        }
        const found = await facetEvidence(ctx, name);
        if (found.length) results.push(...found);
        else
          results.push(
            manual(
              `${name}: authenticated as ${who}; its permissions are not enumerated here`,
              guidance,
            ),
          );
      } else {
        const found = await facetEvidence(ctx, name);
        if (found.length) results.push(...found);
        else results.push(manual(`${name}: ${id.reason}`, guidance));
      }
    }
    return results;
  },
};
