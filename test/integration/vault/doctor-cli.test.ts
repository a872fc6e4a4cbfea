/**
 * `secrets doctor` (the built CLI) against OpenBao: items 4, 6, 10 and 11 give
 * real verdicts for Vault. The root token fails least privilege and is
 * long-lived; an AppRole login is short-lived; a KV v2 secret's age comes
 * from its metadata (OpenBao cannot backdate a version, so `--now` moves the
 * clock the ages are measured from instead); dynamic credentials pass
 * rotation; references resolve.
 * Needs `npm run build` first (it runs dist/, as `npm test` does).
 */

import { beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, cli } from "../../e2e/cli/support.js";
import { makeProject } from "../../unit/cli/support/project.js";
import { approle, bao, fakeValue, putKv2, uniquePrefix } from "./support/bao.js";

const prefix = uniquePrefix();
const value = fakeValue("doctor");
const references = {
  DB_PASSWORD: `vault://secret/${prefix}/db#password`,
  DB_LOGIN: `vault://database/creds/${bao().database.role}#username`,
  GONE: `vault://secret/${prefix}/missing#password`,
};

beforeAll(async () => {
  assertBuilt();
  await putKv2(`${prefix}/db`, { password: value });
});

type Doc = {
  checks: { item: number; status: string; results: { status: string; evidence: string }[] }[];
};
const lines = (doc: Doc, n: number) =>
  (doc.checks.find((c) => c.item === n)?.results ?? []).map((x) => `${x.status} ${x.evidence}`);

