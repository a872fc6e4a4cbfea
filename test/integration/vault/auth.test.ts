/**
 * The Vault provider's logins against OpenBao: a token from VAULT_TOKEN or
 * ~/.vault-token, AppRole (secret id direct, from a file re-read at every
 * login, or wrapped and unwrapped once), JWT (file re-read at every login, or
 * a callback); the login token renewed while renewing extends it, replaced
 * after its max TTL, re-issued once when found invalid mid-request, and
 * revoked on close() unless the user supplied it.
 */

import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { VaultProvider } from "../../../providers/vault/index.js";
import { vaultProvider } from "../../../providers/vault/index.js";
import { createSecrets, type Secrets, type SecretsEvent } from "../../../src/index.js";
import { signVaultJwt } from "../../support/stand-ins.js";
import { api, bao, fakeValue, putKv2, uniquePrefix, vaultSecrets } from "./support/bao.js";

const prefix = uniquePrefix();
const value = fakeValue("auth");
const REF = `vault://secret/${prefix}/app#key`;
const dir = mkdtempSync(join(tmpdir(), "vault-auth-"));
const shortRole = `short-${randomUUID().slice(0, 8)}`;
const jwtRole = `jwt-short-${randomUUID().slice(0, 8)}`;
let shortRoleId = "";

beforeAll(async () => {
  await putKv2(`${prefix}/app`, { key: value });
  await putKv2(`${prefix}/b`, { key: value });
  await putKv2(`${prefix}/c`, { key: value });
  const policy = bao().policy;
  // An AppRole whose tokens live 3 s, renewable up to 7 s.
  await api("POST", `auth/approle/role/${shortRole}`, {
    token_policies: [policy],
    token_ttl: "3s",
    token_max_ttl: "7s",
  });
  shortRoleId = (
    await api<{ data: { role_id: string } }>("GET", `auth/approle/role/${shortRole}/role-id`)
  ).data.role_id;
  await api("POST", `auth/jwt/role/${jwtRole}`, {
    role_type: "jwt",
    bound_audiences: [bao().jwt.audience],
    user_claim: "sub",
    token_policies: [policy],
    token_ttl: "2s",
    token_max_ttl: "2s",
  });
});

const newSecretId = async (role = shortRole) =>
  (await api<{ data: { secret_id: string } }>("POST", `auth/approle/role/${role}/secret-id`, {}))
    .data.secret_id;

let open: Secrets[] = [];
afterEach(async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
});
function track(c: { secrets: Secrets; events: SecretsEvent[] }) {
  open.push(c.secrets);
  return c;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const identity = async (s: Secrets) => ((await s.provider("vault")) as VaultProvider).identity();
const accessor = async (s: Secrets) => {
  const p = (await identity(s)).principal ?? "";
  return /accessor ([^)]+)/.exec(p)?.[1] ?? p;
};
const alive = async (acc: string) =>
  api("POST", "auth/token/lookup-accessor", { accessor: acc }).then(
    () => true,
    () => false,
  );
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as Error,
  );

describe("vault token auth", () => {
  it("reads VAULT_ADDR and VAULT_TOKEN with no options, and never revokes that token", async () => {
    const saved = { addr: process.env.VAULT_ADDR, token: process.env.VAULT_TOKEN };
    const token = (
      await api<{ auth: { client_token: string; accessor: string } }>("POST", "auth/token/create", {
        policies: [bao().policy],
        ttl: "1h",
      })
    ).auth;
    process.env.VAULT_ADDR = bao().address;
    process.env.VAULT_TOKEN = token.client_token;
    try {
      const secrets = createSecrets({ builtins: false, providers: { vault: vaultProvider() } });
      open.push(secrets);
      expect(await secrets.getSecret(REF)).toBe(value);
      await secrets.close();
      expect(await alive(token.accessor)).toBe(true);
    } finally {
      process.env.VAULT_ADDR = saved.addr;
      process.env.VAULT_TOKEN = saved.token;
      if (saved.addr === undefined) delete process.env.VAULT_ADDR;
      if (saved.token === undefined) delete process.env.VAULT_TOKEN;
    }
  });

  it("falls back to ~/.vault-token", async () => {
    const home = mkdtempSync(join(tmpdir(), "vault-home-"));
    writeFileSync(join(home, ".vault-token"), `${bao().token}\n`);
    const saved = process.env.HOME;
    process.env.HOME = home;
    try {
      const { secrets } = track(vaultSecrets({ auth: { method: "token" } }));
      expect(await secrets.getSecret(REF)).toBe(value);
    } finally {
      process.env.HOME = saved;
    }
  });
});

