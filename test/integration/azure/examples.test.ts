// @stand-ins: azure
/**
 * Runs examples/azure-startup and examples/azure-token as a user would
 * (`node examples/.../main.mjs` against the built package), signed in to the
 * Azure stand-in through the standard variables only.
 */

import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { closedPort, expectCleanFailure } from "../../support/dependency-down.js";
import { expectReadmeOutput } from "../../support/readme-output.js";
import {
  azureAppRegistration,
  azureIdentityEnv,
  azureStats,
  signAzureFederatedToken,
  standIn,
} from "../../support/stand-ins.js";
import { fakeValue, putSecret, uniqueName } from "./support/kv.js";

const run = promisify(execFile);
const root = new URL("../../../", import.meta.url).pathname;

beforeAll(() => {
  if (!existsSync(join(root, "dist/providers/azure/index.js"))) {
    throw new Error("dist/ has no Azure provider: run `npm run build` first (`npm test` does).");
  }
});

const base = () => ({
  PATH: process.env.PATH ?? "",
  HOME: process.env.HOME ?? "",
  LOCAL_STAND_IN: "1",
});
const vaultHost = () => new URL(standIn("azure").vaultUrl).host;

async function seed() {
  const prefix = uniqueName("checkout");
  const password = fakeValue("db");
  const stripe = `sk_test_${fakeValue("stripe")}`;
  await putSecret(`${prefix}-db`, JSON.stringify({ username: "checkout", password }));
  await putSecret(`${prefix}-stripe`, stripe);
  return { prefix, values: [password, stripe] };
}

function federatedTokenFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), "azure-example-")), "token");
  writeFileSync(file, signAzureFederatedToken({ exp: Math.floor(Date.now() / 1000) + 3600 }));
  return file;
}

describe("examples", () => {
  it.each([
    ["workload identity", "workloadIdentity", "workload-identity"],
    ["a client secret", "clientSecret", "client-secret"],
  ] as const)(
    "azure-startup: loads both secrets at start-up through %s",
    async (_w, link, kind) => {
      const { prefix, values } = await seed();
      const identity =
        link === "workloadIdentity"
          ? azureIdentityEnv(link, { federatedTokenFile: federatedTokenFile() })
          : azureIdentityEnv(link);
      const { stdout, stderr } = await run(process.execPath, ["examples/azure-startup/main.mjs"], {
        cwd: root,
        env: { ...base(), ...identity, KEY_VAULT: vaultHost(), SECRETS_PREFIX: prefix },
      });
      expectReadmeOutput("azure-startup", { stdout, stderr }, 0, (t) =>
        t
          .replaceAll(`${vaultHost()}/${prefix}-`, "acme-kv/checkout-")
          .replace(`signed in with ${kind}`, "signed in with workload-identity"),
      );
      expect(stdout).toContain(
        `Loaded DB_PASSWORD, STRIPE_KEY; Stripe mode: test; signed in with ${kind}`,
      );
      expect(stderr).toContain("[secrets] Entra token issued");
      expect(stderr).toContain(`fetched azure-kv://${vaultHost()}/${prefix}-db`);
      for (const v of [...values, standIn("azure").clientSecret]) {
        expect(`${stdout}${stderr}`).not.toContain(v);
      }
    },
  );

  it("azure-startup: a missing secret stops start-up with one error naming it", async () => {
    const prefix = uniqueName("empty");
    const err = (await run(process.execPath, ["examples/azure-startup/main.mjs"], {
      cwd: root,
      env: {
        ...base(),
        ...azureIdentityEnv("clientSecret"),
        KEY_VAULT: vaultHost(),
        SECRETS_PREFIX: prefix,
      },
    }).then(
      () => undefined,
      (e: unknown) => e,
    )) as { code?: number; stderr?: string } | undefined;
    expect(err?.code).toBe(1);
    expect(err?.stderr).toContain(`${prefix}-db`);
    expect(err?.stderr).toContain(`${prefix}-stripe`);
  });

  it("azure-token: the token is handed to another SecretClient, one request per token, replaced before it expires", async () => {
    // Tokens of 6 s that Entra says to refresh after 2 s: the heartbeats outlive two of them.
    const app = await azureAppRegistration({ lifetimeSeconds: 6, refreshInSeconds: 2 });
    const azure = standIn("azure");
    const { stdout, stderr } = await run(process.execPath, ["examples/azure-token/main.mjs"], {
      cwd: root,
      env: {
        ...base(),
        ...azureIdentityEnv("clientSecret"),
        AZURE_CLIENT_ID: app.clientId,
        AZURE_CLIENT_SECRET: app.clientSecret,
        KEY_VAULT_URL: azure.vaultUrl,
        HEARTBEAT_SECRET: uniqueName("heartbeat"),
        BEATS: "4",
        INTERVAL_MS: "1500",
      },
    });
    const events = stdout.split("\n").filter((l) => l.startsWith("[credentials]"));
    // The provider's memo entry for the scope: issued once, then replaced at each refresh
    // point while the SecretClient keeps using it. getCredentials() reads the same entry
    // (its own cache line names the request, no second token request).
    const memo = events.filter((l) => l.includes(" token https://vault.azure.net/.default "));
    expect(memo[0]).toMatch(/^\[credentials\] issued token /);
    expect(memo.length).toBeGreaterThanOrEqual(2);
    for (const e of memo.slice(1)) expect(e).toMatch(/^\[credentials\] rotated token /);
    expect(events.filter((l) => l.includes(" azure:https://vault.azure.net/.default "))).toEqual([
      expect.stringMatching(/^\[credentials\] issued /),
    ]);
    expect(stdout).toContain("heartbeat 4 written");
    expect((await azureStats()).tokenRequestsByClient[app.clientId]).toBe(memo.length);
    expect(`${stdout}${stderr}`).not.toContain(app.clientSecret);
  });

  it("azure-startup: with Key Vault unreachable, a short error and exit 1, no stack, no hang", async () => {
    await expectCleanFailure(
      "azure-startup",
      {
        ...base(),
        ...azureIdentityEnv("clientSecret"),
        KEY_VAULT: `127.0.0.1:${await closedPort()}`,
        SECRETS_PREFIX: "checkout",
      },
      /\[UNAVAILABLE\] azure: could not get an answer for secret "checkout-db" .*\(ECONNREFUSED\)/,
      { maxLines: 3 }, // the LoadError: a header and one line per reference
    );
  });

  it("azure-token: with Key Vault unreachable, one line and exit 1, no stack, no hang", async () => {
    await expectCleanFailure(
      "azure-token",
      {
        ...base(),
        ...azureIdentityEnv("clientSecret"),
        KEY_VAULT_URL: `https://127.0.0.1:${await closedPort()}`,
        HEARTBEAT_SECRET: uniqueName("heartbeat"),
      },
      /^heartbeat stopped: .*ECONNREFUSED/,
    );
  });
});
