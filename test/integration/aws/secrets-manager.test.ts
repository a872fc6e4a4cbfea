import {
  CreateSecretCommand,
  DeleteSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LoadError, SecretsError } from "../../../src/index.js";
import { expectNoValues } from "./support/leaks.js";
import { awsSecrets, fakeValue, seedConfig, uniquePrefix } from "./support/moto.js";
import { type RecordingProxy, startRecordingProxy } from "./support/recording-proxy.js";

let proxy: RecordingProxy;
let sm: SecretsManagerClient;
const prefix = uniquePrefix();
const values: string[] = [];

function remember<T extends string>(v: T): T {
  values.push(v);
  return v;
}

async function createSecret(
  name: string,
  value: string | Uint8Array,
): Promise<{ arn: string; versionId: string }> {
  const out = await sm.send(
    new CreateSecretCommand(
      typeof value === "string"
        ? { Name: name, SecretString: value }
        : { Name: name, SecretBinary: value },
    ),
  );
  return { arn: out.ARN as string, versionId: out.VersionId as string };
}

beforeAll(async () => {
  const cfg = seedConfig();
  sm = new SecretsManagerClient(cfg);
  proxy = await startRecordingProxy(cfg.endpoint);
});

afterAll(async () => {
  sm.destroy();
  await proxy.close();
});

describe("aws-sm:// single reads", () => {
  it("reads a SecretString by name and by ARN, and a JSON #field", async () => {
    const password = remember(fakeValue("pw"));
    const { arn } = await createSecret(
      `${prefix}/db`,
      JSON.stringify({ username: "app", password }),
    );
    const { secrets, events } = awsSecrets(proxy.url);
    expect(await secrets.getSecret(`aws-sm://${prefix}/db#password`)).toBe(password);
    expect(await secrets.getSecret(`aws-sm://${prefix}/db#username`)).toBe("app");
    expect(await secrets.getSecret(`aws-sm://${arn}`, { type: "json" })).toEqual({
      username: "app",
      password,
    });
    expectNoValues(values, [events, secrets]);
    await secrets.close();
  });

  it("returns SecretBinary as bytes, and as UTF-8 text for type string", async () => {
    const text = remember(fakeValue("bin"));
    const bytes = new TextEncoder().encode(text);
    await createSecret(`${prefix}/binary`, bytes);
    const { secrets } = awsSecrets(proxy.url);
    const got = await secrets.getSecret(`aws-sm://${prefix}/binary`, { type: "binary" });
    expect(got).toBeInstanceOf(Uint8Array);
    expect([...got]).toEqual([...bytes]);
    expect(await secrets.getSecret(`aws-sm://${prefix}/binary`)).toBe(text);
    await secrets.close();
  });

  it("selects versions by stage and id, each cached under its own key", async () => {
    const v1 = remember(fakeValue("v1"));
    const v2 = remember(fakeValue("v2"));
    const v3 = remember(fakeValue("v3"));
    const name = `${prefix}/staged`;
    const first = await createSecret(name, v1);
    await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: v2 })); // v2 current, v1 previous
    const pending = await sm.send(
      new PutSecretValueCommand({
        SecretId: name,
        SecretString: v3,
        VersionStages: ["AWSPENDING", "canary"],
      }),
    );
    const { secrets } = awsSecrets(proxy.url);
    proxy.reset();
    expect(await secrets.getSecret(`aws-sm://${name}`)).toBe(v2);
    expect(await secrets.getSecret(`aws-sm://${name}?versionStage=AWSCURRENT`)).toBe(v2);
    expect(await secrets.getSecret(`aws-sm://${name}?versionStage=AWSPREVIOUS`)).toBe(v1);
    expect(await secrets.getSecret(`aws-sm://${name}?versionStage=AWSPENDING`)).toBe(v3);
    expect(await secrets.getSecret(`aws-sm://${name}?versionStage=canary`)).toBe(v3);
    expect(await secrets.getSecret(`aws-sm://${name}?versionId=${first.versionId}`)).toBe(v1);
    expect(await secrets.getSecret(`aws-sm://${name}?versionId=${pending.VersionId}`)).toBe(v3);
    // Again: all from the cache, each stage under its own entry.
    expect(await secrets.getSecret(`aws-sm://${name}?versionStage=AWSPREVIOUS`)).toBe(v1);
    expect(await secrets.getSecret(`aws-sm://${name}`)).toBe(v2);
    expect(proxy.count("GetSecretValue")).toBe(7);
    const stages = proxy.calls.map((c) => c.params.VersionStage ?? c.params.VersionId ?? "-");
    expect(stages).toEqual([
      "AWSCURRENT",
      "AWSCURRENT",
      "AWSPREVIOUS",
      "AWSPENDING",
      "canary",
      first.versionId,
      pending.VersionId,
    ]);
    await secrets.close();
  });
});

