/**
 * Failures of the token endpoints (IAM Credentials, STS, the metadata server) as the
 * core's typed errors: the status and Google's error status are quoted, never a token.
 */

import {
  AccessDeniedError,
  classifyFailure,
  type SecretsError,
} from "../../../src/provider/index.js";

interface GaxiosLike {
  status?: number;
  response?: { status?: number; data?: { error?: { status?: string } | string } };
}

/** The HTTP status and Google's error status (`PERMISSION_DENIED`, `invalid_grant`) of a library error. */
export function responseOf(err: unknown): { status?: number; detail?: string } {
  const e = (err ?? {}) as GaxiosLike;
  const status = e.response?.status ?? e.status;
  const body = e.response?.data?.error;
  const detail = typeof body === "string" ? body : body?.status;
  return {
    ...(typeof status === "number" ? { status } : {}),
    ...(detail ? { detail } : {}),
  };
}

/**
 * A typed error for a failed token request. A 403 from IAM Credentials names the
 * permission and the role the caller lacks on the target.
 *
 * @example
 * ```ts
 * throw toGcpAuthError(err, { subject: "a token for deployer@p.iam.gserviceaccount.com", target: "deployer@p.iam.gserviceaccount.com", permission: "iam.serviceAccounts.getAccessToken" });
 * ```
 */
export function toGcpAuthError(
  err: unknown,
  what: { subject: string; target?: string; permission?: string },
): SecretsError {
  const response = responseOf(err);
  if (response.status === 403 && what.target) {
    return new AccessDeniedError({
      provider: "gcp",
      cause: err,
      message:
        `gcp: access denied to ${what.subject} (${response.detail ?? "PERMISSION_DENIED"}, HTTP 403): ` +
        `the source credentials lack ${what.permission ?? "iam.serviceAccounts.getAccessToken"} on ${what.target}. ` +
        `Grant them roles/iam.serviceAccountTokenCreator on that service account only (and on each delegate).`,
    });
  }
  return classifyFailure(err, { provider: "gcp", subject: what.subject }, response);
}
