/**
 * The GCP provider's doctor facet: what the credential file and options say
 * about short-lived credentials, and the guidance texts. Loaded only by the CLI.
 */

import { readFileSync } from "node:fs";
import type { DoctorFacet } from "../../src/provider/index.js";

/**
 * The GCP doctor facet.
 *
 * @example
 * ```ts
 * gcpDoctor.inspectEnvironment?.({ GOOGLE_APPLICATION_CREDENTIALS: "/path/key.json" }, {});
 * ```
 */
export const gcpDoctor: DoctorFacet = {
  guidance: {
    leastPrivilege:
      "Grant roles/secretmanager.secretAccessor on each secret the app reads (not on the project), to a dedicated service account.",
    ipRestrictions:
      "Put Secret Manager inside a VPC Service Controls perimeter; restrict API keys by IP or referrer (APIs & Services > Credentials).",
    shortLived:
      "Use service-account impersonation or workload identity federation instead of a JSON key file.",
  },
  inspectEnvironment(env, options) {
    if (options.impersonate || options.targetPrincipal || options.targetServiceAccount) {
      return { kind: "configured", evidence: "service-account impersonation" };
    }
    const file = env.GOOGLE_APPLICATION_CREDENTIALS;
    if (!file) {
      return {
        kind: "unknown",
        evidence: "gcp: ambient credentials (metadata server or gcloud login) were not inspected",
      };
    }
    let type: unknown;
    try {
      type = (JSON.parse(readFileSync(file, "utf8")) as { type?: unknown }).type;
    } catch {
      return {
        kind: "unknown",
        evidence: `gcp: GOOGLE_APPLICATION_CREDENTIALS (${file}) could not be read`,
      };
    }
    if (type === "service_account") {
      return {
        kind: "long-lived",
        evidence: `gcp: GOOGLE_APPLICATION_CREDENTIALS is a service-account key file (${file})`,
      };
    }
    if (type === "external_account" || type === "impersonated_service_account") {
      return {
        kind: "short-lived",
        evidence: `gcp: credentials are ${type === "external_account" ? "workload identity federation" : "impersonation"} (short-lived)`,
      };
    }
    return {
      kind: "unknown",
      evidence: `gcp: credential file type ${String(type)} not classified`,
    };
  },
};
