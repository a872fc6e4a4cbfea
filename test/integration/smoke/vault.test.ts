// Smoke test of the Vault stand-in (OpenBao dev server + PostgreSQL) with node-vault.
import { randomUUID } from "node:crypto";
import nodeVault from "node-vault";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { signVaultJwt, standIn } from "../../support/stand-ins.js";

describe("vault stand-in (OpenBao)", () => {
  const vault = standIn("vault");
  const root = () => nodeVault({ apiVersion: "v1", endpoint: vault.address, token: vault.token });

  it("listens on 127.0.0.1 only", () => {
    expect(new URL(vault.address).hostname).toBe("127.0.0.1");
    expect(vault.postgres.host).toBe("127.0.0.1");
  });

  it("KV v2: creates, reads back and deletes a secret", async () => {
    const v = root();
    const path = `smoke/${randomUUID()}`;
    const value = `smoke-${randomUUID()}`;
    await v.write(`${vault.kv2Mount}/data/${path}`, { data: { api_key: value } });
    const got = await v.read(`${vault.kv2Mount}/data/${path}`);
    expect(got.data.data.api_key === value).toBe(true);
    expect(got.data.metadata.version).toBe(1);
    await v.delete(`${vault.kv2Mount}/metadata/${path}`);
    await expect(v.read(`${vault.kv2Mount}/data/${path}`)).rejects.toMatchObject({
      response: { statusCode: 404 },
    });
  });

  it("KV v1: creates, reads back and deletes a secret", async () => {
    const v = root();
    const path = `${vault.kv1Mount}/smoke-${randomUUID()}`;
    const value = `smoke-${randomUUID()}`;
    await v.write(path, { api_key: value });
    expect((await v.read(path)).data.api_key === value).toBe(true);
    await v.delete(path);
    await expect(v.read(path)).rejects.toMatchObject({ response: { statusCode: 404 } });
  });

  it("AppRole and JWT logins give tokens with the test policy", async () => {
    const approle = await nodeVault({ endpoint: vault.address }).approleLogin({
      role_id: vault.approle.roleId,
      secret_id: vault.approle.secretId,
    });
    expect(approle.auth.policies).toContain(vault.policy);

    const jwtClient = nodeVault({ endpoint: vault.address });
    const jwt = await jwtClient.write(`auth/${vault.jwt.mount}/login`, {
      role: vault.jwt.role,
      jwt: signVaultJwt(),
    });
    expect(jwt.auth.policies).toContain(vault.policy);

    await expect(
      jwtClient.write(`auth/${vault.jwt.mount}/login`, {
        role: vault.jwt.role,
        jwt: signVaultJwt({ aud: "someone-else" }),
      }),
    ).rejects.toMatchObject({ response: { statusCode: 400 } });
  });

  it("issues a leased PostgreSQL credential that logs in, and revokes it", async () => {
    const login = await nodeVault({ endpoint: vault.address }).approleLogin({
      role_id: vault.approle.roleId,
      secret_id: vault.approle.secretId,
    });
    const v = nodeVault({ endpoint: vault.address, token: login.auth.client_token });
    const creds = await v.read(`${vault.database.mount}/creds/${vault.database.role}`);
    expect(creds.lease_id).toMatch(new RegExp(`^${vault.database.mount}/creds/`));
    expect(creds.lease_duration).toBeGreaterThan(0);
    expect(creds.renewable).toBe(true);

    const connect = async () => {
      const c = new pg.Client({
        host: vault.postgres.host,
        port: vault.postgres.port,
        database: vault.postgres.database,
        user: creds.data.username,
        password: creds.data.password,
      });
      await c.connect();
      try {
        return (await c.query("select current_user as u")).rows[0].u as string;
      } finally {
        await c.end();
      }
    };
    expect(await connect()).toBe(creds.data.username);

    await v.write("sys/leases/revoke", { lease_id: creds.lease_id });
    await expect(connect()).rejects.toThrow(/password authentication failed|does not exist/);
  });
});
