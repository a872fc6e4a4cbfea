/**
 * `secrets doctor` (the built CLI) against drongo behind the forwarding proxy and the
 * token stand-in: items 4, 6, 10 and 11 give real verdicts for GCP.
 * - Item 4: testIamPermissions on each referenced secret; a write or admin permission
 *   fails, read-only metadata passes.
 * - Item 6: no rotation settings warns while the version is young and fails past 90 days
 *   (`--now` moves the clock, as drongo cannot backdate a version); a nextRotationTime in
 *   the past (the proxy's `lapseRotation`, as the API refuses one on write) fails.
 * - Item 10: a JSON key warns, fails under policy.requireShortLived and the run under
 *   --strict; impersonation over workload identity federation passes.
 * - Item 11: the references resolve.
 * The servers run in this process, so the CLI runs asynchronously. Needs `npm run build`.
 */

import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, BIN } from "../../e2e/cli/support.js";
import {
  type GcpForwardingProxy,
  type GcpTokenServer,
  standIn,
  startGcpForwardingProxy,
  startGcpTokenServer,
} from "../../support/stand-ins.js";
import { makeProject } from "../../unit/cli/support/project.js";
import {
  AUDIENCE,
  externalAccountFile,
  fakeValue,
  seedSecret,
  serviceAccountFile,
} from "./support/identity.js";

const gcp = standIn("gcp");
const DAY = 86_400_000;
const target = `doctor-${randomUUID().slice(0, 6)}@acme-prod.iam.gserviceaccount.com`;
const subject = `subject-${randomUUID()}`;
const keyEmail = `app-key@${gcp.projectId}.iam.gserviceaccount.com`;
const values = [fakeValue("a"), fakeValue("b"), fakeValue("c"), fakeValue("d")];
let tokens: GcpTokenServer;
let proxy: GcpForwardingProxy;
let dir: string;
let key: string;
const s: Record<"fresh" | "admin" | "overdue" | "scheduled", { id: string; name: string }> =
  {} as never;

const rotation = (next: Date) => ({
  rotation: { nextRotationTime: next.toISOString(), rotationPeriod: `${30 * 86_400}s` },
  topics: [{ name: `projects/${gcp.projectId}/topics/rotations` }],
});

beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), "gcp-doctor-"));
  key = serviceAccountFile(dir, gcp.projectId);
  proxy = await startGcpForwardingProxy(gcp);
  tokens = await startGcpTokenServer({
    serviceAccounts: [target],
    audience: AUDIENCE,
    subjectTokens: [subject],
  });
  s.fresh = await seedSecret(proxy.url, gcp, values[0] as string);
  s.admin = await seedSecret(proxy.url, gcp, values[1] as string);
  s.overdue = await seedSecret(
    proxy.url,
    gcp,
    values[2] as string,
    rotation(new Date(Date.now() + DAY)),
  );
  // The API takes only a future nextRotationTime; a schedule that lapsed looks like this.
  proxy.lapseRotation(s.overdue.name, new Date(Date.now() - 2 * DAY));
  s.scheduled = await seedSecret(
    proxy.url,
    gcp,
    values[3] as string,
    rotation(new Date(Date.now() + 10 * DAY)),
  );
  proxy.grant(s.fresh.name, ["secretmanager.versions.access", "secretmanager.secrets.get"]);
  proxy.grant(s.admin.name, [
    "secretmanager.versions.access",
    "secretmanager.secrets.setIamPolicy",
    "secretmanager.secrets.delete",
    "secretmanager.versions.add",
  ]);
});
afterAll(async () => {
  await proxy.close();
  await tokens.close();
  rmSync(dir, { recursive: true, force: true });
});

type Doc = {
  checks: { item: number; status: string; results: { status: string; evidence: string }[] }[];
};
const lines = (doc: Doc, n: number) =>
  (doc.checks.find((c) => c.item === n)?.results ?? []).map((x) => `${x.status} ${x.evidence}`);

