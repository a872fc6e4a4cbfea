import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsProvider } from "../../../providers/aws/index.js";
import {
  createSecrets,
  LoadError,
  type SecretsError,
  type SecretsEvent,
} from "../../../src/index.js";
import { expectNoValues } from "./support/leaks.js";
import { aws, awsSecrets, fakeValue, seedConfig, uniquePrefix } from "./support/moto.js";
import { type RecordingProxy, startRecordingProxy } from "./support/recording-proxy.js";

const ROLE = "arn:aws:iam::123456789012:role/app-secrets-reader";
// A fake long-lived IAM user key: the AKIA prefix is what marks such keys.
const STATIC_KEY = {
  accessKeyId: `AKIA${"TESTSTATIC".padEnd(16, "X")}`,
  secretAccessKey: "aws-test-static-secret-key-not-real",
};

let proxy: RecordingProxy;
let dir: string;
const prefix = uniquePrefix();
const values: string[] = [];

beforeAll(async () => {
  const cfg = seedConfig();
  proxy = await startRecordingProxy(cfg.endpoint);
  dir = await mkdtemp(join(tmpdir(), "aws-ambient-"));
  const sm = new SecretsManagerClient(cfg);
  const ssm = new SSMClient(cfg);
  for (const name of ["one", "two", "three"]) {
    const v = fakeValue(name);
    values.push(v);
    await sm.send(new CreateSecretCommand({ Name: `${prefix}/${name}`, SecretString: v }));
    await ssm.send(
      new PutParameterCommand({ Name: `/${prefix}/${name}`, Value: v, Type: "SecureString" }),
    );
  }
  sm.destroy();
  ssm.destroy();
});

afterAll(async () => {
  await proxy.close();
  await rm(dir, { recursive: true, force: true });
});

