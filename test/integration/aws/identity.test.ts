import {
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
} from "@aws-sdk/client-iam";
import { describe, expect, it } from "vitest";
import type { AwsOperations } from "../../../providers/aws/runtime.js";
import { allowsEverything, callerIdentity, principalOf } from "../../../providers/aws/whoami.js";
import { aws, awsSecrets, seedConfig, uniquePrefix } from "./support/moto.js";

const TRUST = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::123456789012:root" },
      Action: "sts:AssumeRole",
    },
  ],
});

// moto does not load AWS managed policies, so the tests make customer managed
// ones: "everything" allows * on * (admin under any name), "reader" one action.
const DOCS = {
  everything: {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
  },
  reader: {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*" }],
  },
};

async function policy(kind: keyof typeof DOCS): Promise<{ name: string; arn: string }> {
  const iam = new IAMClient(seedConfig());
  const name = `${uniquePrefix()}-${kind}`;
  const out = await iam.send(
    new CreatePolicyCommand({ PolicyName: name, PolicyDocument: JSON.stringify(DOCS[kind]) }),
  );
  return { name, arn: out.Policy?.Arn as string };
}

async function role(
  name: string,
  kind: keyof typeof DOCS,
): Promise<{ roleArn: string; policyName: string }> {
  const iam = new IAMClient(seedConfig());
  const out = await iam.send(
    new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: TRUST }),
  );
  const p = await policy(kind);
  await iam.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn: p.arn }));
  return { roleArn: out.Role?.Arn as string, policyName: p.name };
}

async function identityWith(options: Parameters<typeof awsSecrets>[1]) {
  const { secrets } = awsSecrets(aws().endpoint, options);
  try {
    return await callerIdentity(((await secrets.provider("aws")) as AwsOperations).clients);
  } finally {
    await secrets.close();
  }
}

describe("aws identity() for the doctor", () => {
  it("names the kind of principal from its ARN, and spots allow-everything policies", () => {
    expect(principalOf("arn:aws:iam::123456789012:root")).toEqual({ kind: "root" });
    expect(principalOf("arn:aws:iam::123456789012:user/team/ci")).toEqual({
      kind: "iam-user",
      name: "ci",
    });
    expect(principalOf("arn:aws:sts::123456789012:assumed-role/reader/s1")).toEqual({
      kind: "assumed-role",
      name: "reader",
    });
    expect(allowsEverything(encodeURIComponent(JSON.stringify(DOCS.everything)))).toBe(true);
    expect(allowsEverything(JSON.stringify(DOCS.reader))).toBe(false);
  });

  it("a role session is short-lived; an allow-everything policy on the role is admin", async () => {
    const name = `${uniquePrefix()}-admin`;
    const { roleArn, policyName } = await role(name, "everything");
    const id = await identityWith({ roleArn });
    expect(id.kind).toBe("assumed-role");
    expect(id.principal).toContain(`assumed-role/${name}/`);
    expect(id.shortLived).toBe(true);
    // Epoch ms, like every instant of the kit's contract.
    expect(id.expiresAt).toBeGreaterThan(Date.now());
    expect(id.policies).toEqual([policyName]);
    expect(id.admin).toBe(true);
  });

  it("a scoped role is not admin", async () => {
    const { roleArn, policyName } = await role(`${uniquePrefix()}-reader`, "reader");
    const id = await identityWith({ roleArn });
    expect(id.admin).toBe(false);
    expect(id.policies).toEqual([policyName]);
  });

  it("an IAM user's access key is long-lived, and its admin policy is found", async () => {
    const iam = new IAMClient(seedConfig());
    const user = `${uniquePrefix()}-ci`;
    await iam.send(new CreateUserCommand({ UserName: user }));
    await iam.send(
      new AttachUserPolicyCommand({ UserName: user, PolicyArn: (await policy("everything")).arn }),
    );
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: user }));
    const id = await identityWith({
      credentials: {
        accessKeyId: key.AccessKey?.AccessKeyId as string,
        secretAccessKey: key.AccessKey?.SecretAccessKey as string,
      },
    });
    expect(id.shortLived).toBe(false);
    expect(id.kind).toBe("iam-user");
    expect(id.principal).toContain(`user/${user}`);
    expect(id.admin).toBe(true);
  });
});
