// @stand-ins: azure
/**
 * `secrets doctor` (the built CLI) against the Azure stand-in: items 6, 10 and 11 give real
 * verdicts for Azure. Item 6 reads each secret's `updatedOn` (the stand-in cannot backdate
 * one, so `--now` moves the clock the ages are measured from) and warns about a secret with
 * no `expiresOn`; item 10 warns about a client secret (a fail under
 * `policy.requireShortLived`, and exit 1 under `--strict`) and passes workload identity only
 * once a token came through it; item 11 resolves the references.
 * Needs `npm run build` first (it runs dist/, as `npm test` does).
 */

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, cli } from "../../e2e/cli/support.js";
import { azureIdentityEnv, signAzureFederatedToken, standIn } from "../../support/stand-ins.js";
import { makeProject } from "../../unit/cli/support/project.js";
import { fakeValue, putSecret, uniqueName } from "./support/kv.js";

const dated = uniqueName("dated");
const undated = uniqueName("undated");
const values = [fakeValue("doctor"), fakeValue("doctor")];
const references = {
  DATED: `azure-kv://acme-kv/${dated}`,
  UNDATED: `azure-kv://acme-kv/${undated}`,
};

beforeAll(async () => {
  assertBuilt();
  await putSecret(dated, values[0] as string, {
    expiresOn: new Date(Date.now() + 200 * 86_400_000),
  });
  await putSecret(undated, values[1] as string);
});

/** The provider's options for the stand-in; the identity comes from the variables. */
const azureOptions = () => ({
  vaultUrlTemplate: standIn("azure").vaultUrl,
  disableChallengeResourceVerification: true,
  disableInstanceDiscovery: true,
  azureCli: false,
  maxRetries: 1,
});

function project(refs: Record<string, string> = references, policy?: Record<string, unknown>) {
  return makeProject({
    "secrets.config.json": JSON.stringify({
      references: refs,
      providers: { azure: azureOptions() },
      ...(policy ? { policy } : {}),
    }),
  });
}

type Doc = {
  checks: { item: number; status: string; results: { status: string; evidence: string }[] }[];
};
const lines = (doc: Doc, n: number) =>
  (doc.checks.find((c) => c.item === n)?.results ?? []).map((x) => `${x.status} ${x.evidence}`);

function noLeak(out: string) {
  for (const v of values) expect(out).not.toContain(v);
  expect(out).not.toContain(standIn("azure").clientSecret);
}

function workloadEnv() {
  const file = join(mkdtempSync(join(tmpdir(), "azure-doctor-")), "token");
  writeFileSync(file, signAzureFederatedToken({ exp: Math.floor(Date.now() / 1000) + 3600 }));
  return azureIdentityEnv("workloadIdentity", { federatedTokenFile: file });
}

describe("secrets doctor against the Azure stand-in", () => {
  it("a client secret: item 6 passes fresh secrets and warns about no expiresOn, item 10 warns, item 11 resolves", () => {
    const gone = uniqueName("gone");
    const dir = project({ ...references, GONE: `azure-kv://acme-kv/${gone}` });
    const r = cli(["doctor", "--json"], { cwd: dir, env: azureIdentityEnv("clientSecret") });
    const doc = JSON.parse(r.stdout) as Doc;
    expect(lines(doc, 6)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^pass DATED \(.+\): last changed 0 days ago \(\d{4}-\d\d-\d\d\)$/),
        expect.stringMatching(/^pass UNDATED \(.+\): last changed 0 days ago \(\d{4}-\d\d-\d\d\)$/),
        `warn azure: secret "${undated}" in vault acme-kv has no expiresOn`,
      ]),
    );
    expect(lines(doc, 6).join("\n")).not.toContain(`"${dated}" in vault acme-kv has no`);
    expect(lines(doc, 10)).toEqual([
      expect.stringMatching(/^warn azure: .* uses long-lived credentials$/),
    ]);
    expect(lines(doc, 11)).toEqual([
      expect.stringMatching(/^pass DATED \(.+\) resolved in \d+ ms/),
      expect.stringMatching(/^pass UNDATED \(.+\) resolved in \d+ ms/),
      expect.stringMatching(/^fail GONE \(.+\) does not resolve: \[NOT_FOUND\]/),
    ]);
    expect(r.code).toBe(1);
    noLeak(r.stdout + r.stderr);
  });

  it("--now 100 days ahead: both secrets were last updated too long ago (item 6 fails)", () => {
    const later = new Date(Date.now() + 100 * 86_400_000).toISOString();
    const r = cli(["doctor", "--json", "--now", later], {
      cwd: project(),
      env: azureIdentityEnv("clientSecret"),
    });
    expect(r.code).toBe(1);
    expect(lines(JSON.parse(r.stdout) as Doc, 6)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^fail DATED \(.+\): last changed 100 days ago \(maximum 90\)$/),
        expect.stringMatching(/^fail UNDATED \(.+\): last changed 100 days ago \(maximum 90\)$/),
      ]),
    );
    noLeak(r.stdout + r.stderr);
  });

  it("a client secret fails item 10 under policy.requireShortLived, and fails the run under --strict", () => {
    const env = azureIdentityEnv("clientSecret");
    const policy = cli(["doctor", "--json"], {
      cwd: project({ DATED: references.DATED }, { requireShortLived: true }),
      env,
    });
    expect(lines(JSON.parse(policy.stdout) as Doc, 10)).toEqual([
      expect.stringMatching(
        /^fail azure: .* uses long-lived credentials \(policy.requireShortLived is on\)$/,
      ),
    ]);
    expect(policy.code).toBe(1);
    const plain = cli(["doctor"], { cwd: project({ DATED: references.DATED }), env });
    const strict = cli(["doctor", "--strict"], { cwd: project({ DATED: references.DATED }), env });
    expect([plain.code, strict.code]).toEqual([0, 1]);
    expect(strict.stdout + strict.stderr).toMatch(/azure: .* uses long-lived credentials/);
    noLeak(policy.stdout + policy.stderr + strict.stdout + strict.stderr);
  });

  it("workload identity passes item 10 once a token came through it; settings alone (--offline) stay manual", () => {
    const env = workloadEnv();
    const dir = project({ DATED: references.DATED });
    const live = cli(["doctor", "--json"], { cwd: dir, env });
    const doc = JSON.parse(live.stdout) as Doc;
    expect(lines(doc, 10)).toEqual([
      expect.stringMatching(/^pass azure: .* uses short-lived credentials$/),
    ]);
    expect(lines(doc, 11)).toEqual([expect.stringMatching(/^pass DATED/)]);
    const offline = cli(["doctor", "--json", "--offline"], { cwd: dir, env });
    expect(lines(JSON.parse(offline.stdout) as Doc, 10)).toEqual([
      expect.stringMatching(
        /^manual azure: configured for short-lived credentials \(workload identity.*\), not confirmed$/,
      ),
    ]);
    noLeak(live.stdout + live.stderr + offline.stdout + offline.stderr);
  });

  it("managed identity (IDENTITY_ENDPOINT) passes item 10 once a token came through it", () => {
    const r = cli(["doctor", "--json"], {
      cwd: project({ DATED: references.DATED }),
      env: azureIdentityEnv("managedIdentity"),
    });
    const doc = JSON.parse(r.stdout) as Doc;
    expect(lines(doc, 10)).toEqual([
      expect.stringMatching(/^pass azure: .* uses short-lived credentials$/),
    ]);
    expect(lines(doc, 11)).toEqual([expect.stringMatching(/^pass DATED/)]);
    noLeak(r.stdout + r.stderr);
  });
});