/** The built CLI, asynchronously: the stand-ins answer from this process. */
function doctor(
  args: string[],
  cwd: string,
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, "doctor", ...args],
      { cwd, env: { PATH: process.env.PATH ?? "", HOME: dir, ...env }, timeout: 60_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function project(
  refs: Record<string, string>,
  options: Record<string, unknown> = {},
  policy?: Record<string, unknown>,
) {
  return makeProject({
    "secrets.config.json": JSON.stringify({
      references: refs,
      providers: {
        gcp: {
          endpoint: proxy.url,
          iamCredentialsEndpoint: tokens.url,
          projectId: gcp.projectId,
          ...options,
        },
      },
      ...(policy ? { policy } : {}),
    }),
  });
}

const all = () => ({
  FRESH: `gcp-sm://${s.fresh.name}`,
  ADMIN: `gcp-sm://${s.admin.id}`,
  OVERDUE: `gcp-sm://${s.overdue.name}/versions/latest`,
  SCHEDULED: `gcp-sm://${s.scheduled.name}`,
});

function noLeak(out: string) {
  for (const v of values) expect(out).not.toContain(v);
  for (const t of tokens.issued) expect(out).not.toContain(t);
}

describe("secrets doctor against drongo (GCP)", () => {
  it("a JSON key: item 4 from testIamPermissions, item 6 rotation, item 10 warns, item 11 resolves", async () => {
    const gone = `gone-${randomUUID().slice(0, 8)}`;
    const r = await doctor(["--json"], project({ ...all(), GONE: `gcp-sm://${gone}` }), {
      GOOGLE_APPLICATION_CREDENTIALS: key,
    });
    const doc = JSON.parse(r.stdout) as Doc;
    expect(lines(doc, 4)).toEqual(
      expect.arrayContaining([
        `pass gcp: ${keyEmail} holds no write or admin permission on secret ${s.fresh.name} (holds secretmanager.versions.access, secretmanager.secrets.get)`,
        `fail gcp: ${keyEmail} holds write or admin permissions on secret ${s.admin.name}: secretmanager.secrets.setIamPolicy, secretmanager.secrets.delete, secretmanager.versions.add`,
        `pass gcp: ${keyEmail} holds no write or admin permission on secret ${s.scheduled.name}`,
      ]),
    );
    expect(lines(doc, 4).join("\n")).not.toMatch(/not enumerated/);
    expect(lines(doc, 6)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^pass FRESH \(.+\): last changed 0 days ago \(\d{4}-\d\d-\d\d\); no rotation schedule, so rotate again within 90 days$/,
        ),
        expect.stringMatching(/^fail OVERDUE \(.+\): rotation overdue since \d{4}-\d\d-\d\d$/),
        expect.stringMatching(
          /^pass SCHEDULED \(.+\): last changed 0 days ago \(\d{4}-\d\d-\d\d\)(; rotation every \d+ days)?; next \d{4}-\d\d-\d\d$/,
        ),
      ]),
    );
    expect(lines(doc, 10)).toEqual([`warn gcp: ${keyEmail} uses long-lived credentials`]);
    expect(lines(doc, 11)).toEqual([
      expect.stringMatching(/^pass FRESH \(.+\) resolved in \d+ ms, version 1/),
      expect.stringMatching(/^pass ADMIN \(.+\) resolved in \d+ ms/),
      expect.stringMatching(/^pass OVERDUE \(.+\) resolved in \d+ ms/),
      expect.stringMatching(/^pass SCHEDULED \(.+\) resolved in \d+ ms/),
      expect.stringMatching(/^fail GONE \(.+\) does not resolve: \[NOT_FOUND\]/),
    ]);
    expect(r.code).toBe(1);
    noLeak(r.stdout + r.stderr);
  });

  it("--now 100 days ahead: a version older than 90 days fails item 6", async () => {
    const later = new Date(Date.now() + 100 * DAY).toISOString();
    const reads = proxy.counts.access;
    const r = await doctor(
      ["--json", "--now", later],
      project({ FRESH: all().FRESH, SCHEDULED: all().SCHEDULED }),
      { GOOGLE_APPLICATION_CREDENTIALS: key },
    );
    expect(lines(JSON.parse(r.stdout) as Doc, 6)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^fail FRESH \(.+\): last changed 100 days ago \(maximum 90\)$/),
        expect.stringMatching(/^fail SCHEDULED \(.+\): last changed 100 days ago \(maximum 90\)$/),
      ]),
    );
    expect(r.code).toBe(1);
    // Items 1-3 and 11 share one read of each secret.
    expect(proxy.counts.access - reads).toBe(2);
  });

  it("a JSON key fails item 10 under policy.requireShortLived, and the run under --strict", async () => {
    const env = { GOOGLE_APPLICATION_CREDENTIALS: key };
    const refs = { FRESH: all().FRESH };
    const policy = await doctor(["--json"], project(refs, {}, { requireShortLived: true }), env);
    expect(lines(JSON.parse(policy.stdout) as Doc, 10)).toEqual([
      `fail gcp: ${keyEmail} uses long-lived credentials (policy.requireShortLived is on)`,
    ]);
    expect(policy.code).toBe(1);
    const plain = await doctor([], project(refs), env);
    const strict = await doctor(["--strict"], project(refs), env);
    expect([plain.code, strict.code]).toEqual([0, 1]);
    expect(strict.stdout + strict.stderr).toContain(`gcp: ${keyEmail} uses long-lived credentials`);
    // Offline, the file's type alone says it.
    const offline = await doctor(["--json", "--offline"], project(refs), env);
    expect(lines(JSON.parse(offline.stdout) as Doc, 10)).toEqual([
      `warn gcp: GOOGLE_APPLICATION_CREDENTIALS is a service-account key file (${key})`,
    ]);
    noLeak(policy.stdout + strict.stdout + strict.stderr);
  });

  it("item 10 reads the classification the policy enforces: a key whose type says nothing fails too", async () => {
    // google-auth-library loads it as a key whatever its type: so does the classification.
    const json = JSON.parse(readFileSync(key, "utf8")) as Record<string, unknown>;
    const odd = join(dir, `odd-${randomUUID()}.json`);
    writeFileSync(odd, JSON.stringify({ ...json, type: "Service_Account" }));
    const refs = { FRESH: all().FRESH };
    const env = { GOOGLE_APPLICATION_CREDENTIALS: odd };
    const r = await doctor(["--json"], project(refs, {}, { requireShortLived: true }), env);
    const ten = lines(JSON.parse(r.stdout) as Doc, 10);
    expect(ten).toHaveLength(1);
    expect(ten[0]).toMatch(
      /^fail gcp: .* uses long-lived credentials \(policy.requireShortLived is on\)$/,
    );
    expect(r.code).toBe(1);
    // Offline, the file's content says it (not its type).
    const offline = await doctor(["--json", "--offline"], project(refs), env);
    expect(lines(JSON.parse(offline.stdout) as Doc, 10)).toEqual([
      `warn gcp: GOOGLE_APPLICATION_CREDENTIALS holds a service-account private key (${odd})`,
    ]);
    noLeak(r.stdout + r.stderr + offline.stdout);
  });

  it("impersonation over workload identity federation passes item 10; over a JSON key it warns", async () => {
    const refs = { FRESH: all().FRESH };
    const federated = externalAccountFile(dir, tokens.tokenUrl, subject);
    const impersonate = { impersonate: { targetPrincipal: target } };
    const sts = tokens.counts.sts;
    const live = await doctor(["--json"], project(refs, impersonate, { requireShortLived: true }), {
      GOOGLE_APPLICATION_CREDENTIALS: federated,
    });
    const doc = JSON.parse(live.stdout) as Doc;
    expect(lines(doc, 10)).toEqual([`pass gcp: ${target} uses short-lived credentials`]);
    expect(lines(doc, 11)).toEqual([expect.stringMatching(/^pass FRESH \(.+\) resolved in/)]);
    expect(tokens.counts.sts).toBeGreaterThan(sts);
    expect(live.code).toBe(0);

    const overKey = await doctor(["--json"], project(refs, impersonate), {
      GOOGLE_APPLICATION_CREDENTIALS: key,
    });
    expect(lines(JSON.parse(overKey.stdout) as Doc, 10)).toEqual([
      expect.stringMatching(/^warn gcp: .*(long-lived|service-account key file).*$/),
    ]);
    noLeak(live.stdout + live.stderr + overKey.stdout + overKey.stderr);
  });
});
