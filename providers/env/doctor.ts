/** The env provider's doctor facet: guidance only (environment values are static by nature). */

import type { DoctorFacet } from "../../src/provider/index.js";

/**
 * The env doctor facet.
 *
 * @example
 * ```ts
 * envDoctor.inspectEnvironment?.({}, {}).kind; // "unknown"
 * ```
 */
export const envDoctor: DoctorFacet = {
  guidance: {
    leastPrivilege:
      "env:// values come from the environment: scope each third-party key in its issuer's dashboard (read-only where possible, restricted to the resources it needs).",
    ipRestrictions:
      "For third-party keys (Stripe, OpenAI ...), set the key's IP allowlist in the issuer's dashboard where offered.",
    shortLived:
      "Static values: where the API offers OAuth or STS-style tokens, prefer those and keep the env value to a bootstrap credential.",
  },
  inspectEnvironment: () => ({
    kind: "unknown",
    evidence: "env: values in the environment are static by nature",
  }),
};
