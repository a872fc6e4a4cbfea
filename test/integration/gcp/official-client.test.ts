/**
 * gcpProvider({ client }): the caller's own SecretManagerServiceClient (REST fallback,
 * against drongo through the forwarding proxy) is used as is: the same values, the
 * CRC32C check, the same typed errors.
 */
import { SecretManagerServiceClient } from "@google-cloud/secret-manager";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gcpProvider } from "../../../providers/gcp/index.js";
import { createSecrets, SecretsError } from "../../../src/index.js";
import {
  type GcpForwardingProxy,
  gcpClientOptions,
  standIn,
  startGcpForwardingProxy,
} from "../../support/stand-ins.js";
import { fakeValue, fixedClient, putSecret, setVersionState, uniqueName } from "./support/sm.js";

const gcp = standIn("gcp");
let proxy: GcpForwardingProxy;
let sm: SecretManagerServiceClient;
const name = uniqueName("official");
const json = uniqueName("official-json");
const v1 = fakeValue("o1");
const v2 = fakeValue("o2");
const password = fakeValue("opw");

beforeAll(async () => {
  proxy = await startGcpForwardingProxy(gcp);
  await putSecret({ url: proxy.url }, name, [v1, v2, "three"], { aliases: { prod: "1" } });
  await putSecret({ url: proxy.url }, json, [JSON.stringify({ password })]);
  await setVersionState({ url: proxy.url }, name, "3", "disable");
  sm = new SecretManagerServiceClient({
    ...gcpClientOptions(gcp),
    port: proxy.port,
    authClient: fixedClient(),
  });
});
afterAll(async () => {
  await sm.close();
  await proxy.close();
});

const secrets = () =>
  createSecrets({
    builtins: false,
    providers: { gcp: gcpProvider({ client: sm, projectId: gcp.projectId }) },
  });

describe("an injected SecretManagerServiceClient", () => {
  it("reads every reference form through it, with #field", async () => {
    const s = secrets();
    const before = proxy.counts.access;
    expect((await s.getSecret(`gcp-sm://${name}`)) === v2).toBe(true);
    expect((await s.getSecret(`gcp-sm://${name}@prod`)) === v1).toBe(true);
    expect(
      (await s.getSecret(`gcp-sm://projects/${gcp.projectId}/secrets/${name}/versions/2`)) === v2,
    ).toBe(true);
    expect((await s.getSecret(`gcp-sm://${json}#password`)) === password).toBe(true);
    expect(proxy.counts.access).toBe(before + 4);
    const out = await s.load({ A: `gcp-sm://${name}@1`, B: `gcp-sm://${name}@2` });
    expect(out.A === v1 && out.B === v2).toBe(true);
    await s.close();
  });

  it("verifies the payload's CRC32C", async () => {
    const s = secrets();
    proxy.corruptNextCrc();
    const err = await s.getSecret(`gcp-sm://${name}@1`).catch((e: unknown) => e);
    expect(SecretsError.is(err, "PROVIDER_ERROR")).toBe(true);
    expect((err as Error).message).toContain("CRC32C");
    await s.close();
  });

  it("maps its errors to the same typed errors", async () => {
    const s = secrets();
    const missing = await s.getSecret(`gcp-sm://${uniqueName("nope")}`).catch((e: unknown) => e);
    expect(SecretsError.is(missing, "NOT_FOUND")).toBe(true);
    expect((missing as Error).cause).toBeDefined();
    const disabled = await s.getSecret(`gcp-sm://${name}@3`).catch((e: unknown) => e);
    expect(SecretsError.is(disabled, "ACCESS_DENIED")).toBe(true);
    expect((disabled as Error).message).toContain("is disabled");
    await s.close();
  });

  it("stays open after the provider closes (it is the caller's)", async () => {
    const s = secrets();
    await s.getSecret(`gcp-sm://${name}@1`);
    await s.close();
    const [v] = await sm.accessSecretVersion({
      name: `projects/${gcp.projectId}/secrets/${name}/versions/1`,
    });
    expect(Buffer.from(v.payload?.data ?? "").toString() === v1).toBe(true);
  });

  it("refuses something that is not a client", async () => {
    const s = createSecrets({
      builtins: false,
      providers: { gcp: gcpProvider({ client: {} }) },
    });
    const err = await s.getSecret(`gcp-sm://${name}`).catch((e: unknown) => e);
    expect(SecretsError.is(err, "INVALID_CONFIG")).toBe(true);
    await s.close();
  });
});
