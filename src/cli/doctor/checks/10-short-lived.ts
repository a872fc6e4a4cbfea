/**
 * Item 10: short-lived tokens where available. First the provider's own
 * classification (`authClass`, the one `policy.requireShortLived` enforces);
 * then its identity where it reports one; otherwise what its doctor facet reads from the
 * environment and the config (an STS key prefix, a credential file's type, a
 * client secret). Settings that only ask for short-lived credentials (a role,
 * impersonation, a login method, a federated token file) are `manual`:
 * configured, not confirmed.
 */

import { type AuthClass, SecretsError } from "../../../index.js";
import { firstLine } from "../../../provider/index.js";
import type { DoctorContext } from "../context.js";
import { type Check, type CheckResult, fail, manual, pass, warn } from "../types.js";
import { identityOf } from "./identity.js";

const PREFER = "Prefer credentials that expire by themselves.";

function longLived(ctx: DoctorContext, evidence: string, fix: string): CheckResult {
  return ctx.config.policy.requireShortLived
    ? fail(`${evidence} (policy.requireShortLived is on)`, fix)
    : warn(evidence, fix);
}

/** The provider's classification of its auth material, or why there is none. */
async function classified(ctx: DoctorContext, name: string): Promise<AuthClass | undefined> {
  if (ctx.options.offline) return undefined;
  let provider: Awaited<ReturnType<DoctorContext["provider"]>>;
  try {
    provider = await ctx.provider(name);
  } catch {
    return undefined;
  }
  if (typeof provider?.authClass !== "function") return undefined;
  try {
    return await ctx.withProvider(name, async (p, call) =>
      (p.authClass as NonNullable<typeof p.authClass>)(call),
    );
  } catch (err) {
    const code = SecretsError.is(err) ? ` [${err.code}]` : "";
    return { class: "unknown", what: `credentials not classified${code}: ${firstLine(err)}` };
  }
}

/** Who, TTL and renewability from the identity, when the provider reported one (item 4 asks too). */
async function details(ctx: DoctorContext, name: string): Promise<{ who: string; tail: string }> {
  const id = await identityOf(ctx, name);
  if (id.kind !== "identity") return { who: "", tail: "" };
  const i = id.identity;
  const who = i.principal ?? i.kind;
  const ttl =
    i.ttlSeconds !== undefined ? `, TTL ${i.ttlSeconds === 0 ? "none" : `${i.ttlSeconds}s`}` : "";
  const renew = i.renewable !== undefined ? `, ${i.renewable ? "renewable" : "not renewable"}` : "";
  return { who: who ?? "", tail: `${ttl}${renew}` };
}

/** The check's verdict from a classification; undefined to look further (identity, environment). */
async function fromClass(
  ctx: DoctorContext,
  name: string,
  c: AuthClass,
): Promise<CheckResult | undefined> {
  switch (c.class) {
    case "none":
      return pass(`${name}: authenticates with nothing (no credentials to expire)`);
    case "short-lived": {
      const d = await details(ctx, name);
      return pass(
        `${name}: ${d.who || c.what || "credentials"} uses short-lived credentials${d.tail}`,
      );
    }
    case "long-lived": {
      const d = await details(ctx, name);
      return longLived(
        ctx,
        `${name}: ${d.who || c.what} uses long-lived credentials${d.tail}`,
        `Found ${c.what}. Fix: ${c.instead}.`,
      );
    }
    default:
      return ctx.config.policy.requireShortLived === "strict"
        ? fail(
            `${name}: ${c.what} (policy.requireShortLived is "strict": refused)`,
            "Use credentials the provider recognises as short-lived.",
          )
        : undefined;
  }
}

async function fromEnvironment(ctx: DoctorContext, name: string): Promise<CheckResult> {
  const facet = await ctx.facet(name);
  const guidance = facet?.guidance.shortLived ?? PREFER;
  const verdict = facet?.inspectEnvironment?.(ctx.env, ctx.config.providers[name] ?? {});
  if (!verdict) return manual(`${name}: credentials not inspected`, guidance);
  switch (verdict.kind) {
    case "short-lived":
      return pass(verdict.evidence);
    case "long-lived":
      return longLived(ctx, verdict.evidence, guidance);
    case "configured":
      // Settings ask for short-lived credentials, but nothing confirmed what
      // the provider gets: never a pass (the doctor passes only what it checked).
      return manual(
        `${name}: configured for short-lived credentials (${verdict.evidence}), not confirmed`,
        `Confirm it: run the doctor where it can reach ${name} (its identity check reports the credentials actually used), or check the credentials the app receives at run time. ${guidance}`,
      );
    default:
      return manual(verdict.evidence, guidance);
  }
}

/**
 * The check.
 */
export const shortLived: Check = {
  id: "short-lived",
  item: 10,
  title: "Short-lived tokens used where available",
  async run(ctx) {
    const providers = ctx.providersInUse();
    if (providers.length === 0) {
      return [
        manual(
          "no providers configured",
          "Declare the app's references in secrets.config.json so their credentials can be checked.",
        ),
      ];
    }
    const results: CheckResult[] = [];
    for (const name of providers) {
      const c = await classified(ctx, name);
      const verdict = c ? await fromClass(ctx, name, c) : undefined;
      if (verdict) {
        results.push(verdict);
        continue;
      }
      const id = await identityOf(ctx, name);
      if (
        id.kind === "identity" &&
        (id.identity.shortLived !== undefined || id.identity.ttlSeconds !== undefined)
      ) {
        const i = id.identity;
        const who = i.principal ?? i.kind ?? name;
        const ttl =
          i.ttlSeconds !== undefined
            ? `, TTL ${i.ttlSeconds === 0 ? "none" : `${i.ttlSeconds}s`}`
            : "";
        const renew =
          i.renewable !== undefined ? `, ${i.renewable ? "renewable" : "not renewable"}` : "";
        const shortLivedNow = i.shortLived ?? (i.ttlSeconds !== undefined && i.ttlSeconds > 0);
        if (shortLivedNow)
          results.push(pass(`${name}: ${who} uses short-lived credentials${ttl}${renew}`));
        else
          results.push(
            longLived(
              ctx,
              `${name}: ${who} uses long-lived credentials${ttl}${renew}`,
              (await ctx.facet(name))?.guidance.shortLived ?? PREFER,
            ),
          );
        continue;
      }
      results.push(await fromEnvironment(ctx, name));
    }
    return results;
  },
};