describe("vault AppRole auth", () => {
  it("logs in with a secret id, gets the role's policy, and revokes its token on close()", async () => {
    const { secrets } = track(
      vaultSecrets({
        auth: { method: "approle", roleId: bao().approle.roleId, secretId: bao().approle.secretId },
      }),
    );
    expect(await secrets.getSecret(REF)).toBe(value);
    const id = await identity(secrets);
    expect(id.policies).toContain(bao().policy);
    expect(id.admin).toBe(false);
    expect(id.shortLived).toBe(true);
    const acc = await accessor(secrets);
    expect(await alive(acc)).toBe(true);
    await secrets.close();
    expect(await alive(acc)).toBe(false);
  });

  it("renews the login token while that extends it, then logs in again after the max TTL", async () => {
    const { secrets, events } = track(
      vaultSecrets(
        { auth: { method: "approle", roleId: shortRoleId, secretId: await newSecretId() } },
        { cache: { credentialRefreshLead: "1s" } },
      ),
    );
    expect(await secrets.getSecret(REF)).toBe(value);
    const first = await accessor(secrets);
    const seen = new Set([first]);
    for (let i = 0; i < 20; i++) {
      await sleep(500);
      secrets.invalidate(REF);
      expect(await secrets.getSecret(REF)).toBe(value);
      seen.add(await accessor(secrets));
    }
    // Renewed in place past the 3 s TTL (the same accessor again), replaced after the 7 s max TTL.
    const versions = events
      .filter((e) => e.type === "credentials")
      .map((e) => (e as { version?: string }).version);
    expect(versions.filter((v) => v === `accessor ${first}`).length).toBeGreaterThanOrEqual(2);
    expect(seen.size).toBeGreaterThanOrEqual(2);
    expect(seen.size).toBeLessThanOrEqual(3);
  }, 30_000);

  it("renewAt (a share of the TTL) renews the login token earlier than the refresh lead", async () => {
    const { secrets, events } = track(
      vaultSecrets(
        {
          auth: { method: "approle", roleId: shortRoleId, secretId: await newSecretId() },
          renewAt: 0.3,
        },
        { cache: { credentialRefreshLead: "0s" } },
      ),
    );
    expect(await secrets.getSecret(REF)).toBe(value);
    const first = await accessor(secrets);
    await sleep(1_300); // past 30% of the 3 s TTL, well before its expiry
    secrets.invalidate(REF);
    expect(await secrets.getSecret(REF)).toBe(value);
    await sleep(300);
    const same = events.filter(
      (e) =>
        e.type === "credentials" && (e as { version?: string }).version === `accessor ${first}`,
    );
    expect(same.length).toBe(2);
  });

  it("re-reads the secret id file at every login", async () => {
    const file = join(dir, `secret-id-${randomUUID()}`);
    const firstId = await newSecretId();
    writeFileSync(file, firstId);
    const { secrets } = track(
      vaultSecrets({ auth: { method: "approle", roleId: shortRoleId, secretIdFile: file } }),
    );
    expect(await secrets.getSecret(REF)).toBe(value);
    const first = await accessor(secrets);
    // Rotate the secret id: the old one is destroyed, the file holds the new one.
    writeFileSync(file, await newSecretId());
    await api("POST", `auth/approle/role/${shortRole}/secret-id/destroy`, { secret_id: firstId });
    await sleep(7_500); // past the 7 s max TTL: the next read logs in again
    secrets.invalidate(REF);
    expect(await secrets.getSecret(REF)).toBe(value);
    expect(await accessor(secrets)).not.toBe(first);
  }, 20_000);

  it("unwraps a wrapped secret id once, and logs in again later without unwrapping", async () => {
    const wrapped = await fetch(`${bao().address}/v1/auth/approle/role/${shortRole}/secret-id`, {
      method: "POST",
      headers: { "X-Vault-Token": bao().token, "X-Vault-Wrap-TTL": "60s" },
      body: "{}",
    }).then(async (r) => ((await r.json()) as { wrap_info: { token: string } }).wrap_info.token);
    const { secrets } = track(
      vaultSecrets({ auth: { method: "approle", roleId: shortRoleId, wrappedSecretId: wrapped } }),
    );
    expect(await secrets.getSecret(REF)).toBe(value);
    const first = await accessor(secrets);
    await sleep(7_500);
    secrets.invalidate(REF);
    expect(await secrets.getSecret(REF)).toBe(value); // a second login: the wrapping token is spent
    expect(await accessor(secrets)).not.toBe(first);
    // Another provider given the same (spent) wrapping token fails clearly.
    const other = track(
      vaultSecrets({ auth: { method: "approle", roleId: shortRoleId, wrappedSecretId: wrapped } }),
    );
    const err = await failure(other.secrets.getSecret(REF));
    expect((err as { code?: string }).code).toBe("ACCESS_DENIED");
    expect(err?.message).toMatch(/could not be unwrapped/);
    expect(err?.message).not.toContain(wrapped);
  }, 20_000);

  it("replaces a token revoked behind its back with one new login, then retries the read", async () => {
    const { secrets, events } = track(
      vaultSecrets({
        auth: { method: "approle", roleId: bao().approle.roleId, secretId: bao().approle.secretId },
      }),
    );
    expect(await secrets.getSecret(REF)).toBe(value);
    const first = await accessor(secrets);
    await api("POST", "auth/token/revoke-accessor", { accessor: first });
    secrets.clear();
    // Three reads find the token invalid at once: one new login, and each read retried.
    expect(
      await secrets.load({
        A: REF,
        B: `vault://secret/${prefix}/b#key`,
        C: `vault://secret/${prefix}/c#key`,
      }),
    ).toEqual({ A: value, B: value, C: value });
    expect(await accessor(secrets)).not.toBe(first);
    const logins = events.filter((e) => e.type === "credentials" && e.action !== "renewed");
    expect(logins.map((e) => (e as { reference: string }).reference)).toEqual([
      "vault:login/approle#0",
      "vault:login/approle#1",
    ]);
  });

  it("a used-up single-use secret id is refused once, then never sent again", async () => {
    const once = `once-${randomUUID().slice(0, 8)}`;
    await api("POST", `auth/approle/role/${once}`, {
      token_policies: [bao().policy],
      token_ttl: "1s",
      token_max_ttl: "1s",
      secret_id_num_uses: 1,
    });
    const roleId = (
      await api<{ data: { role_id: string } }>("GET", `auth/approle/role/${once}/role-id`)
    ).data.role_id;
    const { secrets } = track(
      vaultSecrets({ auth: { method: "approle", roleId, secretId: await newSecretId(once) } }),
    );
    expect(await secrets.getSecret(REF)).toBe(value);
    await sleep(1_200); // the token is gone; the secret id was used by the first login
    const spy = vi.spyOn(globalThis, "fetch");
    const logins = () =>
      spy.mock.calls.filter((c) => String(c[0]).endsWith("/v1/auth/approle/login")).length;
    secrets.invalidate(REF);
    const first = await failure(secrets.getSecret(REF));
    expect((first as { code?: string }).code).toBe("ACCESS_DENIED");
    expect(first?.message).toMatch(/used up, expired or wrong/);
    expect(logins()).toBe(1);
    secrets.clear();
    const second = await failure(secrets.getSecret(REF));
    expect(second?.message).toMatch(/already refused/);
    expect(logins()).toBe(1);
    spy.mockRestore();
  });

  it("a wrong secret id is AccessDenied and never quoted", async () => {
    const bad = `sid-${randomUUID()}`;
    const { secrets } = track(
      vaultSecrets({ auth: { method: "approle", roleId: shortRoleId, secretId: bad } }),
    );
    const err = await failure(secrets.getSecret(REF));
    expect((err as { code?: string }).code).toBe("ACCESS_DENIED");
    // The login's failure, reported by the read that needed it.
    expect((err as { reference?: string }).reference).toBe(REF);
    expect(err?.message).toMatch(/^vault: cannot read .*refused the secret id/);
    expect(JSON.stringify(err) + String(err?.message)).not.toContain(bad);
  });
});

