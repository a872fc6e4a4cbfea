/**
 * Item 4: keys scoped to minimum permissions. Fails on an AWS root or admin
 * caller and on a Vault token holding the root policy, where the provider
 * reports its identity; everything else is manual with the least-privilege
 * policy to apply.
 */

import { type Check, type CheckResult, fail, manual } from "../types.js";
import { LEAST_PRIVILEGE } from "./guidance.js";
import { identityOf } from "./identity.js";

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
        LEAST_PRIVILEGE[name] ?? "Scope the credentials to read only the secrets the app needs.";
      const id = await identityOf(ctx, name);
      if (id.kind === "identity") {
        const who = id.identity.principal ?? id.identity.kind ?? name;
        const rootPolicy = id.identity.policies?.includes("root");
        if (id.identity.kind === "root" || /:root$/.test(id.identity.principal ?? "")) {
          results.push(
            fail(
              `${name}: the caller is the account root user (${who})`,
              `Stop using root credentials; create a dedicated role. ${guidance}`,
            ),
          );
          continue;
        }
        if (rootPolicy || id.identity.admin) {
          results.push(
            fail(
              `${name}: ${who} has administrator rights${rootPolicy ? " (root policy)" : ""}`,
              guidance,
            ),
          );
          continue;
        }
        results.push(
          manual(
            `${name}: authenticated as ${who}; its permissions are not enumerated here`,
            guidance,
          ),
        );
      } else {
        results.push(manual(`${name}: ${id.reason}`, guidance));
      }
    }
    return results;
  },
};