describe("ambient configuration", () => {
  it("uses AWS_DEFAULT_REGION and the per-service AWS_ENDPOINT_URL_* over AWS_ENDPOINT_URL", async () => {
    const provider = awsProvider({
      credentials: aws().credentials,
      env: {
        AWS_DEFAULT_REGION: "eu-west-3",
        AWS_ENDPOINT_URL: aws().endpoint,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: proxy.url,
      },
    });
    const secrets = createSecrets({ builtins: false, providers: { aws: provider } });
    proxy.reset();
    // Secrets Manager goes through the proxy; SSM straight to the stand-in (not recorded).
    await expect(secrets.getSecret(`aws-sm://${prefix}/one`)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(secrets.getSecret(`aws-ssm:///${prefix}/one`)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect(proxy.calls.map((c) => [c.operation, c.region])).toEqual([
      ["GetSecretValue", "eu-west-3"],
    ]);
    // ?region= overrides the ambient region per reference.
    expect(await secrets.getSecret(`aws-sm://${prefix}/one?region=us-east-1`)).toBe(values[0]);
    expect(proxy.calls.at(-1)?.region).toBe("us-east-1");
    await secrets.close();
  });

  it("AWS_PROFILE selects the base credentials from the shared files", async () => {
    const credsFile = join(dir, "credentials");
    const profileKey = `AKIA${"PROFILEKEY".padEnd(16, "Y")}`;
    await writeFile(
      credsFile,
      `[default]\naws_access_key_id = AKIADEFAULTXXXXXXXXX\naws_secret_access_key = aws-test-default\n\n` +
        `[ci-profile]\naws_access_key_id = ${profileKey}\naws_secret_access_key = aws-test-profile-secret\n`,
    );
    await writeFile(join(dir, "config"), "[profile ci-profile]\nregion = us-east-1\n");
    const saved = { ...process.env };
    process.env.AWS_SHARED_CREDENTIALS_FILE = credsFile;
    process.env.AWS_CONFIG_FILE = join(dir, "config");
    try {
      const { secrets } = awsSecrets(proxy.url, {
        credentials: undefined,
        env: { AWS_PROFILE: "ci-profile" },
      });
      proxy.reset();
      expect(await secrets.getSecret(`aws-sm://${prefix}/one`)).toBe(values[0]);
      expect(proxy.calls.map((c) => c.accessKeyId)).toEqual([profileKey]);
      await secrets.close();
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
  });

  it("with a role configured, reads are signed with the role's STS credentials, never the base keys", async () => {
    const { secrets, events } = awsSecrets(proxy.url, {
      roleArn: ROLE,
      roleSessionName: "checkout",
      credentials: STATIC_KEY,
    });
    proxy.reset();
    const out = await secrets.load({
      A: `aws-sm://${prefix}/one`,
      B: `aws-sm://${prefix}/two`,
      C: `aws-ssm:///${prefix}/three`,
    });
    expect(out).toEqual({ A: values[0], B: values[1], C: values[2] });
    expect(await secrets.getSecret(`aws-ssm:///${prefix}/one`)).toBe(values[0]);
    const sts = proxy.calls.filter((c) => c.service === "sts");
    const reads = proxy.calls.filter((c) => c.service !== "sts");
    expect(sts.map((c) => [c.operation, c.accessKeyId, c.params.RoleSessionName])).toEqual([
      ["AssumeRole", STATIC_KEY.accessKeyId, "checkout"],
    ]);
    expect(reads.length).toBeGreaterThanOrEqual(3);
    for (const r of reads) expect(r.accessKeyId).toMatch(/^ASIA/);
    const session = events.find((e) => e.type === "credentials");
    expect(session).toMatchObject({ action: "issued", reference: `aws:role-session:${ROLE}` });
    expectNoValues(values, [events]);
    await secrets.close();
  });

  it("a role session that cannot be assumed fails the read with the STS error, naming the role", async () => {
    const { secrets } = awsSecrets(proxy.url, {
      roleArn: ROLE,
      credentials: STATIC_KEY,
      maxAttempts: 1,
    });
    proxy.fault = (c) =>
      c.operation === "AssumeRole"
        ? { status: 403, code: "AccessDenied", message: "not authorized" }
        : undefined;
    proxy.reset();
    const err = (await secrets
      .getSecret(`aws-sm://${prefix}/one`)
      .catch((e: unknown) => e)) as SecretsError;
    proxy.fault = undefined;
    expect(err.code).toBe("ACCESS_DENIED");
    expect(err.message).toContain(`AssumeRole for ${ROLE}`);
    // The read's own error names the secret; the role's error is its cause.
    expect(err.message).toContain(`${prefix}/one`);
    expect(err.reference).toBe(`aws-sm://${prefix}/one`);
    expect((err.cause as SecretsError).code).toBe("ACCESS_DENIED");
    expect(proxy.calls.map((c) => c.operation)).toEqual(["AssumeRole"]);
    await secrets.close();
  });

  it("AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE: reads use AssumeRoleWithWebIdentity credentials", async () => {
    const file = join(dir, "eks-token");
    await writeFile(file, "projected-sa-token");
    const { secrets } = awsSecrets(proxy.url, {
      credentials: STATIC_KEY,
      env: {
        AWS_ROLE_ARN: ROLE,
        AWS_WEB_IDENTITY_TOKEN_FILE: file,
        AWS_ROLE_SESSION_NAME: "eks-pod",
      },
    });
    proxy.reset();
    expect(await secrets.getSecret(`aws-sm://${prefix}/two`)).toBe(values[1]);
    expect(proxy.calls.map((c) => c.operation)).toEqual([
      "AssumeRoleWithWebIdentity",
      "GetSecretValue",
    ]);
    expect(proxy.calls[0]?.params).toMatchObject({
      RoleArn: ROLE,
      RoleSessionName: "eks-pod",
      WebIdentityToken: "projected-sa-token",
    });
    expect(proxy.calls[1]?.accessKeyId).toMatch(/^ASIA/);
    expect(proxy.calls.some((c) => c.accessKeyId === STATIC_KEY.accessKeyId)).toBe(false);
    await secrets.close();
  });

  it("policy.requireShortLived refuses static AKIA keys used directly, naming the fix", async () => {
    const events: SecretsEvent[] = [];
    const { secrets } = awsSecrets(
      proxy.url,
      { credentials: STATIC_KEY },
      { policy: { requireShortLived: true }, onEvent: (e) => events.push(e) },
    );
    proxy.reset();
    const err = (await secrets
      .getSecret(`aws-sm://${prefix}/one`)
      .catch((e: unknown) => e)) as SecretsError;
    expect(err.code).toBe("POLICY_VIOLATION");
    expect(err.message).toContain("AKIA");
    expect(err.message).toContain("AWS_ROLE_ARN");
    expect(err.message).not.toContain(STATIC_KEY.accessKeyId);
    const loadErr = (await secrets
      .load({
        A: `aws-sm://${prefix}/one`,
        B: `aws-sm://${prefix}/two`,
        P: `aws-ssm:///${prefix}/one`,
      })
      .catch((e: unknown) => e)) as LoadError;
    expect(loadErr).toBeInstanceOf(LoadError);
    expect(loadErr.failures.map((f) => f.code)).toEqual([
      "POLICY_VIOLATION",
      "POLICY_VIOLATION",
      "POLICY_VIOLATION",
    ]);
    expect(proxy.calls.length).toBe(0);
    expectNoValues([STATIC_KEY.secretAccessKey, ...values], [err, loadErr, events]);
    await secrets.close();
  });

  it("policy.requireShortLived judges the root material: AKIA keys refused even only to assume a role (no STS call, no read); temporary keys pass", async () => {
    const { secrets: withRole } = awsSecrets(
      proxy.url,
      { credentials: STATIC_KEY, roleArn: ROLE },
      { policy: { requireShortLived: true } },
    );
    proxy.reset();
    const err = (await withRole
      .getSecret(`aws-sm://${prefix}/one`)
      .catch((e: unknown) => e)) as SecretsError;
    expect(err.code).toBe("POLICY_VIOLATION");
    expect(err.message).toContain(`even only to assume ${ROLE}`);
    expect(err.message).toContain("AWS_WEB_IDENTITY_TOKEN_FILE");
    expect(err.message).not.toContain(STATIC_KEY.accessKeyId);
    const creds = await withRole.getCredentials("aws", {}).catch((e: unknown) => e);
    expect((creds as SecretsError).code).toBe("POLICY_VIOLATION");
    expect(proxy.calls.length).toBe(0);
    await withRole.close();
    const { secrets: temporary } = awsSecrets(
      proxy.url,
      {
        credentials: {
          ...STATIC_KEY,
          accessKeyId: "ASIATEMPORARYXXXXXXX",
          sessionToken: "aws-test-session-token",
        },
      },
      { policy: { requireShortLived: true } },
    );
    expect(await temporary.getSecret(`aws-sm://${prefix}/two`)).toBe(values[1]);
    await temporary.close();
  });

  it("the zero-config client registers aws from the standard variables", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_REGION: aws().region,
      AWS_ENDPOINT_URL: proxy.url,
      AWS_ACCESS_KEY_ID: aws().credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: aws().credentials.secretAccessKey,
    });
    try {
      const secrets = createSecrets();
      proxy.reset();
      expect(await secrets.getSecret(`aws-sm://${prefix}/three`)).toBe(values[2]);
      expect(await secrets.getSecret(`aws-ssm:///${prefix}/three`)).toBe(values[2]);
      expect(proxy.calls.map((c) => c.operation)).toEqual(["GetSecretValue", "GetParameter"]);
      await secrets.close();
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
  });
});
