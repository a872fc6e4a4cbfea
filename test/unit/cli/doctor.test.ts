/**
 * The doctor's checks against a temporary project and fake providers that
 * expose the optional doctor methods (describe, identity, accessKeyAge).
 */

import { chmodSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateConfig } from "../../../src/cli/config/validate.js";
import { DoctorContext, type DoctorOptions } from "../../../src/cli/doctor/context.js";
import { installPreCommitHook } from "../../../src/cli/doctor/hooks.js";
import { providersFromConfig } from "../../../src/cli/doctor/providers.js";
import { type ItemReport, runChecks } from "../../../src/cli/doctor/run.js";
import { BUILTIN_PROVIDERS, createSecrets } from "../../../src/index.js";
import type { ParsedRef, ProviderIdentity } from "../../../src/provider/index.js";
import { inline } from "../../support/inline-provider.js";
import { FAKES } from "./support/fakes.js";
import { commitAll, git, gitInit, makeProject } from "./support/project.js";

const DAY = 86_400_000;

async function doctor(
  dir: string,
  raw: unknown = {},
  options: DoctorOptions = {},
): Promise<ItemReport[]> {
  const ctx = new DoctorContext(dir, validateConfig(raw, "test.json"), undefined, {
    env: {},
    ...options,
  });
  try {
    return await runChecks(ctx);
  } finally {
    await ctx.close();
  }
}

const item = (items: ItemReport[], n: number) => items.find((i) => i.item === n) as ItemReport;

function fakeAws(o: { ageDays: number; rotation: boolean; identity?: object; keyAge?: number }) {
  return inline({
    name: "aws",
    scheme: ["aws-sm", "aws-ssm"],
    async getSecret(ref: ParsedRef) {
      if (ref.path === "missing")
        throw Object.assign(new Error("gone"), { name: "ResourceNotFound" });
      return { value: "fake-value-123", version: "v1" };
    },
    async describe() {
      return { rotationEnabled: o.rotation, lastChanged: Date.now() - o.ageDays * DAY };
    },
    ...(o.identity ? { identity: async () => o.identity as ProviderIdentity } : {}),
    ...(o.keyAge !== undefined
      ? {
          accessKeyAge: async () => ({
            permitted: true,
            userName: "ci",
            keys: [
              {
                accessKeyId: "AKIA…WXYZ",
                status: "Active",
                ageDays: o.keyAge,
                createdAt: new Date(),
              },
            ],
          }),
        }
      : {}),
  });
}

