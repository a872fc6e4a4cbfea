/**
 * Item 5: IP restrictions. Providers do not expose this in a way a client
 * can verify, so for them it is manual, with per-provider guidance. API keys
 * the app issues with `secrets-loader/keys` and per-key `allowedIps` pass,
 * with the file and line.
 */

import { type Check, type CheckResult, manual, pass } from "../types.js";
import { keysUsage } from "./keys-usage.js";

/**
 * The check.
 */
export const ipRestrictions: Check = {
  id: "ip-restrictions",
  item: 5,
  title: "IP restrictions applied where supported",
  async run(ctx) {
    const providers = ctx.providersInUse();
    const keys = keysUsage(ctx).allowedIps;
    const results: CheckResult[] = [];
    if (keys) {
      results.push(
        pass(
          `API keys issued with per-key IP allowlists (allowedIps) at ${keys.file}:${keys.line}`,
          { file: keys.file, line: keys.line },
        ),
      );
    }
    // With issued keys restricted, the env provider alone has nothing network-side to check.
    const names = providers.length ? providers : keys ? [] : ["env"];
    results.push(
      ...(await Promise.all(
        names.map(async (name) =>
          manual(
            `${name}: network restrictions are not visible to a client`,
            (await ctx.facet(name))?.guidance.ipRestrictions ??
              "Restrict where the credentials may be used from, if the backend supports it.",
          ),
        ),
      )),
    );
    return results;
  },
};
