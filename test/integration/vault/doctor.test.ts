/**
 * The Vault provider's identity against OpenBao (the doctor's
 * least-privilege and short-lived checks): the root token is an administrator with no TTL; an AppRole login
 * is short-lived and not an administrator; a policy granting sudo on "*" is
 * an administrator's; a periodic token with no max TTL is long-lived.
 */

import { afterEach, describe, expect, it } from "vitest";
import type { VaultAuthOptions } from "../../../providers/vault/index.js";
import type { Secrets } from "../../../src/index.js";
import { api, approle, bao, tokenWithPolicy, vaultSecrets } from "./support/bao.js";

let open: Secrets | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

async function identityWith(auth: VaultAuthOptions) {
  const { secrets } = vaultSecrets({ auth });
  open = secrets;
  return (await secrets.provider("vault")).identity?.();
}

describe("vault doctor identity", () => {
  it("the root token: administrator, no TTL", async () => {
    const id = await identityWith({ method: "token", token: bao().token });
    expect(id).toMatchObject({ admin: true, ttlSeconds: 0, shortLived: false });
    expect(id?.policies).toContain("root");
  });

  it("an AppRole login: short-lived, renewable, not an administrator", async () => {
    const id = await identityWith({ method: "approle", ...approle() });
    expect(id).toMatchObject({ admin: false, shortLived: true, renewable: true });
    expect(id?.policies).toContain(bao().policy);
    expect(id?.ttlSeconds).toBeGreaterThan(0);
  });

  it("a policy that grants sudo on * makes an administrator (read through sys/policies/acl)", async () => {
    const token = await tokenWithPolicy(
      ['path "*" { capabilities = ["read", "sudo"] }'].join("\n"),
    );
    const id = await identityWith({ method: "token", token });
    expect(id?.admin).toBe(true);
    expect(id?.kind).toMatch(/grants sudo on "\*"/);
  });

  it("a narrow policy is not an administrator's", async () => {
    const token = await tokenWithPolicy(
      [
        'path "secret/data/app/*" { capabilities = ["read"] }',
        'path "sys/policies/acl/*" { capabilities = ["read"] }',
      ].join("\n"),
    );
    const id = await identityWith({ method: "token", token });
    expect(id?.admin).toBe(false);
    expect(id?.shortLived).toBe(true);
  });

  it("a periodic token with no max TTL is long-lived", async () => {
    const r = await api<{ auth: { client_token: string } }>("POST", "auth/token/create", {
      policies: [bao().policy],
      period: "1h",
    });
    const id = await identityWith({ method: "token", token: r.auth.client_token });
    expect(id?.ttlSeconds).toBeGreaterThan(0);
    expect(id?.shortLived).toBe(false);
  });
});
