// Smoke test of the AWS stand-in (moto) with the official SDK clients the provider uses.
import { randomUUID } from "node:crypto";
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { describe, expect, it } from "vitest";
import { standIn } from "../../support/stand-ins.js";

describe("aws stand-in (moto)", () => {
  const aws = standIn("aws");
  const config = { endpoint: aws.endpoint, region: aws.region, credentials: aws.credentials };

  it("listens on 127.0.0.1 only", () => {
    expect(new URL(aws.endpoint).hostname).toBe("127.0.0.1");
  });

  it("creates, reads back and deletes a Secrets Manager secret", async () => {
    const sm = new SecretsManagerClient(config);
    const name = `smoke/${randomUUID()}`;
    const value = `smoke-${randomUUID()}`;
    const created = await sm.send(new CreateSecretCommand({ Name: name, SecretString: value }));
    expect(created.ARN).toContain(name);

    const got = await sm.send(new GetSecretValueCommand({ SecretId: name }));
    expect(got.SecretString === value).toBe(true);
    expect(got.VersionStages).toContain("AWSCURRENT");

    await sm.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
    await expect(sm.send(new GetSecretValueCommand({ SecretId: name }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it("answers STS GetCallerIdentity", async () => {
    const sts = new STSClient(config);
    const id = await sts.send(new GetCallerIdentityCommand({}));
    expect(id.Account).toMatch(/^\d{12}$/);
  });
});