describe("vault JWT auth", () => {
  it("logs in with a JWT from a file, re-read at every login", async () => {
    const file = join(dir, `jwt-${randomUUID()}`);
    writeFileSync(file, signVaultJwt({ sub: "first-workload" }));
    const { secrets } = track(
      vaultSecrets({ auth: { method: "jwt", role: jwtRole, jwtFile: file } }),
    );
    expect(await secrets.getSecret(REF)).toBe(value);
    expect((await identity(secrets)).principal).toMatch(/first-workload/);
    writeFileSync(file, signVaultJwt({ sub: "second-workload" }));
    await sleep(2_500); // past the 2 s max TTL
    secrets.invalidate(REF);
    expect(await secrets.getSecret(REF)).toBe(value);
    expect((await identity(secrets)).principal).toMatch(/second-workload/);
  }, 15_000);

  it("logs in with a JWT from a callback, called at each login", async () => {
    let calls = 0;
    const { secrets } = track(
      vaultSecrets({
        auth: {
          method: "jwt",
          role: bao().jwt.role,
          jwt: () => {
            calls++;
            return signVaultJwt();
          },
        },
      }),
    );
    expect(await secrets.getSecret(REF)).toBe(value);
    expect(await secrets.getSecret(`vault://secret/${prefix}/app`, { type: "json" })).toEqual({
      key: value,
    });
    expect(calls).toBe(1);
  });

  it("a JWT with the wrong audience is refused with a typed error", async () => {
    const { secrets } = track(
      vaultSecrets({
        auth: { method: "jwt", role: bao().jwt.role, jwt: () => signVaultJwt({ aud: "other" }) },
      }),
    );
    const err = await failure(secrets.getSecret(REF));
    expect((err as { code?: string }).code).toBe("ACCESS_DENIED");
    expect(err?.message).toMatch(/jwt login at auth\/jwt\/login was refused/);
  });
});