describe("secrets doctor against OpenBao", () => {
  it("the root token: item 4 fails (root policy), item 10 flags it long-lived; 6 and 11 per reference", () => {
    const dir = makeProject({ "secrets.config.json": JSON.stringify({ references }) });
    const r = cli(["doctor", "--json"], {
      cwd: dir,
      env: { VAULT_ADDR: bao().address, VAULT_TOKEN: bao().token },
    });
    const doc = JSON.parse(r.stdout) as Doc;
    expect(r.code).toBe(1);
    expect(lines(doc, 4)).toEqual([
      expect.stringMatching(/^fail vault: .* has administrator rights \(root policy\)$/),
    ]);
    expect(lines(doc, 10)).toEqual([
      expect.stringMatching(/^(warn|fail) vault: .* uses long-lived credentials, TTL none/),
    ]);
    expect(lines(doc, 6)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^pass DB_PASSWORD \(.+\): last rotated 0 days ago \(\d{4}-\d\d-\d\d\)(; rotation every \d+ days)?(; next \d{4}-\d\d-\d\d)?$/,
        ),
        expect.stringMatching(/^pass DB_LOGIN \(.+\): rotation enabled$/),
      ]),
    );
    expect(lines(doc, 11)).toEqual([
      expect.stringMatching(/^pass DB_PASSWORD \(.+\) resolved in \d+ ms/),
      expect.stringMatching(/^pass DB_LOGIN \(.+\) resolved in \d+ ms/),
      expect.stringMatching(/^fail GONE \(.+\) does not resolve: \[NOT_FOUND\]/),
    ]);
    expect(r.stdout + r.stderr).not.toContain(value);
    expect(r.stdout + r.stderr).not.toContain(bao().token);
  });

  it("an AppRole login from the config: item 10 passes, item 4 is not failed", () => {
    const { roleId, secretId } = approle();
    const dir = makeProject({
      "secrets.config.json": JSON.stringify({
        references: { DB_PASSWORD: references.DB_PASSWORD },
        providers: {
          vault: { address: bao().address, auth: { method: "approle", roleId, secretId } },
        },
      }),
    });
    const r = cli(["doctor", "--json"], { cwd: dir, env: {} });
    const doc = JSON.parse(r.stdout) as Doc;
    expect(lines(doc, 10)).toEqual([
      expect.stringMatching(/^pass vault: .* uses short-lived credentials, TTL \d+s, renewable$/),
    ]);
    expect(lines(doc, 4)).toEqual([expect.not.stringMatching(/^fail/)]);
    expect(lines(doc, 11)).toEqual([expect.stringMatching(/^pass DB_PASSWORD/)]);
    expect(r.stdout + r.stderr).not.toContain(secretId);
    expect(r.stdout + r.stderr).not.toContain(value);
  });

  it("a token whose every policy the doctor may read and none is an administrator's: item 4 passes", async () => {
    // A least-privilege role plus the doctor's one extra permission: reading its own policy.
    const root = async (method: string, path: string, body?: unknown) => {
      const r = await fetch(`${bao().address}/v1/${path}`, {
        method,
        headers: { "X-Vault-Token": bao().token, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!r.ok) throw new Error(`${method} ${path}: ${r.status}`);
      const text = await r.text();
      return text ? JSON.parse(text) : {};
    };
    const name = `${prefix}-reader`;
    await root("PUT", `sys/policies/acl/${name}`, {
      policy: [
        `path "secret/data/${prefix}/*" { capabilities = ["read"] }`,
        'path "sys/internal/ui/mounts/*" { capabilities = ["read"] }',
        `path "sys/policies/acl/${name}" { capabilities = ["read"] }`,
      ].join("\n"),
    });
    await root("POST", `auth/approle/role/${name}`, { token_policies: [name], token_ttl: "10m" });
    const roleId = (await root("GET", `auth/approle/role/${name}/role-id`)).data.role_id as string;
    const secretId = (await root("POST", `auth/approle/role/${name}/secret-id`, {})).data
      .secret_id as string;
    const dir = makeProject({
      "secrets.config.json": JSON.stringify({
        references: { DB_PASSWORD: references.DB_PASSWORD },
        providers: {
          vault: { address: bao().address, auth: { method: "approle", roleId, secretId } },
        },
      }),
    });
    const r = cli(["doctor", "--json"], { cwd: dir, env: {} });
    const doc = JSON.parse(r.stdout) as Doc;
    expect(lines(doc, 4)).toEqual([
      expect.stringMatching(
        new RegExp(`^pass vault: .* has no administrator rights \\(policies: .*${name}`),
      ),
    ]);
    expect(r.stdout + r.stderr).not.toContain(secretId);
  });

  it("--now 100 days ahead: the KV v2 secret's current version is too old (item 6 fails); dynamic credentials still pass", () => {
    const dir = makeProject({
      "secrets.config.json": JSON.stringify({
        references: { DB_PASSWORD: references.DB_PASSWORD, DB_LOGIN: references.DB_LOGIN },
      }),
    });
    const env = { VAULT_ADDR: bao().address, VAULT_TOKEN: bao().token };
    const later = new Date(Date.now() + 100 * 86_400_000).toISOString();
    const aged = cli(["doctor", "--json", "--now", later], { cwd: dir, env });
    expect(aged.code).toBe(1);
    expect(lines(JSON.parse(aged.stdout) as Doc, 6)).toEqual([
      expect.stringMatching(/^fail DB_PASSWORD \(.+\): last rotated 100 days ago \(maximum 90\)$/),
      expect.stringMatching(/^pass DB_LOGIN \(.+\): rotation enabled$/),
    ]);
    // The same project by the clock: the version written just now passes.
    const today = cli(["doctor", "--json"], { cwd: dir, env });
    expect(lines(JSON.parse(today.stdout) as Doc, 6)).toEqual([
      expect.stringMatching(
        /^pass DB_PASSWORD \(.+\): last rotated 0 days ago \(\d{4}-\d\d-\d\d\)(; rotation every \d+ days)?(; next \d{4}-\d\d-\d\d)?$/,
      ),
      expect.stringMatching(/^pass DB_LOGIN \(.+\): rotation enabled$/),
    ]);
    expect(aged.stdout + aged.stderr + today.stdout).not.toContain(value);
  });

  it("a --now that is not an ISO date is a usage error (exit 2) that gives the accepted form", () => {
    const dir = makeProject({ "secrets.config.json": JSON.stringify({ references }) });
    for (const bad of ["notadate", "2026-02-30", "2026-03-01T12:00:00", "in 100 days"]) {
      const r = cli(["doctor", "--json", "--now", bad], { cwd: dir, env: {} });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(
        /--now .*expected an ISO 8601 date or date-time with a zone \(2026-03-01, or 2026-03-01T12:00:00Z\)/,
      );
    }
  });
});
