/**
 * KV v2 and v1 through the Vault provider against OpenBao: fields, whole
 * maps, versions, deleted and destroyed versions, metadata, the mount's
 * version detected once (or given by an option), and errors without values.
 */

import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { unwrap } from "../../../providers/vault/index.js";
import { SecretsError } from "../../../src/index.js";
import {
  api,
  bao,
  fakeValue,
  putKv1,
  putKv2,
  tokenWithPolicy,
  uniquePrefix,
  vaultSecrets,
} from "./support/bao.js";

const prefix = uniquePrefix();
const v1 = fakeValue("one");
const v2 = fakeValue("two");
const v3 = fakeValue("three");
const legacy = fakeValue("legacy");

beforeAll(async () => {
  await putKv2(`${prefix}/db`, { password: v1, username: "app" });
  await putKv2(`${prefix}/db`, { password: v2, username: "app" });
  await putKv2(`${prefix}/db`, { password: v3, username: "app" });
  await putKv2(`${prefix}/single`, { token: v1 });
  await api("POST", `secret/metadata/${prefix}/db`, { custom_metadata: { owner: "payments" } });
  await putKv1(`${prefix}/legacy`, { api_key: legacy });
});

let open: Array<{ close(): Promise<unknown> }> = [];
afterEach(async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
  vi.restoreAllMocks();
});
const client = (...args: Parameters<typeof vaultSecrets>) => {
  const c = vaultSecrets(...args);
  open.push(c.secrets);
  return c;
};
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as SecretsError,
  );

describe("vault KV v2", () => {
  it("selects a field, and returns the whole map as json", async () => {
    const { secrets } = client();
    expect(await secrets.getSecret(`vault://secret/${prefix}/db#password`)).toBe(v3);
    expect(await secrets.getSecret(`vault://secret/${prefix}/db`, { type: "json" })).toEqual({
      password: v3,
      username: "app",
    });
  });

  it("bao:// and openbao:// are the same scheme: one cache entry, one request", async () => {
    const spy = vi.spyOn(globalThis, "fetch");
    const { secrets } = client({ kvVersion: { secret: 2 } });
    expect(await secrets.getSecret(`bao://secret/${prefix}/db#password`)).toBe(v3);
    expect(await secrets.getSecret(`openbao://secret/${prefix}/db#username`)).toBe("app");
    expect(await secrets.getSecret(`vault://secret/${prefix}/db#password`)).toBe(v3);
    expect(spy.mock.calls.filter((c) => String(c[0]).includes("/v1/secret/data/")).length).toBe(1);
  });

  it("reads a version with ?version=", async () => {
    const { secrets } = client();
    expect(await secrets.getSecret(`vault://secret/${prefix}/db?version=1#password`)).toBe(v1);
    expect(await secrets.getSecret(`vault://secret/${prefix}/db?version=2#password`)).toBe(v2);
  });

  it("reports a deleted version as NotFound that says it was deleted", async () => {
    const path = `${prefix}/deleted`;
    await putKv2(path, { k: fakeValue() });
    await putKv2(path, { k: fakeValue() });
    await api("POST", `secret/delete/${path}`, { versions: [1] });
    const { secrets } = client();
    const err = await failure(secrets.getSecret(`vault://secret/${path}?version=1#k`));
    expect(SecretsError.is(err, "NOT_FOUND")).toBe(true);
    expect(err?.message).toMatch(/version 1 was deleted/);
    // The latest version still reads.
    expect(typeof (await secrets.getSecret(`vault://secret/${path}#k`))).toBe("string");
  });

  it("reports a destroyed version as NotFound that says it was destroyed", async () => {
    const path = `${prefix}/destroyed`;
    await putKv2(path, { k: fakeValue() });
    await api("PUT", `secret/destroy/${path}`, { versions: [1] });
    const { secrets } = client();
    const err = await failure(secrets.getSecret(`vault://secret/${path}#k`));
    expect(SecretsError.is(err, "NOT_FOUND")).toBe(true);
    expect(err?.message).toMatch(/version 1 was destroyed/);
  });

  it("reports a missing secret and a missing version as NotFound", async () => {
    const { secrets } = client();
    const missing = await failure(secrets.getSecret(`vault://secret/${prefix}/nope#k`));
    expect(SecretsError.is(missing, "NOT_FOUND")).toBe(true);
    const noVersion = await failure(secrets.getSecret(`vault://secret/${prefix}/db?version=9#k`));
    expect(SecretsError.is(noVersion, "NOT_FOUND")).toBe(true);
  });

  it("describe() returns the KV v2 metadata", async () => {
    const { secrets } = client();
    const meta = await secrets.describe(`vault://secret/${prefix}/db`);
    expect(meta?.details).toMatchObject({
      current_version: 3,
      kvVersion: 2,
      "custom_metadata.owner": "payments",
    });
    expect(typeof meta?.details?.created_time).toBe("string");
    expect(typeof meta?.details?.updated_time).toBe("string");
    expect(typeof meta?.lastRotated).toBe("number");
    expect(JSON.stringify(meta)).not.toContain(v3);
  });

  it("names the missing field without showing any value", async () => {
    const { secrets } = client();
    const err = await failure(secrets.getSecret(`vault://secret/${prefix}/db#passwd`));
    expect(SecretsError.is(err, "INVALID_VALUE")).toBe(true);
    expect(err?.message).toContain("password");
    expect(err?.message).not.toContain(v3);
  });
});

