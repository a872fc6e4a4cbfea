import { describe, expect, it } from "vitest";
import { resolveAwsConfig } from "../../../providers/aws/config.js";
import { SecretsError } from "../../../src/errors.js";

const ROLE = "arn:aws:iam::123456789012:role/reader";

describe("resolveAwsConfig", () => {
  it("reads the region from options, then AWS_REGION, then AWS_DEFAULT_REGION", () => {
    expect(resolveAwsConfig({}, {}).region).toBeUndefined();
    expect(resolveAwsConfig({}, { AWS_DEFAULT_REGION: "eu-west-1" }).region).toBe("eu-west-1");
    expect(
      resolveAwsConfig({}, { AWS_DEFAULT_REGION: "eu-west-1", AWS_REGION: "us-east-2" }).region,
    ).toBe("us-east-2");
    expect(resolveAwsConfig({ region: "ap-south-1" }, { AWS_REGION: "us-east-2" }).region).toBe(
      "ap-south-1",
    );
    expect(resolveAwsConfig({}, { AWS_REGION: "  " }).region).toBeUndefined();
  });

  it("reads the profile from AWS_PROFILE", () => {
    expect(resolveAwsConfig({}, { AWS_PROFILE: "prod" }).profile).toBe("prod");
    expect(resolveAwsConfig({ profile: "dev" }, { AWS_PROFILE: "prod" }).profile).toBe("dev");
  });

  it("prefers per-service endpoint variables over AWS_ENDPOINT_URL, and options over both", () => {
    const env = {
      AWS_ENDPOINT_URL: "http://127.0.0.1:1000",
      AWS_ENDPOINT_URL_SECRETS_MANAGER: "http://127.0.0.1:2000",
      AWS_ENDPOINT_URL_STS: "http://127.0.0.1:3000",
      AWS_ENDPOINT_URL_SSM: "http://127.0.0.1:4000",
    };
    expect(resolveAwsConfig({}, env).endpoints).toEqual({
      secretsManager: "http://127.0.0.1:2000",
      ssm: "http://127.0.0.1:4000",
      sts: "http://127.0.0.1:3000",
      iam: "http://127.0.0.1:1000",
    });
    expect(
      resolveAwsConfig({ endpoints: { sts: "http://127.0.0.1:5000" } }, env).endpoints.sts,
    ).toBe("http://127.0.0.1:5000");
    expect(resolveAwsConfig({ endpoint: "http://127.0.0.1:6000" }, {}).endpoints.ssm).toBe(
      "http://127.0.0.1:6000",
    );
  });

  it("ignores endpoint variables when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true, as the SDK does", () => {
    expect(
      resolveAwsConfig(
        {},
        { AWS_ENDPOINT_URL: "http://127.0.0.1:1000", AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true" },
      ).endpoints,
    ).toEqual({});
  });

  it("rejects a malformed endpoint, naming the variable", () => {
    const err = (() => {
      try {
        resolveAwsConfig({}, { AWS_ENDPOINT_URL_SSM: "localhost:4566" });
      } catch (e) {
        return e;
      }
    })();
    expect(SecretsError.is(err, "INVALID_CONFIG")).toBe(true);
    expect((err as Error).message).toContain("AWS_ENDPOINT_URL_SSM");
  });

  it("configures a role from AWS_ROLE_ARN, with web identity when a token file is set", () => {
    expect(resolveAwsConfig({}, {}).role).toBeUndefined();
    const plain = resolveAwsConfig({}, { AWS_ROLE_ARN: ROLE, AWS_ROLE_SESSION_NAME: "api" }).role;
    expect(plain).toEqual({ roleArn: ROLE, sessionName: "api" });
    const web = resolveAwsConfig(
      {},
      { AWS_ROLE_ARN: ROLE, AWS_WEB_IDENTITY_TOKEN_FILE: "/var/run/token" },
    ).role;
    expect(web?.webIdentityTokenFile).toBe("/var/run/token");
    expect(web?.sessionName).toMatch(/^secrets-loader-\d+$/);
    const opt = resolveAwsConfig(
      { roleArn: ROLE, externalId: "x", durationSeconds: 1800 },
      { AWS_ROLE_ARN: "ignored" },
    ).role;
    expect(opt).toMatchObject({ roleArn: ROLE, externalId: "x", durationSeconds: 1800 });
  });

  it("rejects a bad role ARN or session name, and a token file without a role", () => {
    expect(() => resolveAwsConfig({}, { AWS_ROLE_ARN: "reader" })).toThrow(
      /AWS_ROLE_ARN is not an IAM role ARN/,
    );
    expect(() => resolveAwsConfig({ roleArn: ROLE, roleSessionName: "a b" }, {})).toThrow(
      /session name/,
    );
    expect(() => resolveAwsConfig({ webIdentityTokenFile: "/t" }, {})).toThrow(/needs a role/);
  });

  it("validates maxAttempts and defaults batching on", () => {
    expect(resolveAwsConfig({}, {})).toMatchObject({ maxAttempts: 3, batch: true });
    expect(resolveAwsConfig({ batch: false, maxAttempts: 5 }, {})).toMatchObject({
      maxAttempts: 5,
      batch: false,
    });
    expect(() => resolveAwsConfig({ maxAttempts: 0 }, {})).toThrow(/maxAttempts/);
  });
});

describe("web identity belongs to the environment's role", () => {
  it("an explicit, different roleArn does not pick up AWS_WEB_IDENTITY_TOKEN_FILE", () => {
    const env = {
      AWS_REGION: "us-east-1",
      AWS_ROLE_ARN: "arn:aws:iam::123456789012:role/pod",
      AWS_WEB_IDENTITY_TOKEN_FILE: "/var/run/token",
    };
    const reader = "arn:aws:iam::123456789012:role/reader";
    expect(resolveAwsConfig({ roleArn: reader }, env).role).toEqual(
      expect.not.objectContaining({ webIdentityTokenFile: expect.anything() }),
    );
    expect(resolveAwsConfig({}, env).role?.webIdentityTokenFile).toBe("/var/run/token");
    expect(resolveAwsConfig({ roleArn: env.AWS_ROLE_ARN }, env).role?.webIdentityTokenFile).toBe(
      "/var/run/token",
    );
  });
});