describe("load() batching", () => {
  it("loads 45 secrets with 3 BatchGetSecretValue calls (20 + 20 + 5) and no single reads", async () => {
    const spec: Record<string, string> = {};
    const expected: Record<string, string> = {};
    await Promise.all(
      Array.from({ length: 45 }, async (_, i) => {
        const v = remember(fakeValue(`batch${i}`));
        await createSecret(`${prefix}/batch/${i}`, v);
        spec[`S${i}`] = `aws-sm://${prefix}/batch/${i}`;
        expected[`S${i}`] = v;
      }),
    );
    const { secrets, events } = awsSecrets(proxy.url);
    proxy.reset();
    const loaded = await secrets.load(spec);
    expect(loaded).toEqual(expected);
    expect(proxy.count("BatchGetSecretValue")).toBe(3);
    expect(proxy.count("GetSecretValue")).toBe(0);
    const sizes = proxy.calls
      .map((c) => (c.params.SecretIdList as string[]).length)
      .sort((a, b) => a - b);
    expect(sizes).toEqual([5, 20, 20]);
    // Cached now: a second load makes no call.
    await secrets.load(spec);
    expect(proxy.calls.length).toBe(3);
    expectNoValues(values, [events]);
    await secrets.close();
  });

  it("reports every missing reference by name, whether the batch answer lists it or drops it", async () => {
    const a = remember(fakeValue("a"));
    await createSecret(`${prefix}/present`, a);
    const { secrets, events } = awsSecrets(proxy.url);
    // Drop the "missing-dropped" id from the answer, as moto does for unknown ids.
    proxy.rewrite = (call, body) => {
      if (call.operation !== "BatchGetSecretValue") return body;
      const out = JSON.parse(body) as { Errors?: Array<{ SecretId: string }> };
      out.Errors = (out.Errors ?? []).filter((e) => !e.SecretId.endsWith("missing-dropped"));
      return JSON.stringify(out);
    };
    proxy.reset();
    const err = await secrets
      .load({
        A: `aws-sm://${prefix}/present`,
        LISTED: `aws-sm://${prefix}/missing-listed`,
        DROPPED: `aws-sm://${prefix}/missing-dropped`,
      })
      .catch((e: unknown) => e);
    proxy.rewrite = undefined;
    expect(err).toBeInstanceOf(LoadError);
    const failures = (err as LoadError).failures;
    expect(failures.map((f) => [f.name, f.code])).toEqual([
      ["LISTED", "NOT_FOUND"],
      ["DROPPED", "NOT_FOUND"],
    ]);
    expect(failures[0]?.message).toContain(`${prefix}/missing-listed`);
    expect(failures[1]?.message).toContain(`${prefix}/missing-dropped`);
    expect(proxy.count("BatchGetSecretValue")).toBe(1);
    // Only the dropped id is read again on its own, which names it.
    expect(
      proxy.calls.filter((c) => c.operation === "GetSecretValue").map((c) => c.params.SecretId),
    ).toEqual([`${prefix}/missing-dropped`]);
    expectNoValues(values, [err, events]);
    await secrets.close();
  });

  it("reports a secret the batch answer denies as ACCESS_DENIED, by name, next to the ones it returns", async () => {
    const open = remember(fakeValue("open"));
    const locked = remember(fakeValue("locked"));
    await createSecret(`${prefix}/open`, open);
    await createSecret(`${prefix}/locked`, locked);
    const { secrets, events } = awsSecrets(proxy.url);
    // What AWS answers when the caller lacks GetSecretValue on one of the secrets.
    proxy.rewrite = (call, body) => {
      if (call.operation !== "BatchGetSecretValue") return body;
      const out = JSON.parse(body) as { SecretValues: Array<{ Name: string }>; Errors?: unknown[] };
      out.SecretValues = out.SecretValues.filter((v) => !v.Name.endsWith("/locked"));
      out.Errors = [
        ...(out.Errors ?? []),
        {
          SecretId: `${prefix}/locked`,
          ErrorCode: "AccessDeniedException",
          Message: "not authorized",
        },
      ];
      return JSON.stringify(out);
    };
    proxy.reset();
    const err = (await secrets
      .load({ OPEN: `aws-sm://${prefix}/open`, LOCKED: `aws-sm://${prefix}/locked` })
      .catch((e: unknown) => e)) as LoadError;
    proxy.rewrite = undefined;
    expect(err).toBeInstanceOf(LoadError);
    expect(err.failures.map((f) => [f.name, f.code])).toEqual([["LOCKED", "ACCESS_DENIED"]]);
    expect(err.failures[0]?.message).toContain(`"${prefix}/locked"`);
    expect(proxy.calls.map((c) => c.operation)).toEqual(["BatchGetSecretValue"]);
    // The readable one was cached by the same call.
    expect(await secrets.getSecret(`aws-sm://${prefix}/open`)).toBe(open);
    expect(proxy.calls.length).toBe(1);
    expectNoValues(values, [err, events]);
    await secrets.close();
  });

  it("falls back to parallel GetSecretValue when BatchGetSecretValue is denied, and stops trying it", async () => {
    const spec: Record<string, string> = {};
    const expected: Record<string, string> = {};
    for (let i = 0; i < 6; i++) {
      const v = remember(fakeValue(`fb${i}`));
      await createSecret(`${prefix}/fallback/${i}`, v);
      spec[`F${i}`] = `aws-sm://${prefix}/fallback/${i}`;
      expected[`F${i}`] = v;
    }
    const { secrets } = awsSecrets(proxy.url);
    proxy.fault = (c) =>
      c.operation === "BatchGetSecretValue"
        ? {
            status: 400,
            code: "AccessDeniedException",
            message: "not authorized to perform: secretsmanager:BatchGetSecretValue",
          }
        : undefined;
    proxy.reset();
    expect(await secrets.load(spec)).toEqual(expected);
    expect(proxy.count("BatchGetSecretValue")).toBe(1);
    expect(proxy.count("GetSecretValue")).toBe(6);
    secrets.clear();
    proxy.reset();
    expect(await secrets.load(spec)).toEqual(expected);
    expect(proxy.count("BatchGetSecretValue")).toBe(0);
    expect(proxy.count("GetSecretValue")).toBe(6);
    proxy.fault = undefined;
    await secrets.close();
  });

  it("reads pinned versions with GetSecretValue next to the batch", async () => {
    const cur = remember(fakeValue("cur"));
    const prev = remember(fakeValue("prev"));
    const other = remember(fakeValue("other"));
    await createSecret(`${prefix}/mix`, prev);
    await sm.send(new PutSecretValueCommand({ SecretId: `${prefix}/mix`, SecretString: cur }));
    await createSecret(`${prefix}/mix2`, other);
    const { secrets } = awsSecrets(proxy.url);
    proxy.reset();
    const out = await secrets.load({
      CUR: `aws-sm://${prefix}/mix`,
      PREV: `aws-sm://${prefix}/mix?versionStage=AWSPREVIOUS`,
      OTHER: `aws-sm://${prefix}/mix2`,
    });
    expect(out).toEqual({ CUR: cur, PREV: prev, OTHER: other });
    expect(proxy.count("BatchGetSecretValue")).toBe(1);
    expect(proxy.count("GetSecretValue")).toBe(1);
    await secrets.close();
  });
});

