import { describe, expect, it } from "vitest";
import { toSecretsError } from "../../../providers/aws/errors.js";

function sdkError(name: string, status: number, message = "m"): Error {
  return Object.assign(new Error(message), {
    name,
    $metadata: { httpStatusCode: status },
    $fault: status >= 500 ? "server" : "client",
  });
}

const ctx = { reference: "aws-sm://prod/db", subject: 'secret "prod/db"', region: "eu-west-1" };

describe("toSecretsError", () => {
  it.each([
    ["ResourceNotFoundException", 400, "NOT_FOUND"],
    ["ParameterNotFound", 400, "NOT_FOUND"],
    ["ParameterVersionNotFound", 400, "NOT_FOUND"],
    ["AccessDeniedException", 400, "ACCESS_DENIED"],
    ["UnrecognizedClientException", 400, "ACCESS_DENIED"],
    ["SomethingNew", 403, "ACCESS_DENIED"],
    ["DecryptionFailure", 400, "ACCESS_DENIED"],
    ["KMSAccessDeniedException", 400, "ACCESS_DENIED"],
    ["ExpiredTokenException", 400, "EXPIRED"],
    ["ThrottlingException", 400, "THROTTLED"],
    ["TooManyRequestsException", 429, "THROTTLED"],
    ["InternalServiceError", 500, "UNAVAILABLE"],
    ["SomethingNew", 503, "UNAVAILABLE"],
    ["InvalidParameterException", 400, "PROVIDER_ERROR"],
  ])("%s (HTTP %i) -> %s", (name, status, code) => {
    const cause = sdkError(name, status);
    const err = toSecretsError(cause, ctx);
    expect(err.code).toBe(code);
    expect(err.cause).toBe(cause);
    expect(err.reference).toBe("aws-sm://prod/db");
    expect(err.provider).toBe("aws");
    expect(err.message).toContain('secret "prod/db"');
  });

  it("tells a deleted secret from other invalid requests", () => {
    const deleted = toSecretsError(
      sdkError(
        "InvalidRequestException",
        400,
        "You tried to perform the operation on a secret that's currently marked deleted.",
      ),
      ctx,
    );
    expect(deleted.code).toBe("NOT_FOUND");
    expect(deleted.message).toContain("RestoreSecret");
    const pending = toSecretsError(sdkError("InvalidRequestException", 400, "pending"), ctx);
    expect(pending.code).toBe("PROVIDER_ERROR");
  });

  it("maps network failures (with the code on a nested cause) to UNAVAILABLE", () => {
    const net = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), {
      code: "ECONNREFUSED",
    });
    const err = toSecretsError(Object.assign(new Error("socket"), { cause: net }), ctx);
    expect(err.code).toBe("UNAVAILABLE");
    expect(err.message).toContain("ECONNREFUSED");
    expect(toSecretsError(Object.assign(new Error("t"), { name: "TimeoutError" }), ctx).code).toBe(
      "UNAVAILABLE",
    );
  });

  it("maps missing credentials and a missing region to configuration errors with the fix", () => {
    const creds = toSecretsError(
      Object.assign(new Error("Could not load credentials from any providers"), {
        name: "CredentialsProviderError",
      }),
      ctx,
    );
    expect(creds.code).toBe("INVALID_CONFIG");
    expect(creds.message).toContain("AWS_PROFILE");
    const region = toSecretsError(new Error("Region is missing"), ctx);
    expect(region.code).toBe("INVALID_CONFIG");
    expect(region.message).toContain("AWS_REGION");
  });

  it("never copies the SDK's message text into its own", () => {
    const err = toSecretsError(
      sdkError("AccessDeniedException", 400, "aws-test-sentinel-text"),
      ctx,
    );
    expect(err.message).not.toContain("aws-test-sentinel-text");
  });
});
