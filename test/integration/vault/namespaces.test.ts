/**
 * Namespaces (OpenBao has them since 2.3): the provider's `namespace` option
 * (or VAULT_NAMESPACE) and `?namespace=` on a reference send
 * `X-Vault-Namespace`, and the mount detection is kept per namespace.
 */

import { randomUUID } from "node:crypto";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { SecretsError } from "../../../src/index.js";
import { api, bao, fakeValue, vaultSecrets } from "./support/bao.js";

const ns = `team-${randomUUID().slice(0, 8)}`;
const inNs = fakeValue("in-namespace");
const inRoot = fakeValue("in-root");
const path = `ns-${randomUUID().slice(0, 8)}/app`;

async function nsApi(method: string, p: string, body?: unknown) {
  const r = await fetch(`${bao().address}/v1/${p}`, {
    method,
    headers: { "X-Vault-Token": bao().token, "X-Vault-Namespace": ns },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!r.ok) throw new Error(`${method} ${p} in ${ns} -> ${r.status} ${await r.text()}`);
}

beforeAll(async () => {
  await api("POST", `sys/namespaces/${ns}`, {});
  // In the namespace, "secret/" is a KV v1 mount: the same path, another engine version.
  await nsApi("POST", "sys/mounts/secret", { type: "kv", options: { version: "1" } });
  await nsApi("POST", `secret/${path}`, { key: inNs });
  await api("POST", `secret/data/${path}`, { data: { key: inRoot } });
});

let close: (() => Promise<unknown>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe("vault namespaces", () => {
  it("reads in the provider's namespace, and in the root namespace without one", async () => {
    const a = vaultSecrets({ namespace: ns });
    const b = vaultSecrets();
    close = async () => {
      await a.secrets.close();
      await b.secrets.close();
    };
    expect(await a.secrets.getSecret(`vault://secret/${path}#key`)).toBe(inNs);
    expect(await b.secrets.getSecret(`vault://secret/${path}#key`)).toBe(inRoot);
  });

  it("?namespace= on a reference overrides the provider's, with the mount looked up per namespace", async () => {
    const { secrets } = vaultSecrets();
    close = () => secrets.close();
    expect(await secrets.getSecret(`vault://secret/${path}#key`)).toBe(inRoot);
    expect(await secrets.getSecret(`vault://secret/${path}?namespace=${ns}#key`)).toBe(inNs);
  });

  it("takes VAULT_NAMESPACE when no option is given", async () => {
    const saved = process.env.VAULT_NAMESPACE;
    process.env.VAULT_NAMESPACE = ns;
    try {
      const { secrets } = vaultSecrets();
      close = () => secrets.close();
      expect(await secrets.getSecret(`vault://secret/${path}#key`)).toBe(inNs);
    } finally {
      if (saved === undefined) delete process.env.VAULT_NAMESPACE;
      else process.env.VAULT_NAMESPACE = saved;
    }
  });

  it("a namespace that does not exist is a typed error", async () => {
    const { secrets } = vaultSecrets();
    close = () => secrets.close();
    const err = await secrets.getSecret(`vault://secret/${path}?namespace=nope-${ns}#key`).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(SecretsError.is(err)).toBe(true);
  });
});
