/**
 * The GCP provider's doctor facet: the credential file's kind (`short-lived`), who the
 * provider reads as (`least-privilege`, `short-lived`), the caller's write or admin permissions on each
 * referenced secret through `testIamPermissions` (`least-privilege`), and the guidance texts.
 * Loaded only by the CLI.
 */

import { type DoctorFacet, type DoctorFinding, firstLine } from "../../src/provider/index.js";
import { classifyGcpAuth } from "./auth/auth-class.js";
import { inspectGcpSource } from "./auth/source.js";
import { testGcpPermissions } from "./metadata.js";
import type { GcpOperations } from "./runtime.js";
import type { GcpOptions } from "./types.js";

/** Permissions that let the app change or destroy a secret, or grant access to it. */
export const GCP_WRITE_PERMISSIONS = [
  "secretmanager.secrets.setIamPolicy",
  "secretmanager.secrets.delete",
  "secretmanager.secrets.update",
  "secretmanager.versions.add",
  "secretmanager.versions.destroy",
] as const;

/** What the app needs (reads) and the doctor's extra metadata read. */
const READ_PERMISSIONS = ["secretmanager.versions.access", "secretmanager.secrets.get"] as const;

const LEAST_PRIVILEGE =
  "Grant roles/secretmanager.secretAccessor on each secret the app reads (not on the project), to a dedicated service account; the doctor also needs secretmanager.secrets.get (roles/secretmanager.viewer on those secrets) to read rotation metadata.";

/**
 * A raw `gcp-sm://` reference's path, normalised by the provider's own rule (which its
 * handle carries, so this chunk need not import it), or undefined when it does not parse.
 */
function pathOf(provider: GcpOperations, ref: string): string | undefined {
  const raw = /^gcp-sm:\/\/([^?#]*)/i.exec(ref)?.[1];
  const rule = provider.gcpRule;
  if (raw === undefined || !rule?.path) return undefined;
  const result = rule.path(raw, {});
  return "path" in result ? result.path : undefined;
}

/**
 * The GCP doctor facet.
 *
 * @example
 * ```ts
 * gcpDoctor.inspectEnvironment?.({ GOOGLE_APPLICATION_CREDENTIALS: "/path/key.json" }, {});
 * ```
 */
export const gcpDoctor: DoctorFacet<GcpOperations> = {
  guidance: {
    leastPrivilege: LEAST_PRIVILEGE,
    ipRestrictions:
      "Put Secret Manager inside a VPC Service Controls perimeter; restrict API keys by IP or referrer (APIs & Services > Credentials).",
    shortLived:
      "Use workload identity federation (an external_account credential file) or the metadata server's service account (Cloud Run, GKE, Compute Engine), with impersonation where the app needs another identity, instead of a JSON key file.",
  },

  evidence: {
    // least-privilege: Secret Manager tells the caller which of the asked permissions it holds.
    "least-privilege": async (provider, settings, call) => {
      const { gcpAuth, gcpOptions } = provider;
      const who = (await gcpAuth.source()).principal ?? "the provider's identity";
      const seen = new Set<string>();
      const asked = new Set<string>();
      const out: DoctorFinding[] = [];
      for (const ref of settings.references ?? []) {
        const path = pathOf(provider, ref);
        if (!path) continue;
        // One call per secret: `db`, `db@3` and `db#field` name the same one.
        const secret = path.replace(/\/versions\/[^/]+$/, "");
        if (asked.has(secret)) continue;
        asked.add(secret);
        let answer: Awaited<ReturnType<typeof testGcpPermissions>>;
        try {
          answer = await testGcpPermissions(
            gcpAuth,
            gcpOptions,
            path,
            [...GCP_WRITE_PERMISSIONS, ...READ_PERMISSIONS],
            call.signal,
          );
        } catch (err) {
          out.push({
            status: "manual",
            evidence: `gcp: permissions on ${ref} not checked: ${firstLine(err)}`,
            fix: LEAST_PRIVILEGE,
          });
          continue;
        }
        if (seen.has(answer.secret)) continue;
        seen.add(answer.secret);
        const write = answer.granted.filter((p) =>
          (GCP_WRITE_PERMISSIONS as readonly string[]).includes(p),
        );
        const read = answer.granted.filter((p) => !write.includes(p));
        if (write.length) {
          out.push({
            status: "fail",
            evidence: `gcp: ${who} holds write or admin permissions on secret ${answer.secret}: ${write.join(", ")}`,
            fix: `Remove the role that grants them (such as roles/secretmanager.admin or roles/owner) and grant roles/secretmanager.secretAccessor on the secret only.`,
          });
        } else {
          out.push({
            status: "pass",
            evidence: `gcp: ${who} holds no write or admin permission on secret ${answer.secret}${read.length ? ` (holds ${read.join(", ")})` : ""}`,
          });
        }
      }
      return out;
    },
  },

  inspectEnvironment(env, options) {
    const o = options as GcpOptions;
    const info = inspectGcpSource(o, env);
    // The config may name the target alone ("impersonate": "sa@…").
    const raw = o.impersonate as GcpOptions["impersonate"] | string | undefined;
    const target = typeof raw === "string" ? raw : raw?.targetPrincipal;
    const via = target ? `, the source for impersonating ${target}` : "";
    // What the file holds decides, as for the policy: a key is a key whatever its type says.
    if (info.file && info.kind !== "service_account" && info.kind !== "authorized_user") {
      const c = classifyGcpAuth([], { file: info.file });
      if (c.class === "long-lived") {
        return {
          kind: "long-lived",
          evidence: `gcp: ${info.origin ?? "the credential file"} holds ${c.what.replace(/ \(in .*\)$/, "")} (${info.file})${via}`,
        };
      }
    }
    switch (info.kind) {
      case "service_account":
        return {
          kind: "long-lived",
          evidence: `gcp: ${info.origin ?? "the credential file"} is a service-account key file (${info.file})${via}`,
        };
      case "authorized_user":
        return {
          kind: "long-lived",
          evidence: `gcp: ${info.origin ?? "the credential file"} is a user refresh token (${info.file})${via}`,
        };
      case "external_account":
        return {
          kind: "short-lived",
          evidence: `gcp: credentials are workload identity federation (external_account)${via}`,
        };
      case "impersonated_service_account":
        return info.longLived
          ? {
              kind: "long-lived",
              evidence: `gcp: impersonation from a long-lived ${info.sourceOf} source (${info.file})`,
            }
          : {
              kind: "short-lived",
              evidence: "gcp: credentials are an impersonation (short-lived)",
            };
      case "metadata":
        return target
          ? { kind: "configured", evidence: `impersonating ${target} over the metadata server` }
          : {
              kind: "unknown",
              evidence: "gcp: ambient credentials (metadata server) were not inspected",
            };
      case "injected":
        return { kind: "unknown", evidence: "gcp: an auth client of the application's own" };
      default:
        return {
          kind: "unknown",
          evidence: `gcp: credential file ${info.file} has a type that is not classified`,
        };
    }
  },
};
