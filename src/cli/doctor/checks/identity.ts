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
  // One hook: the provider's own identity() (a provider may judge more there, such as
  // Vault's policy texts, loading that code only when asked).
  if (typeof provider.identity !== "function") {
    return { kind: "unknown", reason: "this provider does not report its identity" };
  }
  try {
    ctx.progress(`asking ${name} for its identity`);
    // Under the client's deadline: an unreachable backend cannot hang the doctor.
    const identity = await ctx.withProvider(name, (p, call) =>
      (p.identity as NonNullable<typeof p.identity>)(call),
    );
    return { kind: "identity", identity };
  } catch (err) {
    const code = SecretsError.is(err) ? ` [${err.code}]` : "";
    return { kind: "unknown", reason: `identity lookup failed${code}: ${firstLine(err)}` };
  }
}
