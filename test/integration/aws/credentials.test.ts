import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AwsCredentialIdentity } from "../../../providers/aws/index.js";
import type { SecretsError } from "../../../src/index.js";
import { expectNoValues } from "./support/leaks.js";
import { aws, awsSecrets, fakeValue, seedConfig, uniquePrefix } from "./support/moto.js";
import { type RecordingProxy, startRecordingProxy } from "./support/recording-proxy.js";

const ROLE = "arn:aws:iam::123456789012:role/payments-reader";
let proxy: RecordingProxy;
let dir: string;

beforeAll(async () => {
  proxy = await startRecordingProxy(aws().endpoint);
  dir = await mkdtemp(join(tmpdir(), "aws-creds-"));
});

afterAll(async () => {
  await proxy.close();
  await rm(dir, { recursive: true, force: true });
});

function secretParts(c: AwsCredentialIdentity): string[] {
  return [c.secretAccessKey, c.sessionToken ?? ""].filter((s) => s.length > 8);
}

describe('getCredentials("aws", request)', () => {
  it("AssumeRole with session name, external id, duration, session policy and tags", async () => {
    const { secrets, events } = awsSecrets(proxy.url);
    proxy.reset();
    const creds = await secrets.getCredentials("aws", {
      roleArn: ROLE,
      sessionName: "payments-api",
      externalId: "acme-ext-1",
      durationSeconds: 900,
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*" }],
      },
      tags: { team: "payments", env: "test" },
    });
    expect(creds.accessKeyId).toMatch(/^ASIA/);
    expect(creds.sessionToken).toBeTruthy();
    expect(creds.expiration).toBeInstanceOf(Date);
    expect((creds.expiration as Date).getTime()).toBeGreaterThan(Date.now() + 800_000);
    expect(proxy.count("AssumeRole", "sts")).toBe(1);
    const p = proxy.calls[0]?.params as Record<string, string>;
    expect(p.RoleArn).toBe(ROLE);
    expect(p.RoleSessionName).toBe("payments-api");
    expect(p.ExternalId).toBe("acme-ext-1");
    expect(p.DurationSeconds).toBe("900");
    expect(JSON.parse(p.Policy as string).Statement[0].Action).toBe(
      "secretsmanager:GetSecretValue",
    );
    expect([p["Tags.member.1.Key"], p["Tags.member.1.Value"], p["Tags.member.2.Key"]]).toEqual([
      "team",
      "payments",
      "env",
    ]);
    const issued = events.find((e) => e.type === "credentials");
    expect(issued).toMatchObject({ type: "credentials", action: "issued", provider: "aws" });
    expectNoValues(secretParts(creds), [events, secrets]);
    await secrets.close();
  });

  it("1,000 concurrent cold calls make exactly one AssumeRole call", async () => {
    const { secrets } = awsSecrets(proxy.url);
    proxy.reset();
    const all = await Promise.all(
      Array.from({ length: 1000 }, () =>
        secrets.getCredentials("aws", {
          roleArn: ROLE,
          sessionName: "burst",
        }),
      ),
    );
    expect(new Set(all.map((c) => c.accessKeyId)).size).toBe(1);
    expect(proxy.count("AssumeRole")).toBe(1);
    await secrets.close();
  });

  it("renews ahead of expiry in the background (a 6 s session, renewed after half its life)", async () => {
    const { secrets, events } = awsSecrets(proxy.url);
    proxy.reset();
    // moto accepts sessions shorter than AWS's 900 s minimum, which lets the renewal happen in seconds.
    const request = { roleArn: ROLE, durationSeconds: 6 };
    const first = await secrets.getCredentials("aws", request);
    await new Promise((r) => setTimeout(r, 3500));
    // Inside the renewal window: the still-valid session is served while one renewal runs.
    const during = await secrets.getCredentials("aws", request);
    expect((during.expiration as Date).getTime()).toBeGreaterThan(Date.now());
    await expect
      .poll(() => events.some((e) => e.type === "credentials" && e.action === "rotated"), {
        timeout: 15_000,
      })
      .toBe(true);
    const after = await secrets.getCredentials("aws", request);
    expect(after.accessKeyId).not.toBe(first.accessKeyId);
    expect(proxy.count("AssumeRole")).toBe(2);
    expect(
      events.filter((e) => e.type === "credentials").map((e) => (e as { action: string }).action),
    ).toEqual(["issued", "rotated"]);
    await secrets.close();
  });

  it("AssumeRoleWithWebIdentity re-reads the token file on every refresh", async () => {
    const file = join(dir, "token");
    await writeFile(file, "oidc-token-one\n");
    const { secrets } = awsSecrets(proxy.url);
    proxy.reset();
    const request = { roleArn: ROLE, webIdentityTokenFile: file, sessionName: "ci" };
    const a = await secrets.getCredentials("aws", request);
    await writeFile(file, "oidc-token-two\n");
    secrets.invalidateCredentials("aws");
    const b = await secrets.getCredentials("aws", request);
    expect(b.accessKeyId).not.toBe(a.accessKeyId);
    const tokens = proxy.calls
      .filter((c) => c.operation === "AssumeRoleWithWebIdentity")
      .map((c) => c.params.WebIdentityToken);
    expect(tokens).toEqual(["oidc-token-one", "oidc-token-two"]);
    // Web identity calls are unsigned: no base key is involved.
    expect(proxy.calls.every((c) => c.accessKeyId === "")).toBe(true);
    await secrets.close();
  });

  it("AssumeRoleWithWebIdentity calls the token callback on every issue", async () => {
    let n = 0;
    const webIdentityToken = async () => `callback-token-${++n}`;
    const { secrets } = awsSecrets(proxy.url);
    proxy.reset();
    await secrets.getCredentials("aws", { roleArn: ROLE, webIdentityToken });
    secrets.invalidateCredentials("aws");
    await secrets.getCredentials("aws", { roleArn: ROLE, webIdentityToken });
    expect(proxy.calls.map((c) => c.params.WebIdentityToken)).toEqual([
      "callback-token-1",
      "callback-token-2",
    ]);
    await secrets.close();
  });

  it("a missing token file is a ConfigError naming the file", async () => {
    const { secrets } = awsSecrets(proxy.url);
    const err = (await secrets
      .getCredentials("aws", { roleArn: ROLE, webIdentityTokenFile: join(dir, "absent") })
      .catch((e: unknown) => e)) as SecretsError;
    expect(err.code).toBe("INVALID_CONFIG");
    expect(err.message).toContain(join(dir, "absent"));
    await secrets.close();
  });

  it("GetSessionToken with an MFA code callback", async () => {
    const { secrets } = awsSecrets(proxy.url);
    proxy.reset();
    const serials: string[] = [];
    const creds = await secrets.getCredentials("aws", {
      durationSeconds: 900,
      serialNumber: "arn:aws:iam::123456789012:mfa/dev",
      mfaCode: (serial: string) => {
        serials.push(serial);
        return "123456";
      },
    });
    expect(creds.sessionToken).toBeTruthy();
    expect(creds.expiration).toBeInstanceOf(Date);
    expect(serials).toEqual(["arn:aws:iam::123456789012:mfa/dev"]);
    expect(proxy.calls[0]?.params).toMatchObject({
      Action: "GetSessionToken",
      SerialNumber: "arn:aws:iam::123456789012:mfa/dev",
      TokenCode: "123456",
      DurationSeconds: "900",
    });
    await secrets.close();
  });

  it("rejects a malformed request before any call", async () => {
    const { secrets } = awsSecrets(proxy.url);
    proxy.reset();
    for (const request of [
      { roleArn: "not-an-arn" },
      { roleArn: ROLE, sesionName: "typo" },
      { roleArn: ROLE, durationSeconds: 1.5 },
      { mfaCode: () => "123456" },
      { roleArn: ROLE, webIdentityToken: () => "t", externalId: "x" },
    ]) {
      const err = (await secrets
        .getCredentials("aws", request)
        .catch((e: unknown) => e)) as SecretsError;
      expect(err.code).toBe("INVALID_CONFIG");
    }
    expect(proxy.calls.length).toBe(0);
    await secrets.close();
  });

  it("maps an STS denial to AccessDeniedError naming the role", async () => {
    const { secrets } = awsSecrets(proxy.url);
    proxy.fault = (c) =>
      c.operation === "AssumeRole"
        ? { status: 403, code: "AccessDenied", message: "not authorized to perform sts:AssumeRole" }
        : undefined;
    const err = (await secrets
      .getCredentials("aws", { roleArn: ROLE })
      .catch((e: unknown) => e)) as SecretsError;
    proxy.fault = undefined;
    expect(err.code).toBe("ACCESS_DENIED");
    expect(err.message).toContain(ROLE);
    expect((err.cause as Error).name).toBe("AccessDenied");
    await secrets.close();
  });

  it("renews the role session on the client's cache.credentialRefreshLead (one memo, no own timer)", async () => {
    // The role session lives in the client's memo: a 4 s session with a 1 s
    // lead is renewed about 3 s in; the default lead (5 min, capped at half
    // the life) would renew it after 2 s.
    const { CreateSecretCommand, SecretsManagerClient } = await import(
      "@aws-sdk/client-secrets-manager"
    );
    const sm = new SecretsManagerClient(seedConfig());
    const name = `${uniquePrefix()}/lead`;
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: fakeValue("lead") }));
    sm.destroy();
    const { secrets, events } = awsSecrets(
      proxy.url,
      { roleArn: ROLE, durationSeconds: 4 },
      { cache: { credentialRefreshLead: "1s", maxAge: 100 } },
    );
    proxy.reset();
    const sessions = () =>
      events.filter((e) => e.type === "credentials" && e.reference.startsWith("aws:role-session:"));
    await secrets.getSecret(`aws-sm://${name}`);
    const issuedAt = sessions()[0]?.time ?? 0;
    expect(sessions().map((e) => (e as { action: string }).action)).toEqual(["issued"]);
    const deadline = Date.now() + 8000;
    while (sessions().length < 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 150));
      await secrets.getSecret(`aws-sm://${name}`);
    }
    const rotated = sessions()[1];
    expect(rotated).toMatchObject({ action: "rotated" });
    expect((rotated?.time ?? 0) - issuedAt).toBeGreaterThanOrEqual(2700);
    expect(proxy.count("AssumeRole", "sts")).toBe(2);
    await secrets.close();
  });
});
