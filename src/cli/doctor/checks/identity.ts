/**
 * Asks a provider who it authenticates as, through its optional
 * `identity()` method; explains why not when it cannot.
 */

import { type ProviderIdentity, SecretsError } from "../../../index.js";
import { firstLine } from "../../../provider/index.js";
import type { DoctorContext } from "../context.js";

/**
 * The outcome of asking a provider for its identity.
 */
export type IdentityOutcome =
  | { kind: "identity"; identity: ProviderIdentity }
  | { kind: "unknown"; reason: string };

// Items 4 and 10 both ask: one lookup per provider and run (for Vault, lookup-self plus a read
// per policy).
const asked = new WeakMap<DoctorContext, Map<string, Promise<IdentityOutcome>>>();

/**
 * Calls `identity()` on the provider named `name`, if it has one; once per doctor run.
 */
export function identityOf(ctx: DoctorContext, name: string): Promise<IdentityOutcome> {
  let byName = asked.get(ctx);
  if (!byName) {
    byName = new Map();
    asked.set(ctx, byName);
  }
  let outcome = byName.get(name);
  if (!outcome) {
    outcome = lookUp(ctx, name);
    byName.set(name, outcome);
  }
  return outcome;
}

async function lookUp(ctx: DoctorContext, name: string): Promise<IdentityOutcome> {
  if (ctx.options.offline) return { kind: "unknown", reason: "not contacted (--offline)" };
  let provider: Awaited<ReturnType<DoctorContext["provider"]>>;
  try {
    provider = await ctx.provider(name);
  } catch (err) {
    return { kind: "unknown", reason: `provider could not be created: ${firstLine(err)}` };
  }
  if (!provider)
    return { kind: "unknown", reason: "no provider of that name is installed or registered" };
  // The provider's doctor facet asks (it may judge more, such as policy texts); a provider
  // without one that reports its own identity is asked directly.
  const facet = await ctx.facet(name);
  const own = provider.identity?.bind(provider);
  const viaFacet = facet?.identity?.bind(facet);
  if (!viaFacet && !own) {
    return { kind: "unknown", reason: "this provider does not report its identity" };
  }
  try {
    ctx.progress(`asking ${name} for its identity`);
    // Under the client's deadline: an unreachable backend cannot hang the doctor.
    const identity = await ctx.withProvider(name, (p, call) =>
      viaFacet ? viaFacet(p, call) : (own as NonNullable<typeof own>)(call),
    );
    return { kind: "identity", identity };
  } catch (err) {
    const code = SecretsError.is(err) ? ` [${err.code}]` : "";
    return { kind: "unknown", reason: `identity lookup failed${code}: ${firstLine(err)}` };
  }
}
