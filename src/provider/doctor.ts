/**
 * What a provider tells the doctor (its facet, loaded only by the CLI), and
 * the doctor's check ids, which facets key their evidence by.
 */

import type { CallContext } from "../types.js";
import type { ProviderOperations } from "./operations.js";

/**
 * The doctor's checks, by id, in checklist order.
 *
 * @example
 * ```ts
 * CHECK_IDS.includes("rotation"); // true
 * ```
 */
export const CHECK_IDS = [
  "no-keys-in-source",
  "no-keys-in-history",
  "no-keys-in-client",
  "least-privilege",
  "ip-restrictions",
  "rotation",
  "secret-scanning",
  "rate-limiting",
  "usage-logging",
  "short-lived",
  "references-resolve",
] as const;

/**
 * One of the doctor's checks.
 *
 * @example
 * ```ts
 * const id: CheckId = "least-privilege";
 * ```
 */
export type CheckId = (typeof CHECK_IDS)[number];

/**
 * Extra evidence a facet adds to one check, computed with the provider's own
 * operations (typed as its declaration's `create` returns them).
 *
 * @example
 * ```ts
 * const keyAge: EvidenceHook = async (_provider, settings) => [{ status: "pass", evidence: `mem: under ${settings.maxKeyAgeDays} days` }];
 * ```
 */
export type EvidenceHook<P = ProviderOperations> = {
  // A method's parameters are bivariant: a facet typed by its own operations fits a list of any.
  /** Finds evidence with the provider's operations, under the doctor's deadline (`call.signal`). */
  hook(provider: P, settings: DoctorSettings, call: CallContext): Promise<readonly DoctorFinding[]>;
}["hook"];

/**
 * One doctor finding a provider's facet reports: a status, what was seen, and the fix.
 *
 * @example
 * ```ts
 * const f: DoctorFinding = { status: "warn", evidence: "aws: access key AKIA…WXYZ is 120 days old", fix: "Rotate it." };
 * ```
 */
export interface DoctorFinding {
  /** `pass` only for what was verified; `manual` for what could not be. */
  status: "pass" | "warn" | "fail" | "manual";
  /** What was seen; never a secret value. */
  evidence: string;
  /** How to fix it. */
  fix?: string;
}

/**
 * The doctor's settings a facet may need.
 *
 * @example
 * ```ts
 * const settings: DoctorSettings = { maxKeyAgeDays: 90 };
 * ```
 */
export interface DoctorSettings {
  /** The longest a key may live before it must be rotated. */
  maxKeyAgeDays: number;
  /** The configured references this provider serves, as written (for per-secret checks). */
  references?: readonly string[];
}

/**
 * What the environment and the config options say about a provider's
 * credentials, without any I/O (the doctor's "short-lived" item).
 *
 * @example
 * ```ts
 * const v: CredentialVerdict = { kind: "long-lived", evidence: "aws: AWS_ACCESS_KEY_ID is a long-lived AKIA key" };
 * ```
 */
export interface CredentialVerdict {
  /** `short-lived`: confirmed; `long-lived`: confirmed; `configured`: settings ask for short-lived, not confirmed; `unknown`: not inspected. */
  kind: "short-lived" | "long-lived" | "configured" | "unknown";
  /** What was seen, such as "a role to assume with web identity". */
  evidence: string;
}

/**
 * A provider's doctor knowledge, loaded only by the CLI.
 *
 * @example
 * ```ts
 * const facet: DoctorFacet = {
 *   guidance: { leastPrivilege: "Grant read on app/* only.", ipRestrictions: "Use a private endpoint.", shortLived: "Use OIDC." },
 *   inspectEnvironment: (env) => env.MEM_TOKEN ? { kind: "long-lived", evidence: "mem: MEM_TOKEN is static" } : { kind: "unknown", evidence: "mem: not inspected" },
 * };
 * ```
 */
export interface DoctorFacet<P = ProviderOperations> {
  /** Texts the doctor shows as the fix for checks it cannot verify. */
  readonly guidance: {
    /** Least-privilege policy (`least-privilege`). */
    readonly leastPrivilege: string;
    /** IP restrictions (`ip-restrictions`). */
    readonly ipRestrictions: string;
    /** Short-lived alternatives (`short-lived`). */
    readonly shortLived: string;
  };
  /** `short-lived` from the environment and this provider's config options, without I/O. */
  inspectEnvironment?(
    env: Readonly<Record<string, string | undefined>>,
    options: Readonly<Record<string, unknown>>,
  ): CredentialVerdict;
  /**
   * Extra evidence for a check, by check id (for example access-key age for
   * `rotation`). Who the provider is comes from its operations' `identity`.
   */
  readonly evidence?: Partial<Record<CheckId, EvidenceHook<P>>>;
}
