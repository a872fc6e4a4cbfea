/**
 * Runs examples/vault-approle and examples/vault-dynamic-db as a user would
 * (`node examples/.../main.mjs` against the built package), with VAULT_ADDR
 * pointing at the OpenBao stand-in. Each test makes its own AppRole role or
 * short-TTL database role, so the example sees only what it was granted and
 * a lease rotates within seconds.
 */

import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { closedPort, expectCleanFailure } from "../../support/dependency-down.js";
import { expectReadmeOutput } from "../../support/readme-output.js";
import { api, bao, fakeValue, putKv2, tokenWithPolicy, uniquePrefix } from "./support/bao.js";

const run = promisify(execFile);
const root = new URL("../../../", import.meta.url).pathname;

beforeAll(() => {
  if (!existsSync(join(root, "dist/providers/vault/index.js"))) {
    throw new Error("dist/ has no Vault provider: run `npm run build` first (`npm test` does).");
  }
});

function baseEnv(): Record<string, string> {
  return { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", VAULT_ADDR: bao().address };
}

/** An AppRole role allowed to read `secret/<prefix>/*` only; its role id and a secret id. */
async function appRole(prefix: string): Promise<{ roleId: string; secretId: string }> {
  const name = `example-${randomUUID().slice(0, 8)}`;
  await api("PUT", `sys/policies/acl/${name}`, {
    policy: `path "secret/data/${prefix}/*" { capabilities = ["read"] }`,
  });
  await api("POST", `auth/approle/role/${name}`, {
    token_policies: [name],
    token_ttl: "5m",
    token_max_ttl: "15m",
  });
  const roleId = (
    await api<{ data: { role_id: string } }>("GET", `auth/approle/role/${name}/role-id`)
  ).data.role_id;
  const secretId = (
    await api<{ data: { secret_id: string } }>("POST", `auth/approle/role/${name}/secret-id`, {})
  ).data.secret_id;
  return { roleId, secretId };
}

describe("examples", () => {
  it("vault-approle: logs in with AppRole (secret id from a file), loads both KV secrets, revokes its token", async () => {
    const prefix = uniquePrefix();
    const password = fakeValue("db");
    const stripe = `sk_${"test"}_${fakeValue("stripe")}`;
    await putKv2(`${prefix}/db`, { password });
    await putKv2(`${prefix}/stripe`, { key: stripe });
    const { roleId, secretId } = await appRole(prefix);
    const secretIdFile = join(mkdtempSync(join(tmpdir(), "approle-")), "secret-id");
    writeFileSync(secretIdFile, secretId, { mode: 0o600 });
    const { stdout, stderr } = await run(process.execPath, ["examples/vault-approle/main.mjs"], {
      cwd: root,
      env: {
        ...baseEnv(),
        VAULT_ROLE_ID: roleId,
        VAULT_SECRET_ID_FILE: secretIdFile,
        SECRETS_PATH: `secret/${prefix}`,
      },
    });
    expectReadmeOutput("vault-approle", { stdout, stderr }, 0, (t) =>
      t
        .replaceAll(`secret/${prefix}/`, "secret/checkout/")
        .replace(/accessor \S+/, "accessor <accessor>"),
    );
    expect(stdout).toContain("Loaded DB_PASSWORD, STRIPE_KEY; Stripe mode: test");
    const accessor = /\[secrets\] vault:login\/approle\S* issued, token accessor (\S+)/.exec(
      stderr,
    )?.[1];
    expect(accessor).toBeDefined();
    // close() revoked the login token: its accessor no longer resolves.
    await expect(api("POST", "auth/token/lookup-accessor", { accessor })).rejects.toThrow(/-> 400/);
    expect(stderr).toMatch(new RegExp(`fetched vault://secret/${prefix}/db in \\d+ ms`));
    for (const v of [password, stripe, secretId]) expect(`${stdout}${stderr}`).not.toContain(v);
  });

  it("vault-approle: a secret outside the role's policy stops start-up with one error naming it", async () => {
    const prefix = uniquePrefix();
    await putKv2(`${prefix}/db`, { password: fakeValue("db") });
    const { roleId, secretId } = await appRole(`${prefix}-other`);
    const secretIdFile = join(mkdtempSync(join(tmpdir(), "approle-")), "secret-id");
    writeFileSync(secretIdFile, secretId);
    const err = (await run(process.execPath, ["examples/vault-approle/main.mjs"], {
      cwd: root,
      env: {
        ...baseEnv(),
        VAULT_ROLE_ID: roleId,
        VAULT_SECRET_ID_FILE: secretIdFile,
        SECRETS_PATH: `secret/${prefix}`,
      },
    }).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(err.code).toBe(1);
    expect(err.stderr).toContain("Failed to load 2 of 2 secret(s)");
    expect(err.stderr).toContain(`secret/${prefix}/db`);
    expect(err.stderr).toContain("ACCESS_DENIED");
  });

  it("vault-dynamic-db: the pool changes over to the rotated login; no query fails; no lease is left", async () => {
    const p = bao().postgres;
    const connection = `ex-${randomUUID().slice(0, 8)}`;
    const role = `ex-${randomUUID().slice(0, 8)}`;
    await api("POST", `database/config/${connection}`, {
      plugin_name: "postgresql-database-plugin",
      connection_url: `postgresql://{{username}}:{{password}}@${p.host}:${p.port}/${p.database}?sslmode=disable`,
      username: p.adminUser,
      password: p.adminPassword,
      allowed_roles: [role],
    });
    await api("POST", `database/roles/${role}`, {
      db_name: connection,
      creation_statements: [
        `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';`,
      ],
      default_ttl: "3s",
      max_ttl: "6s",
    });
    const token = await tokenWithPolicy(
      [
        `path "database/creds/${role}" { capabilities = ["read"] }`,
        'path "sys/leases/renew" { capabilities = ["update"] }',
        'path "sys/leases/revoke" { capabilities = ["update"] }',
      ].join("\n"),
    );
    const { stdout, stderr } = await run(process.execPath, ["examples/vault-dynamic-db/main.mjs"], {
      cwd: root,
      env: {
        ...baseEnv(),
        VAULT_TOKEN: token,
        DB_ROLE: role,
        PGHOST: p.host,
        PGPORT: String(p.port),
        PGDATABASE: p.database,
        DURATION_MS: "11000",
        INTERVAL_MS: "300",
        QUERY_SECONDS: "1",
        REFRESH_LEAD: "2s",
        LEASE_GRACE: "3s",
      },
      timeout: 30_000,
    });
    expect(stderr).toBe("");
    expect(stdout).toContain("[credentials] issued");
    expect(stdout).toContain("[credentials] rotated");
    expect(stdout).toMatch(/\[pool\] changed over to /);
    expect(stdout).toContain("[lease] revoked");
    const summary = /(\d+) queries ok, (\d+) failed, (\d+) database login\(s\)/.exec(stdout);
    expect(Number(summary?.[1])).toBeGreaterThan(20);
    expect(summary?.[2]).toBe("0");
    expect(Number(summary?.[3])).toBeGreaterThanOrEqual(2);
    // close() revoked the last lease: none is left under the role.
    const left = await api<{ data?: { keys?: string[] } }>(
      "LIST",
      `sys/leases/lookup/database/creds/${role}`,
    ).catch(() => ({ data: { keys: [] } }));
    expect(left.data?.keys ?? []).toEqual([]);
  }, 40_000);

  it("vault-approle and vault-dynamic-db: with Vault unreachable, a short error and exit 1, no stack, no hang", async () => {
    const down = {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      VAULT_ADDR: `http://127.0.0.1:${await closedPort()}`,
    };
    const secretIdFile = join(mkdtempSync(join(tmpdir(), "approle-")), "secret-id");
    writeFileSync(secretIdFile, fakeValue("secret-id"), { mode: 0o600 });
    await expectCleanFailure(
      "vault-approle",
      {
        ...down,
        VAULT_ROLE_ID: "checkout",
        VAULT_SECRET_ID_FILE: secretIdFile,
        SECRETS_PATH: "secret/checkout",
      },
      /\[UNAVAILABLE\] vault: could not get an answer for the approle login \(ECONNREFUSED\)/,
      { maxLines: 3 }, // the LoadError: a header and one line per reference
    );
    await expectCleanFailure(
      "vault-dynamic-db",
      { ...down, VAULT_TOKEN: fakeValue("token") },
      /^cannot start: vault: .*\(ECONNREFUSED\)/,
    );
  });
});