describe("vault KV v1", () => {
  it("reads a field and the whole map", async () => {
    const { secrets } = client();
    expect(await secrets.getSecret(`vault://kv1/${prefix}/legacy#api_key`)).toBe(legacy);
    expect(await secrets.getSecret(`vault://kv1/${prefix}/legacy`, { type: "json" })).toEqual({
      api_key: legacy,
    });
  });

  it("refuses ?version= on a KV v1 mount, naming the mount", async () => {
    const { secrets } = client();
    const err = await failure(secrets.getSecret(`vault://kv1/${prefix}/legacy?version=1#api_key`));
    expect(SecretsError.is(err, "INVALID_CONFIG")).toBe(true);
    expect(err?.message).toMatch(/kv1\/ is KV version 1/);
  });
});

describe("vault mount detection", () => {
  const mountLookups = (spy: { mock: { calls: unknown[][] } }) =>
    spy.mock.calls.filter((c) => String(c[0]).includes("/v1/sys/internal/ui/mounts/")).length;

  it("looks a mount's version up once, then reads other paths of it without asking again", async () => {
    const spy = vi.spyOn(globalThis, "fetch");
    const { secrets } = client();
    await secrets.getSecret(`vault://secret/${prefix}/db#password`);
    await secrets.getSecret(`vault://secret/${prefix}/single#token`);
    await secrets.getSecret(`vault://kv1/${prefix}/legacy#api_key`);
    expect(mountLookups(spy)).toBe(2);
  });

  it("shares one lookup between concurrent first reads of a mount (a load() of many secrets)", async () => {
    const spy = vi.spyOn(globalThis, "fetch");
    const { secrets } = client();
    const out = await secrets.load({
      A: `vault://secret/${prefix}/db#password`,
      B: `vault://secret/${prefix}/single#token`,
      C: `vault://secret/${prefix}/db?version=1#password`,
      D: `vault://kv1/${prefix}/legacy#api_key`,
    });
    expect(out).toEqual({ A: v3, B: v1, C: v1, D: legacy });
    expect(mountLookups(spy)).toBe(2);
  });

  it("skips the lookup when ?kv= or the kvVersion option says the version", async () => {
    const spy = vi.spyOn(globalThis, "fetch");
    const { secrets } = client({ kvVersion: { kv1: 1 } });
    expect(await secrets.getSecret(`vault://kv1/${prefix}/legacy#api_key`)).toBe(legacy);
    expect(await secrets.getSecret(`vault://secret/${prefix}/single?kv=2#token`)).toBe(v1);
    expect(mountLookups(spy)).toBe(0);
  });
});

describe("vault least privilege", () => {
  it("reads KV v2 with only read on <mount>/data/<path>/* (the mount lookup needs no extra grant)", async () => {
    const token = await tokenWithPolicy(
      `path "secret/data/${prefix}/*" { capabilities = ["read"] }`,
    );
    const { secrets } = client({ auth: { method: "token", token } });
    expect(await secrets.getSecret(`vault://secret/${prefix}/db#password`)).toBe(v3);
    const err = await failure(secrets.describe(`vault://secret/${prefix}/db`));
    expect(SecretsError.is(err, "ACCESS_DENIED")).toBe(true);
    expect(err?.message).toContain(`"read" capability on "secret/metadata/${prefix}/db"`);
  });

  it("reads KV v1 with only read on <mount>/<path>/*", async () => {
    const token = await tokenWithPolicy(`path "kv1/${prefix}/*" { capabilities = ["read"] }`);
    const { secrets } = client({ auth: { method: "token", token } });
    expect(await secrets.getSecret(`vault://kv1/${prefix}/legacy#api_key`)).toBe(legacy);
  });
});

describe("vault response wrapping", () => {
  it("?wrapTTL= returns a single-use wrapping token that unwrap() opens once", async () => {
    const { secrets } = client();
    const wrapped = await secrets.getSecret(`vault://secret/${prefix}/db?wrapTTL=60s`);
    expect(wrapped).not.toContain(v3);
    expect(await unwrap(wrapped, { address: bao().address })).toEqual({
      password: v3,
      username: "app",
    });
    const err = await failure(unwrap(wrapped, { address: bao().address }));
    expect(SecretsError.is(err, "ACCESS_DENIED")).toBe(true);
    expect(`${err?.message} ${JSON.stringify(err)}`).not.toContain(wrapped);
  });

  it("wraps a KV v1 read too", async () => {
    const { secrets } = client();
    const wrapped = await secrets.getSecret(`vault://kv1/${prefix}/legacy?wrapTTL=30s`);
    expect(await unwrap(wrapped, { address: bao().address })).toEqual({ api_key: legacy });
  });
});

describe("vault fields without #field", () => {
  it("type string: the value of a one-key map, else an error that says to add #field and names no key", async () => {
    const { secrets } = client();
    expect(await secrets.getSecret(`vault://secret/${prefix}/single`)).toBe(v1);
    const err = await failure(secrets.getSecret(`vault://secret/${prefix}/db`));
    expect(SecretsError.is(err, "INVALID_VALUE")).toBe(true);
    expect(err?.message).toMatch(/#field/);
    expect(err?.message).not.toMatch(/password|username/);
    expect(err?.message).not.toContain(v3);
    // KV v1 and leased maps follow the same rule.
    expect(await secrets.getSecret(`vault://kv1/${prefix}/legacy`)).toBe(legacy);
  });
});
