/**
 * Item 5: IP restrictions. Providers do not expose this in a way a client
 * can verify, so it is always manual, with per-provider guidance.
 */

import { type Check, manual } from "../types.js";

/**
 * The check.
 */
export const ipRestrictions: Check = {
  id: "ip-restrictions",
  item: 5,
  title: "IP restrictions applied where supported",
  async run(ctx) {
    const providers = ctx.providersInUse();
    const names = providers.length ? providers : ["env"];
    return Promise.all(
      names.map(async (name) =>
        manual(
          `${name}: network restrictions are not visible to a client`,
          (await ctx.facet(name))?.guidance.ipRestrictions ??
            "Restrict where the credentials may be used from, if the backend supports it.",
        ),
      ),
    );
  },
};
