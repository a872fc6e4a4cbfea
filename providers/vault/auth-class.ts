/**
 * What a Vault token is under `policy.requireShortLived`, from what
 * `auth/token/lookup-self` says of it (every token may look itself up; no
 * policy reading).
 */

import type { AuthClass } from "../../src/provider/index.js";

/** The fields of `lookup-self` the classification reads. */
export interface TokenLookup {
  policies?: string[];
  ttl?: number;
  expire_time?: string | null;
  period?: number;
  explicit_max_ttl?: number;
  orphan?: boolean;
}

const INSTEAD =
  "log in with a method that issues expiring tokens (auth: { method: 'approle' | 'jwt' | 'kubernetes' }), or give a token created with a TTL (and, if periodic, an explicit max TTL)";

/**
 * The lookup reduced to numbers and flags: what the client's memo keeps (it
 * registers every string it holds for redact(), so no policy names or texts).
 */
export interface TokenFacts {
  root: boolean;
  ttl: number;
  period: number;
  maxTtl: number;
  orphan: boolean;
  expiresAt: number;
}

/** The facts `classifyToken` needs from a `lookup-self` answer. */
export function tokenFacts(d: TokenLookup, now = Date.now()): TokenFacts {
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : 0);
  const ttl = num(d.ttl);
  const at = typeof d.expire_time === "string" ? Date.parse(d.expire_time) : Number.NaN;
  return {
    root: Array.isArray(d.policies) && d.policies.includes("root"),
    ttl,
    period: num(d.period),
    maxTtl: num(d.explicit_max_ttl),
    orphan: d.orphan === true,
    expiresAt: Number.isFinite(at) ? at : now + ttl * 1000,
  };
}

/** Root, no TTL, or periodic with no explicit max TTL: long-lived; otherwise short-lived until it expires. */
export function classifyToken(f: TokenFacts): AuthClass {
  const orphan = f.orphan ? "an orphan " : "a ";
  if (f.root) {
    return { class: "long-lived", what: "a Vault root token", instead: INSTEAD };
  }
  if (!(f.ttl > 0)) {
    return { class: "long-lived", what: `${orphan}Vault token with no TTL`, instead: INSTEAD };
  }
  if (f.period > 0 && !(f.maxTtl > 0)) {
    return {
      class: "long-lived",
      what: `${orphan}periodic Vault token without an explicit max TTL (renewable for ever)`,
      instead: INSTEAD,
    };
  }
  return {
    class: "short-lived",
    expiresAt: f.expiresAt,
    what: "a Vault token with a TTL",
  };
}