describe("doctor", () => {
  it("has eleven items and never passes what it did not check", async () => {
    const items = await doctor(makeProject({ "a.ts": "export {};\n" }));
    expect(items.map((i) => i.item)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(item(items, 1).status).toBe("pass");
    expect(item(items, 2).status).toBe("manual"); // not a git repository
    for (const n of [4, 5, 6, 8, 10, 11]) expect(item(items, n).status, `item ${n}`).toBe("manual");
    expect(item(items, 7).status).toBe("warn");
    expect(item(items, 9).status).toBe("warn");
  });

  it("fails item 1 on a key and item 2 on a key that is only left in history", async () => {
    const dir = makeProject({ "a.ts": `const k = "${(FAKES.ghp as () => string)()}";\n` });
    gitInit(dir);
    commitAll(dir, "add");
    let items = await doctor(dir);
    expect(item(items, 1).status).toBe("fail");
    expect(item(items, 2).results[0]?.evidence).toMatch(/still in the working tree/);
    rmSync(join(dir, "a.ts"));
    commitAll(dir, "remove");
    items = await doctor(dir);
    expect(item(items, 1).status).toBe("pass");
    expect(item(items, 2).status).toBe("fail");
    expect(item(items, 2).results[0]?.evidence).toMatch(
      /gone from the working tree but still in history/,
    );
    expect(item(items, 2).results[0]?.fix).toMatch(/Rotate it now/);
  });

  it("passes item 9 only on a config sink; a code subscription is manual", async () => {
    const dir = makeProject({
      "src/server.ts":
        'import { createSecrets } from "secrets-loader";\nexport const s = createSecrets({ onEvent: (e) => void e });\n',
      "src/other.ts": "emitter.on('x', f);\nconst o = { onEvent: () => {} };\n",
    });
    const code = item(await doctor(dir), 9);
    expect(code.status).toBe("manual");
    expect(code.results.map((r) => r.evidence)).toEqual([
      "subscription found at src/server.ts:2: check it reaches alerting",
    ]);
    const sink = item(await doctor(dir, { audit: { sink: "stderr" } }), 9);
    expect(sink.status).toBe("pass");
    expect(sink.results).toHaveLength(1);
    expect(item(await doctor(makeProject({ "src/a.ts": "export {};\n" })), 9).status).toBe("warn");
  });

  it("scans only a subfolder's history when run on a subfolder (item 2)", async () => {
    const dir = makeProject({
      "app/index.ts": "export const ok = true;\n",
      "tools/seed.ts": `const k = "${(FAKES.ghp as () => string)()}";\n`,
    });
    gitInit(dir);
    commitAll(dir, "add");
    const items = await doctor(join(dir, "app"));
    expect(item(items, 1).status).toBe("pass");
    expect(item(items, 2).status).toBe("pass");
    // The whole repository still fails (the key is in its tree).
    expect(item(await doctor(dir), 2).results[0]?.evidence).toMatch(/still in the working tree/);
  });

  it("names build files the scan skipped as manual, not a silent pass (item 3)", async () => {
    const dir = makeProject({
      "dist/app.js": "console.log(1);\n",
      "dist/vendor.js": `var a="${"x".repeat(3000)}";\n`,
    });
    const items = await doctor(dir, { scan: { maxFileSize: 1000 } });
    const three = item(items, 3).results.map((r) => `${r.status} ${r.evidence}`);
    expect(three).toContain("pass build output dist: 1 files scanned, no keys");
    expect(three).toContain(
      "manual build output dist: 1 file(s) not scanned: dist/vendor.js (too-large, 3010 bytes)",
    );
  });

  it("checks public-prefixed variables, build output and client modules (item 3)", async () => {
    const stripe = (FAKES.stripe_live as () => string)();
    const dir = makeProject({
      ".env.local": `NEXT_PUBLIC_STRIPE=${stripe}\nNEXT_PUBLIC_DB_PASSWORD=abc\nVITE_MAPS_API_KEY=abc\nNEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY=pk\n`,
      ".gitignore": ".next/\n",
      ".next/static/chunks/app.js": `var k="${(FAKES.openai as () => string)()}";`,
      "app/widget.tsx": '"use client";\nimport { getSecret } from "secrets-loader";\n',
      "app/api/route.ts": 'import { getSecret } from "secrets-loader";\n',
    });
    const results = item(await doctor(dir), 3).results;
    const text = results.map((r) => `${r.status} ${r.evidence}`).join("\n");
    expect(text).toMatch(
      /fail NEXT_PUBLIC_STRIPE in \.env\.local: its value is a stripe-secret-key \(sk_live_… \(\d+ chars\)\)/,
    );
    expect(text).toMatch(/fail NEXT_PUBLIC_DB_PASSWORD in \.env\.local: the name says secret/);
    expect(text).toMatch(/warn VITE_MAPS_API_KEY/);
    expect(text).not.toMatch(/PUBLISHABLE/);
    expect(text).toMatch(/fail \.next\/static\/chunks\/app\.js:1 ai-api-key/);
    expect(text).toMatch(/fail app\/widget\.tsx:2 is client code and imports secrets-loader/);
    expect(text).not.toMatch(/route\.ts/);
    expect(text).not.toContain(stripe.slice(4));
    expect(results.every((r) => r.status === "pass" || r.fix?.includes("proxy"))).toBe(true);
  });

  it("reads rotation, identity and key age from the providers (items 4, 6, 10, 11)", async () => {
    const config = {
      references: { DB: "aws-sm://prod/db", OLD: "aws-sm://prod/old", GONE: "aws-sm://missing" },
      policy: { rotationMaxDays: 90 },
    };
    const client = createSecrets({
      builtins: false,
      providers: {
        aws: fakeAws({
          ageDays: 120,
          rotation: false,
          identity: {
            principal: "arn:aws:iam::123456789012:root",
            kind: "root",
            shortLived: false,
          },
          keyAge: 200,
        }),
      },
    });
    const items = await doctor(makeProject(), config, { client });
    expect(item(items, 4).results[0]).toMatchObject({ status: "fail" });
    expect(item(items, 4).results[0]?.evidence).toMatch(/root user/);
    const rot = item(items, 6).results.map((r) => `${r.status} ${r.evidence}`);
    expect(
      rot.some((r) => /^fail DB \(aws-sm:\/\/prod\/db\): last changed 120 days ago/.test(r)),
    ).toBe(true);
    // IAM key age comes from the AWS provider's own doctor facet (tested against moto in e2e).
    expect(item(items, 10).results[0]).toMatchObject({ status: "warn" });
    const resolved = item(items, 11).results.map((r) => `${r.status} ${r.evidence}`);
    expect(resolved[0]).toMatch(/^pass DB \(aws-sm:\/\/prod\/db\) resolved in \d+ ms, version v1/);
    expect(resolved[2]).toMatch(/^fail GONE/);
    expect(JSON.stringify(items)).not.toContain("fake-value-123");
  });

  it("passes rotation and short-lived checks for a well-behaved provider", async () => {
    const client = createSecrets({
      builtins: false,
      providers: {
        aws: fakeAws({
          ageDays: 10,
          rotation: true,
          identity: { principal: "arn:aws:sts::1:assumed-role/app/s", shortLived: true },
          keyAge: 5,
        }),
      },
    });
    const items = await doctor(
      makeProject(),
      { references: { DB: "aws-sm://prod/db" } },
      { client },
    );
    expect(item(items, 6).status).toBe("pass");
    expect(item(items, 10).status).toBe("pass");
    expect(item(items, 4).status).toBe("manual");
    expect(item(items, 11).status).toBe("pass");
  });

  it("asks each provider for its identity once, though items 4 and 10 both use it", async () => {
    let asked = 0;
    const provider = fakeAws({ ageDays: 10, rotation: true });
    provider.identity = async () => {
      asked++;
      return { principal: "arn:aws:sts::1:assumed-role/app/s", shortLived: true };
    };
    const client = createSecrets({ builtins: false, providers: { aws: provider } });
    const items = await doctor(
      makeProject(),
      { references: { DB: "aws-sm://prod/db" } },
      { client },
    );
    expect(item(items, 10).status).toBe("pass");
    expect(asked).toBe(1);
  });

  it("measures rotation ages from options.now when given (item 6), never from describe() alone", async () => {
    const client = createSecrets({
      builtins: false,
      providers: { aws: fakeAws({ ageDays: 10, rotation: true }) },
    });
    // Half a day more, so the milliseconds between here and describe() cannot round it down.
    const later = new Date(Date.now() + 95.5 * DAY);
    const items = await doctor(
      makeProject(),
      { references: { DB: "aws-sm://prod/db" } },
      { client, now: later },
    );
    expect(item(items, 6).results).toEqual([
      expect.objectContaining({
        status: "fail",
        evidence: expect.stringMatching(/last changed 105 days ago \(maximum 90\)$/),
      }),
    ]);
  });

  it("reports Vault root tokens and requireShortLived from identity and environment", async () => {
    const vault = inline({
      name: "vault",
      scheme: "vault",
      getSecret: async () => ({ value: "v" }),
      identity: async () => ({
        kind: "token",
        policies: ["root"],
        ttlSeconds: 0,
        renewable: false,
      }),
    });
    const client = createSecrets({ builtins: false, providers: { vault } });
    const items = await doctor(
      makeProject(),
      { references: { A: "vault://secret/app#k" }, policy: { requireShortLived: true } },
      { client },
    );
    expect(item(items, 4).results[0]?.evidence).toMatch(/root policy/);
    expect(item(items, 10).results[0]).toMatchObject({ status: "fail" });
    const env = { AWS_ACCESS_KEY_ID: ["AK", "IA", "X".repeat(16)].join("") };
    const items2 = await doctor(makeProject(), { providers: { aws: {} } }, { env, offline: true });
    expect(item(items2, 10).results[0]?.evidence).toMatch(/long-lived AKIA key/);
  });

  it("reports settings that only ask for short-lived credentials as manual (item 10)", async () => {
    const dir = makeProject({
      "sa.json": JSON.stringify({ type: "service_account" }),
      "fed.json": JSON.stringify({ type: "external_account" }),
    });
    const ten = async (providers: object, env: NodeJS.ProcessEnv) =>
      item(await doctor(dir, { providers }, { env, offline: true }), 10).results.map(
        (r) => `${r.status} ${r.evidence}`,
      );
    const notConfirmed =
      /^manual \w+: configured for short-lived credentials \(.*\), not confirmed$/;
    expect((await ten({ aws: {} }, { AWS_ROLE_ARN: "arn:aws:iam::1:role/app" }))[0]).toMatch(
      notConfirmed,
    );
    expect((await ten({ aws: { roleArn: "arn:aws:iam::1:role/app" } }, {}))[0]).toMatch(
      notConfirmed,
    );
    expect(
      (await ten({ aws: {} }, { AWS_ACCESS_KEY_ID: ["AS", "IA", "Y".repeat(16)].join("") }))[0],
    ).toMatch(/^pass aws: .*ASIA/);
    expect((await ten({ gcp: { impersonate: "app@p.iam.gserviceaccount.com" } }, {}))[0]).toMatch(
      notConfirmed,
    );
    expect(
      (await ten({ gcp: {} }, { GOOGLE_APPLICATION_CREDENTIALS: join(dir, "sa.json") }))[0],
    ).toMatch(/^warn gcp: .*service-account key file/);
    expect(
      (await ten({ gcp: {} }, { GOOGLE_APPLICATION_CREDENTIALS: join(dir, "fed.json") }))[0],
    ).toMatch(/^pass gcp: .*federation/);
    expect((await ten({ gcp: {} }, {}))[0]).toMatch(/^manual gcp: ambient credentials/);
    // Workload identity needs the tenant and client id too (the AKS webhook sets all three).
    const wi = { AZURE_TENANT_ID: "t", AZURE_CLIENT_ID: "c", AZURE_FEDERATED_TOKEN_FILE: "/t" };
    expect((await ten({ azure: {} }, wi))[0]).toMatch(notConfirmed);
    expect((await ten({ azure: {} }, { IDENTITY_ENDPOINT: "http://169.254.169.254" }))[0]).toMatch(
      notConfirmed,
    );
    // The provider's chain tries workload identity before a client secret.
    const app = { AZURE_TENANT_ID: "t", AZURE_CLIENT_ID: "c" };
    expect(
      (
        await ten(
          { azure: {} },
          { ...app, AZURE_FEDERATED_TOKEN_FILE: "/t", AZURE_CLIENT_SECRET: "x".repeat(8) },
        )
      )[0],
    ).toMatch(notConfirmed);
    expect((await ten({ azure: {} }, { ...app, AZURE_CLIENT_SECRET: "x".repeat(8) }))[0]).toMatch(
      /^warn azure: AZURE_CLIENT_SECRET is set/,
    );
    expect((await ten({ vault: { auth: { method: "approle" } } }, {}))[0]).toMatch(notConfirmed);
  });

  it("detects scanners and installs the pre-commit hook (item 7)", async () => {
    const dir = makeProject({ "a.ts": "" });
    gitInit(dir);
    expect(item(await doctor(dir), 7).status).toBe("warn");
    expect(installPreCommitHook(dir)).toEqual({ file: ".git/hooks/pre-commit", action: "created" });
    expect(installPreCommitHook(dir).action).toBe("unchanged");
    expect(readFileSync(join(dir, ".git/hooks/pre-commit"), "utf8")).toMatch(
      /secrets scan --staged/,
    );
    expect(item(await doctor(dir), 7).status).toBe("pass");
    writeFileSync(join(dir, ".git/hooks/pre-commit"), "#!/bin/sh\necho hi\n");
    chmodSync(join(dir, ".git/hooks/pre-commit"), 0o755);
    expect(installPreCommitHook(dir).action).toBe("appended");
    const ci = makeProject({
      ".github/workflows/ci.yml": "steps:\n  - run: npx secrets scan --history --sarif\n",
    });
    expect(item(await doctor(ci), 7).results[0]?.evidence).toMatch(/CI runs a secret scanner/);
  });

  it("counts only scanner invocations, not mentions or the doctor (item 7)", async () => {
    const dir = makeProject({
      ".github/workflows/ci.yml":
        "# TODO: add gitleaks here\nsteps:\n  - run: npx secrets doctor --strict # not trufflehog\n",
      ".husky/pre-commit": "#!/bin/sh\n# secrets scan --staged is too slow for us\nnpm test\n",
    });
    expect(item(await doctor(dir), 7).status).toBe("warn");
    writeFileSync(
      join(dir, ".github/workflows/ci.yml"),
      "steps:\n  - uses: gitleaks/gitleaks-action@v2\n",
    );
    expect(item(await doctor(dir), 7).status).toBe("pass");
  });

  it("reads hooks where git runs them: core.hooksPath, a subfolder, a worktree (item 7)", async () => {
    const dir = makeProject({ "app/a.ts": "" });
    gitInit(dir);
    git(dir, "config", "core.hooksPath", ".githooks");
    expect(installPreCommitHook(dir)).toEqual({ file: ".githooks/pre-commit", action: "created" });
    expect(item(await doctor(dir), 7).results[0]?.evidence).toBe(
      "git hook runs a secret scanner: .githooks/pre-commit",
    );
    expect(item(await doctor(join(dir, "app")), 7).status).toBe("pass");
    git(dir, "config", "--unset", "core.hooksPath");
    expect(item(await doctor(dir), 7).status).toBe("warn");
    commitAll(dir, "init");
    const wt = `${dir}-wt`;
    git(dir, "worktree", "add", "-q", wt);
    expect(installPreCommitHook(wt).action).toBe("created");
    expect(readFileSync(join(dir, ".git/hooks/pre-commit"), "utf8")).toMatch(
      /secrets scan --staged/,
    );
    expect(item(await doctor(wt), 7).status).toBe("pass");
    expect(item(await doctor(dir), 7).status).toBe("pass");
  });

  it("writes the hook into .husky/ when the project uses husky", () => {
    const dir = makeProject({ ".husky/_/husky.sh": "" });
    gitInit(dir);
    expect(installPreCommitHook(dir)).toEqual({ file: ".husky/pre-commit", action: "created" });
  });

  it("creates providers from the config by name, and names a missing one", async () => {
    const made = await providersFromConfig({ env: { dotenvPath: [] } });
    expect(Object.keys(made)).toEqual(["env"]);
    // The list comes from the declarations, not from this test.
    const names = BUILTIN_PROVIDERS.map((p) => p.declaration.name).join(", ");
    await expect(providersFromConfig({ nope: {} })).rejects.toThrow(
      `providers.nope: no such provider (built-in: ${names}; another one needs "module"`,
    );
    await expect(providersFromConfig({ "Bad Name": {} })).rejects.toThrow(/lower-case/);
  });

  it("passes usage logging when the config has an audit sink (item 9)", async () => {
    expect(item(await doctor(makeProject(), { audit: { sink: "stderr" } }), 9).status).toBe("pass");
  });

  it("turns a crashing check into manual, not a crash", async () => {
    const ctx = new DoctorContext(makeProject(), validateConfig({}, "t"), undefined, { env: {} });
    const items = await runChecks(ctx, [
      {
        id: "no-keys-in-source",
        item: 1,
        title: "boom",
        run: async () => {
          throw new Error("kaput");
        },
      },
    ]);
    expect(items[0]).toMatchObject({ status: "manual" });
    expect(items[0]?.results[0]?.evidence).toMatch(/kaput/);
  });
});

describe("doctor items 1-3 and the references' own values", () => {
  it("fail on a value found in the tree and in history; offline, they are manual, never a pass", async () => {
    const name = `DOCTOR_VALUE_${Date.now()}`;
    const value = `v-${(FAKES.random32 as () => string)()}`;
    process.env[name] = value;
    try {
      const raw = { references: { DB_PASSWORD: `env://${name}` } };
      const dir = makeProject({ "src/db.ts": `export const url = "db://app@host?pw=${value}";\n` });
      gitInit(dir);
      commitAll(dir, "db");
      const items = await doctor(dir, raw);
      const text = (n: number) =>
        item(items, n)
          .results.map((r) => `${r.status} ${r.evidence}`)
          .join("\n");
      expect(item(items, 1).status).toBe("fail");
      expect(text(1)).toMatch(/^fail src\/db\.ts:1 known-value DB_PASSWORD \(exact, \d+ chars\)/m);
      expect(text(2)).toMatch(
        /^fail src\/db\.ts:1 known-value DB_PASSWORD .*still in the working tree/m,
      );
      expect(JSON.stringify(items)).not.toContain(value.slice(2, 12));

      const offline = await doctor(dir, raw, { offline: true });
      for (const n of [1, 2]) {
        expect(item(offline, n).status).toBe("manual");
        expect(
          item(offline, n)
            .results.map((r) => r.evidence)
            .join("\n"),
        ).toMatch(/values were not searched .*--offline/);
      }
    } finally {
      delete process.env[name];
    }
  });
});

describe("doctor deadlines", () => {
  it("a provider whose identity never answers cannot hang the doctor (items 4 and 10 go manual)", async () => {
    const hung = inline({
      name: "aws",
      scheme: ["aws-sm", "aws-ssm"],
      getSecret: async () => ({ value: "fake-value-123" }),
      identity: () => new Promise<never>(() => {}),
    });
    const client = createSecrets({ builtins: false, providers: { aws: hung }, timeout: 200 });
    const t0 = Date.now();
    const items = await doctor(
      makeProject(),
      { references: { DB: "aws-sm://prod/db" } },
      { client },
    );
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(item(items, 4).results[0]?.evidence).toMatch(/identity lookup failed \[UNAVAILABLE\]/);
  });
});
