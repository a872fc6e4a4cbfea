/**
 * GCP failures to typed errors: the official client's gRPC-coded errors (as google-gax
 * raises them) map like the REST answers the integration tests cover.
 */
import { describe, expect, it } from "vitest";
import { restFailure, toGcpError } from "../../../providers/gcp/errors.js";
import { SecretsError } from "../../../src/errors.js";

const subject = { reference: "gcp-sm://db@3", project: "acme-prod", secret: "db", version: "3" };
const grpc = (code: number, message: string, reason?: string) =>
  Object.assign(new Error(message), { code, ...(reason ? { reason } : {}) });

describe("toGcpError (official client errors)", () => {
  it.each([
    [5, "Secret [projects/acme-prod/secrets/db] not found.", "NOT_FOUND", /was not found/],
    [7, "Permission denied.", "ACCESS_DENIED", /secretmanager\.versions\.access/],
    [9, "Secret Version [...] is in DESTROYED state.", "NOT_FOUND", /is destroyed/],
    [9, "Secret Version [...] is in DISABLED state.", "ACCESS_DENIED", /is disabled/],
    [9, "Precondition failed.", "PROVIDER_ERROR", /FAILED_PRECONDITION/],
    [8, "Quota exceeded.", "THROTTLED", /RESOURCE_EXHAUSTED/],
    [14, "Service unavailable.", "UNAVAILABLE", /UNAVAILABLE/],
    [4, "Deadline exceeded.", "UNAVAILABLE", /DEADLINE_EXCEEDED/],
  ])("gRPC code %i (%s) -> %s", (code, message, expected, text) => {
    const cause = grpc(code, message);
    const err = toGcpError(cause, subject);
    expect(SecretsError.is(err, expected as never)).toBe(true);
    expect(err.message).toMatch(text);
    expect(err.message).toContain('secret "db" (version 3) in project acme-prod');
    expect(err.cause).toBe(cause);
    expect(err.reference).toBe("gcp-sm://db@3");
  });

  it("names the project when it does not exist or is not visible", () => {
    const err = toGcpError(
      grpc(7, "Permission denied on resource project acme-prod.", "CONSUMER_INVALID"),
      subject,
    );
    expect(err.code).toBe("ACCESS_DENIED");
    expect(err.message).toContain("project acme-prod does not exist or is not visible");
  });

  it("reads the REST error body, ErrorInfo reason included", () => {
    const f = restFailure(403, {
      error: {
        code: 403,
        status: "PERMISSION_DENIED",
        message: "Secret Manager API has not been used in project 1 before or it is disabled.",
        details: [
          { "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "SERVICE_DISABLED" },
        ],
      },
    });
    expect(f).toMatchObject({
      httpCode: 403,
      status: "PERMISSION_DENIED",
      reason: "SERVICE_DISABLED",
    });
    expect(restFailure(502, undefined)).toEqual({ httpCode: 502 });
  });
});
