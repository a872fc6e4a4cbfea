import { LabelParameterVersionCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LoadError, type SecretsError } from "../../../src/index.js";
import { expectNoValues } from "./support/leaks.js";
import { awsSecrets, fakeValue, seedConfig, uniquePrefix } from "./support/moto.js";
import { type RecordingProxy, startRecordingProxy } from "./support/recording-proxy.js";

let proxy: RecordingProxy;
let ssm: SSMClient;
const prefix = `/${uniquePrefix()}`;
const values: string[] = [];

async function put(
  name: string,
  value: string,
  type: "String" | "SecureString" | "StringList" = "SecureString",
) {
  values.push(value);
  return ssm.send(
    new PutParameterCommand({ Name: name, Value: value, Type: type, Overwrite: true }),
  );
}

beforeAll(async () => {
  const cfg = seedConfig();
  ssm = new SSMClient(cfg);
  proxy = await startRecordingProxy(cfg.endpoint);
});

afterAll(async () => {
  ssm.destroy();
  await proxy.close();
});

describe("aws-ssm:// parameters", () => {
  it("reads a SecureString with decryption", async () => {
    const v = fakeValue("ssm");
    await put(`${prefix}/db/password`, v);
    const { secrets, events } = awsSecrets(proxy.url);
    proxy.reset();
    expect(await secrets.getSecret(`aws-ssm://${prefix}/db/password`)).toBe(v);
    expect(proxy.calls[0]?.operation).toBe("GetParameter");
    expect(proxy.calls[0]?.params).toMatchObject({
      Name: `${prefix}/db/password`,
      WithDecryption: true,
    });
    expectNoValues(values, [events]);
    await secrets.close();
  });

  it("selects versions with ?version=, name:N and name:label", async () => {
    const v1 = fakeValue("p1");
    const v2 = fakeValue("p2");
    const name = `${prefix}/versioned`;
    await put(name, v1);
    await put(name, v2);
    await ssm.send(
      new LabelParameterVersionCommand({ Name: name, ParameterVersion: 1, Labels: ["previous"] }),
    );
    const { secrets } = awsSecrets(proxy.url);
    expect(await secrets.getSecret(`aws-ssm://${name}`)).toBe(v2);
    expect(await secrets.getSecret(`aws-ssm://${name}?version=1`)).toBe(v1);
    expect(await secrets.getSecret(`aws-ssm://${name}:2`)).toBe(v2);
    expect(await secrets.getSecret(`aws-ssm://${name}:previous`)).toBe(v1);
    expect(await secrets.getSecret(`aws-ssm://${name}?label=previous`)).toBe(v1);
    const err = (await secrets
      .getSecret(`aws-ssm://${name}:9`)
      .catch((e: unknown) => e)) as SecretsError;
    expect(err.code).toBe("NOT_FOUND");
    expect(err.message).toContain(`parameter "${name}" (version 9)`);
    await secrets.close();
  });

  it("returns a StringList as an array for type json (a JSON array string otherwise)", async () => {
    const a = fakeValue("a");
    const b = fakeValue("b");
    await put(`${prefix}/list`, `${a},${b}`, "StringList");
    const { secrets } = awsSecrets(proxy.url);
    expect(await secrets.getSecret(`aws-ssm://${prefix}/list`, { type: "json" })).toEqual([a, b]);
    expect(await secrets.getSecret(`aws-ssm://${prefix}/list#1`)).toBe(b);
    expect(JSON.parse(await secrets.getSecret(`aws-ssm://${prefix}/list`))).toEqual([a, b]);
    await secrets.close();
  });

  it("load() batches plain names into GetParameters calls of 10, reads selectors alone, and names what is missing", async () => {
    const spec: Record<string, string> = {};
    const expected: Record<string, string> = {};
    for (let i = 0; i < 23; i++) {
      const v = fakeValue(`b${i}`);
      await put(`${prefix}/batch/p${i}`, v);
      spec[`P${i}`] = `aws-ssm://${prefix}/batch/p${i}`;
      expected[`P${i}`] = v;
    }
    const old = fakeValue("old");
    await put(`${prefix}/batch/sel`, old);
    await put(`${prefix}/batch/sel`, fakeValue("new"));
    spec.SEL = `aws-ssm://${prefix}/batch/sel:1`;
    expected.SEL = old;
    const { secrets } = awsSecrets(proxy.url);
    proxy.reset();
    expect(await secrets.load(spec)).toEqual(expected);
    expect(proxy.count("GetParameters")).toBe(3);
    expect(proxy.count("GetParameter")).toBe(1);
    expect(
      proxy.calls
        .filter((c) => c.operation === "GetParameters")
        .every((c) => c.params.WithDecryption === true),
    ).toBe(true);

    const err = (await secrets
      .load({
        OK: `aws-ssm://${prefix}/batch/p0`,
        GONE: `aws-ssm://${prefix}/batch/gone`,
        GONE2: `aws-ssm://${prefix}/batch/gone2`,
      })
      .catch((e: unknown) => e)) as LoadError;
    expect(err).toBeInstanceOf(LoadError);
    expect(err.failures.map((f) => [f.name, f.code])).toEqual([
      ["GONE", "NOT_FOUND"],
      ["GONE2", "NOT_FOUND"],
    ]);
    expect(err.failures[0]?.message).toContain(`${prefix}/batch/gone`);
    expectNoValues(values, [err]);
    await secrets.close();
  });

  it("mixes aws-sm and aws-ssm references in one load()", async () => {
    const v = fakeValue("mixed");
    await put(`${prefix}/mixed`, v);
    const { secrets } = awsSecrets(proxy.url);
    const err = (await secrets
      .load({ P: `aws-ssm://${prefix}/mixed`, S: `aws-sm://${prefix.slice(1)}/absent` })
      .catch((e: unknown) => e)) as LoadError;
    expect(err.failures.map((f) => f.name)).toEqual(["S"]);
    expect(await secrets.getSecret(`aws-ssm://${prefix}/mixed`)).toBe(v);
    await secrets.close();
  });

  it("load() falls back to GetParameter when ssm:GetParameters is denied, and stops trying it", async () => {
    const names = [1, 2, 3].map((n) => `${prefix}/fallback/p${n}`);
    for (const n of names) await put(n, fakeValue("fb"));
    const { secrets } = awsSecrets(proxy.url);
    proxy.fault = (c) =>
      c.operation === "GetParameters"
        ? { status: 400, code: "AccessDeniedException", message: "not authorized to GetParameters" }
        : undefined;
    proxy.reset();
    const spec = Object.fromEntries(names.map((n, i) => [`P${i}`, `aws-ssm://${n}`]));
    const out = await secrets.load(spec);
    expect(Object.keys(out)).toHaveLength(3);
    expect(proxy.count("GetParameters")).toBe(1);
    expect(proxy.count("GetParameter")).toBe(3);
    secrets.clear();
    proxy.reset();
    await secrets.load(spec);
    proxy.fault = undefined;
    expect(proxy.count("GetParameters")).toBe(0); // latched off
    expect(proxy.count("GetParameter")).toBe(3);
    await secrets.close();
  });
});