describe("error mapping", () => {
  it("maps a missing secret to NotFoundError naming it, with the SDK error as cause", async () => {
    const { secrets } = awsSecrets(proxy.url);
    const err = (await secrets
      .getSecret(`aws-sm://${prefix}/nope`)
      .catch((e: unknown) => e)) as SecretsError;
    expect(SecretsError.is(err, "NOT_FOUND")).toBe(true);
    expect(err.message).toContain(`"${prefix}/nope"`);
    expect(err.message).toContain("ResourceNotFoundException");
    expect((err.cause as Error).name).toBe("ResourceNotFoundException");
    await secrets.close();
  });

  it("maps a deleted secret (InvalidRequestException) to NotFoundError that says how to restore it", async () => {
    const v = remember(fakeValue("deleted"));
    await createSecret(`${prefix}/deleted`, v);
    await sm.send(new DeleteSecretCommand({ SecretId: `${prefix}/deleted` }));
    const { secrets } = awsSecrets(proxy.url);
    const err = (await secrets
      .getSecret(`aws-sm://${prefix}/deleted`)
      .catch((e: unknown) => e)) as SecretsError;
    expect(err.code).toBe("NOT_FOUND");
    expect(err.message).toMatch(/deleted or scheduled for deletion/);
    expect(err.message).toContain("RestoreSecret");
    expect((err.cause as Error).name).toBe("InvalidRequestException");
    await secrets.close();
  });

  it.each([
    ["AccessDeniedException", 400, "ACCESS_DENIED", /access denied to secret/],
    ["DecryptionFailure", 400, "ACCESS_DENIED", /kms:Decrypt/],
    ["InvalidRequestException", 400, "PROVIDER_ERROR", /current state/],
    ["InternalServiceError", 500, "UNAVAILABLE", /service failed/],
  ])("maps %s to %s", async (code, status, expected, pattern) => {
    const v = remember(fakeValue("mapped"));
    const name = `${prefix}/mapped-${code}`;
    await createSecret(name, v);
    const { secrets, events } = awsSecrets(proxy.url, { maxAttempts: 1 });
    proxy.fault = (c) => (c.operation === "GetSecretValue" ? { status, code } : undefined);
    const err = (await secrets
      .getSecret(`aws-sm://${name}`)
      .catch((e: unknown) => e)) as SecretsError;
    proxy.fault = undefined;
    expect(err.code).toBe(expected);
    expect(err.message).toMatch(pattern);
    expect(err.message).toContain(name);
    expect((err.cause as Error).name).toBe(code);
    expectNoValues(values, [err, events]);
    await secrets.close();
  });

  it("retries throttling with the SDK's standard retry mode, then succeeds", async () => {
    const v = remember(fakeValue("throttled"));
    await createSecret(`${prefix}/throttled`, v);
    const { secrets } = awsSecrets(proxy.url);
    let throttled = 0;
    proxy.fault = (c) =>
      c.operation === "GetSecretValue" && throttled++ < 2
        ? { status: 400, code: "ThrottlingException" }
        : undefined;
    proxy.reset();
    expect(await secrets.getSecret(`aws-sm://${prefix}/throttled`)).toBe(v);
    expect(proxy.count("GetSecretValue")).toBe(3);
    proxy.fault = undefined;
    await secrets.close();
  });

  it("maps throttling that outlasts the retries to ThrottledError", async () => {
    const { secrets } = awsSecrets(proxy.url, { maxAttempts: 2 });
    proxy.fault = (c) =>
      c.operation === "GetSecretValue" ? { status: 400, code: "ThrottlingException" } : undefined;
    proxy.reset();
    const err = (await secrets
      .getSecret(`aws-sm://${prefix}/always-throttled`)
      .catch((e: unknown) => e)) as SecretsError;
    proxy.fault = undefined;
    expect(err.code).toBe("THROTTLED");
    expect(err.message).toContain(`${prefix}/always-throttled`);
    expect(proxy.count("GetSecretValue")).toBe(2);
    await secrets.close();
  });

  it("maps a refused connection to UnavailableError", async () => {
    const closed = await startRecordingProxy("http://127.0.0.1:9");
    const url = closed.url;
    await closed.close();
    const { secrets } = awsSecrets(url, { maxAttempts: 1 });
    const err = (await secrets
      .getSecret(`aws-sm://${prefix}/offline`)
      .catch((e: unknown) => e)) as SecretsError;
    expect(err.code).toBe("UNAVAILABLE");
    expect(err.message).toContain(`${prefix}/offline`);
    expect(err.message).toContain("ECONNREFUSED");
    expect(err.cause).toBeDefined();
    await secrets.close();
  });
});
