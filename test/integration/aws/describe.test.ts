import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from "@aws-sdk/client-iam";
import {
  CreateSecretCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessKeyAge } from "../../../providers/aws/key-age.js";
import type { AwsOperations } from "../../../providers/aws/runtime.js";
import { expectNoValues } from "./support/leaks.js";
import { aws, awsSecrets, fakeValue, seedConfig, uniquePrefix } from "./support/moto.js";

const prefix = uniquePrefix();
let sm: SecretsManagerClient;

beforeAll(() => {
  sm = new SecretsManagerClient(seedConfig());
});

afterAll(() => {
  sm.destroy();
});

describe("describe(ref) for the doctor", () => {
  it("reports rotation enabled, rules, last rotated, last changed and next rotation", async () => {
    const v = fakeValue("rot");
    const name = `${prefix}/rotated`;
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: v }));
    await sm.send(
      new RotateSecretCommand({
        SecretId: name,
        RotationRules: { AutomaticallyAfterDays: 30 },
      }),
    );
    const { secrets, events } = awsSecrets(aws().endpoint);
    const meta = await secrets.describe(`aws-sm://${name}`);
    expect(meta?.rotationEnabled).toBe(true);
    expect(meta?.rotationDays).toBe(30);
    // Epoch ms, like every instant of the kit's contract.
    expect(typeof meta?.lastRotated).toBe("number");
    expect(typeof meta?.lastChanged).toBe("number");
    expect(typeof meta?.nextRotation).toBe("number");
    expect(Math.abs(Number(meta?.lastRotated) - Date.now())).toBeLessThan(120_000);
    expect(meta?.details?.name).toBe(name);
    expectNoValues([v], [meta, events]);
    await secrets.close();
  });

  it("reports a secret without rotation", async () => {
    const name = `${prefix}/static`;
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: fakeValue("static") }));
    const { secrets } = awsSecrets(aws().endpoint);
    const meta = await secrets.describe(`aws-sm://${name}`);
    expect(meta?.rotationEnabled).toBe(false);
    expect(meta?.rotationDays).toBeUndefined();
    expect(meta?.lastRotated).toBeUndefined();
    await expect(secrets.describe(`aws-sm://${prefix}/absent`)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await secrets.close();
  });

  it("reports an SSM parameter's last change and version", async () => {
    const ssm = new SSMClient(seedConfig());
    await ssm.send(
      new PutParameterCommand({
        Name: `/${prefix}/param`,
        Value: fakeValue("p"),
        Type: "SecureString",
      }),
    );
    ssm.destroy();
    const { secrets } = awsSecrets(aws().endpoint);
    const meta = await secrets.describe(`aws-ssm:///${prefix}/param`);
    expect(meta?.rotationEnabled).toBe(false);
    expect(typeof meta?.lastChanged).toBe("number");
    expect(meta?.details?.version).toBe(1);
    await expect(secrets.describe(`aws-ssm:///${prefix}/nothing`)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await secrets.close();
  });
});

describe("accessKeyAge()", () => {
  it("lists the caller's IAM access keys with their age, masked", async () => {
    const iam = new IAMClient(seedConfig());
    const user = `${prefix}-deployer`;
    await iam.send(new CreateUserCommand({ UserName: user }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: user }))).AccessKey;
    iam.destroy();
    const { secrets } = awsSecrets(aws().endpoint, {
      credentials: {
        accessKeyId: key?.AccessKeyId as string,
        secretAccessKey: key?.SecretAccessKey as string,
      },
    });
    const provider = (await secrets.provider("aws")) as AwsOperations;
    const report = await accessKeyAge(provider.clients);
    expect(report.permitted).toBe(true);
    expect(report.userName).toBe(user);
    expect(report.keys).toHaveLength(1);
    expect(report.keys[0]?.ageDays).toBe(0);
    expect(report.keys[0]?.status).toBe("Active");
    expect(report.keys[0]?.accessKeyId).toBe(`AKIA…${key?.AccessKeyId?.slice(-4)}`);
    expectNoValues([key?.SecretAccessKey as string, key?.AccessKeyId as string], [report]);
    await secrets.close();
  });

  it("says why when the caller has no IAM user keys (not permitted)", async () => {
    const { secrets } = awsSecrets(aws().endpoint);
    const provider = (await secrets.provider("aws")) as AwsOperations;
    const report = await accessKeyAge(provider.clients);
    expect(report.permitted).toBe(false);
    expect(report.reason).toMatch(/not an IAM user/);
    expect(report.keys).toEqual([]);
    await secrets.close();
  });
});