describe("vault login material in logs", () => {
  it("DEBUG=node-vault never prints a secret id or a token (node-vault's debug log is off)", async () => {
    const { execFile } = await import("node:child_process");
    const root = new URL("../../../", import.meta.url).pathname;
    const secretId = await newSecretId();
    const code = `
      const { createSecrets } = await import(${JSON.stringify(`${root}dist/src/index.js`)});
      const { vaultProvider } = await import(${JSON.stringify(`${root}dist/providers/vault/index.js`)});
      const s = createSecrets({ builtins: false, providers: { vault: vaultProvider({
        address: process.env.ADDR, auth: { method: "approle", roleId: process.env.ROLE, secretId: process.env.SID } }) } });
      await s.getSecret(process.env.REF);
      await s.close();
      console.log("done");`;
    const out = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) =>
      execFile(
        process.execPath,
        ["--input-type=module", "-e", code],
        {
          env: {
            PATH: process.env.PATH ?? "",
            DEBUG: "*",
            ADDR: bao().address,
            ROLE: shortRoleId,
            SID: secretId,
            REF,
          },
        },
        (err, stdout, stderr) => (err ? reject(err) : resolve({ stdout, stderr })),
      ),
    );
    expect(out.stdout).toContain("done");
    expect(out.stdout + out.stderr).not.toContain(secretId);
    expect(out.stdout + out.stderr).not.toContain(value);
  });
});
