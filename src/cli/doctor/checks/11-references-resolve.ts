/**
 * Item 11: every configured reference resolves. Shows latency, version and
 * expiry for each, never a value.
 */

import { SecretsError } from "../../../index.js";
import { firstLine } from "../../../provider/index.js";
import { type Check, type CheckResult, fail, manual, pass, warn } from "../types.js";

/**
 * The check.
 */
export const referencesResolve: Check = {
  id: "references-resolve",
  item: 11,
  title: "Every configured reference resolves",
  async run(ctx) {
    const refs = ctx.references();
    if (refs.length === 0) {
      return [
        manual(
          "no references configured",
          'Declare the app\'s secrets in secrets.config.json: { "references": { "STRIPE_KEY": "aws-sm://prod/stripe" } }.',
        ),
      ];
    }
    if (ctx.options.offline)
      return [
        manual(`${refs.length} reference(s) not resolved (--offline)`, "Run without --offline."),
      ];
    const client = await ctx.client();
    const results: CheckResult[] = [];
    for (const r of refs) {
      ctx.progress(`resolving ${r.name}`);
      const started = performance.now();
      const seen = ctx.events.length;
      try {
        await client.getSecret(r.ref, { type: r.type ?? "string" });
        const fresh = ctx.events.slice(seen);
        // Usually a cache hit on the fetch made for items 1-3: report that fetch.
        const hit = fresh.find((e) => e.type === "hit");
        const fetched = hit
          ? ctx.events.findLast((e) => e.type === "fetch" && e.reference === hit.reference)
          : fresh.find((e) => e.type === "fetch");
        const ms =
          hit && fetched?.type === "fetch" ? fetched.durationMs : performance.now() - started;
        const version =
          fetched?.type === "fetch" && fetched.version ? `, version ${fetched.version}` : "";
        const expires =
          fetched?.type === "fetch" && Number.isFinite(fetched.expiresAt)
            ? `, cached until ${new Date(fetched.expiresAt).toISOString()}`
            : "";
        results.push(
          pass(`${r.name} (${r.shown}) resolved in ${ms.toFixed(0)} ms${version}${expires}`),
        );
      } catch (err) {
        const code = SecretsError.is(err) ? err.code : "ERROR";
        const ev = `${r.name} (${r.shown}) does not resolve: [${code}] ${firstLine(err)}`;
        if (r.optional && code === "NOT_FOUND")
          results.push(warn(ev, "It is optional; set it if the app needs it."));
        else
          results.push(
            fail(
              ev,
              "Create the secret or fix the reference, and grant the app read access to it.",
            ),
          );
      }
    }
    return results;
  },
};
