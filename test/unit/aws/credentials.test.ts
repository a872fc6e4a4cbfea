import { describe, expect, it } from "vitest";
import { planStsCall } from "../../../providers/aws/credentials.js";
import { rotationDays } from "../../../providers/aws/describe.js";
import { parameterValue } from "../../../providers/aws/ssm.js";

const ROLE = "arn:aws:iam::123456789012:role/reader";

describe("planStsCall", () => {
  it("chooses GetSessionToken, AssumeRole or web identity from the request", () => {
    expect(planStsCall({}, undefined)).toEqual({ kind: "sessionToken" });
    expect(planStsCall(undefined, undefined).kind).toBe("sessionToken");
    expect(planStsCall({ roleArn: ROLE }, undefined)).toMatchObject({
      kind: "assumeRole",
      roleArn: ROLE,
    });
    expect(planStsCall({ roleArn: ROLE, webIdentityTokenFile: "/t" }, undefined)).toMatchObject({
      kind: "webIdentity",
      tokenFile: "/t",
    });
  });

  it("uses the ambient role for an empty request, with its token file and session name", () => {
    const ambient = {
      roleArn: ROLE,
      sessionName: "pod",
      webIdentityTokenFile: "/var/run/t",
      durationSeconds: 1800,
    };
    expect(planStsCall({}, ambient)).toEqual({
      kind: "webIdentity",
      roleArn: ROLE,
      sessionName: "pod",
      durationSeconds: 1800,
      tokenFile: "/var/run/t",
    });
    // An explicit roleArn does not inherit the ambient role's settings.
    const other = "arn:aws:iam::123456789012:role/other";
    expect(planStsCall({ roleArn: other }, ambient)).toMatchObject({
      kind: "assumeRole",
      roleArn: other,
    });
    expect(planStsCall({ roleArn: other }, ambient)).not.toHaveProperty("durationSeconds");
  });

  it("serialises an object session policy", () => {
    const call = planStsCall(
      { roleArn: ROLE, policy: { Version: "2012-10-17", Statement: [] } },
      undefined,
    );
    expect(call).toMatchObject({ policy: '{"Version":"2012-10-17","Statement":[]}' });
  });

  it.each([
    [{ roleArn: ROLE, bogus: 1 }, /unknown request field "bogus"/],
    [{ roleArn: "role/reader" }, /not an IAM role ARN/],
    [{ roleArn: ROLE, durationSeconds: 50_000 }, /durationSeconds/],
    [{ mfaCode: () => "1" }, /needs serialNumber/],
    [{ tags: { a: "b" } }, /need a roleArn/],
    [{ webIdentityTokenFile: "/t" }, /needs roleArn/],
    [{ roleArn: ROLE, webIdentityToken: "static" }, /must be a function/],
    [
      { roleArn: ROLE, webIdentityTokenFile: "/t", tags: { a: "b" } },
      /cannot be used with a web identity/,
    ],
    ["arn", /must be an object/],
  ])("rejects %o", (request, message) => {
    expect(() => planStsCall(request, undefined)).toThrow(message);
  });
});

describe("small pure helpers", () => {
  it("rotationDays reads AutomaticallyAfterDays and rate() schedules", () => {
    expect(rotationDays(undefined)).toBeUndefined();
    expect(rotationDays({ AutomaticallyAfterDays: 30 })).toBe(30);
    expect(rotationDays({ ScheduleExpression: "rate(10 days)" })).toBe(10);
    expect(rotationDays({ ScheduleExpression: "cron(0 16 1,15 * ? *)" })).toBeUndefined();
  });

  it("parameterValue turns StringList into a JSON array string", () => {
    expect(parameterValue({ Type: "StringList", Value: "a,b" })).toBe('["a","b"]');
    expect(parameterValue({ Type: "SecureString", Value: "a,b" })).toBe("a,b");
    expect(parameterValue({ Type: "String" })).toBeUndefined();
  });
});
