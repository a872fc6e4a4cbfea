/**
 * `policy.requireShortLived` and GCP: private-key material is long-lived
 * whatever its `type` says (none, "Service_Account", anything), from a file,
 * GOOGLE_APPLICATION_CREDENTIALS, an injected `JWT` or `GoogleAuth` holding a
 * key, or the source of an impersonation chain two levels deep; each refused
 * before any request reaches Secret Manager or IAM Credentials. Federation is
 * accepted under "strict" (classified short-lived, not merely not refused).
 */

import { generateKeyPairSync, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GoogleAuth, Impersonated, JWT } from "google-auth-library";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gcpProvider } from "../../../providers/gcp/index.js";
import type { GcpOptions } from "../../../providers/gcp/types.js";
import { createSecrets, PolicyViolationError, type SecretsPolicy } from "../../../src/index.js";
import {
  type GcpForwardingProxy,
  type GcpTokenServer,
  standIn,
  startGcpForwardingProxy,
  startGcpTokenServer,
} from "../../support/stand-ins.js";
import { externalAccountFile, fakeValue, seedSecret } from "./support/identity.js";

const gcp = standIn("gcp");
const target = `reader-${randomUUID().slice(0, 6)}@acme-prod.iam.gserviceaccount.com`;
const hop = `hop-${randomUUID().slice(0, 6)}@acme-prod.iam.gserviceaccount.com`;
const subject = `subject-${randomUUID()}`;
let tokens: GcpTokenServer;
let proxy: GcpForwardingProxy;
let dir: string;
let secret: { id: string; name: string };
let value: string;

const pem = () =>
  generateKeyPairSync("rsa", { modulusLength: 2048 })
    .privateKey.export({ type: "pkcs8", format: "pem" })
    .toString();
const email = `app-key@${"p"}.iam.gserviceaccount.com`;

/** A key file with `type` spelled as given (or absent). */
function keyFile(type: string | undefined): string {
  const file = join(dir, `sa-${randomUUID()}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      ...(type === undefined ? {} : { type }),
      project_id: gcp.projectId,
      private_key: pem(),
      client_email: email,
      token_uri: "http://127.0.0.1:1/token",
    }),
  );
  return file;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "gcp-short-lived-"));
  tokens = await startGcpTokenServer({
    serviceAccounts: [target, hop],
    audience:
      "//iam.googleapis.com/projects/424242/locations/global/workloadIdentityPools/pool/providers/prov",
    subjectTokens: [subject],
  });
  proxy = await startGcpForwardingProxy(gcp);
  value = fakeValue("sl");
  secret = await seedSecret(proxy.url, gcp, value);
});
afterAll(async () => {
  await tokens.close();
  await proxy.close();
  rmSync(dir, { recursive: true, force: true });
});

function client(options: GcpOptions, policy: SecretsPolicy = { requireShortLived: true }) {
  return createSecrets({
    builtins: false,
    policy,
    providers: {
      gcp: gcpProvider({
        endpoint: proxy.url,
        iamCredentialsEndpoint: tokens.url,
        projectId: gcp.projectId,
        ...options,
      }),
    },
  });
}

async function refusedBeforeAnyRequest(
  options: GcpOptions,
  what: RegExp = /private key/,
): Promise<string> {
  const secrets = client(options);
  const requests = proxy.counts.requests;
  const iam = tokens.counts.generateAccessToken + tokens.counts.rejected;
  try {
    const err = await secrets.getSecret(`gcp-sm://${secret.name}`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PolicyViolationError);
    const message = (err as Error).message;
    expect(message).toMatch(what);
    expect(message).toMatch(/workload identity federation/);
    expect(message).not.toContain("PRIVATE KEY-----");
    await expect(secrets.getCredentials("gcp", { targetPrincipal: target })).rejects.toBeInstanceOf(
      PolicyViolationError,
    );
    expect(proxy.counts.requests).toBe(requests);
    expect(tokens.counts.generateAccessToken + tokens.counts.rejected).toBe(iam);
    return message;
  } finally {
    await secrets.close();
  }
}

describe("gcp under policy.requireShortLived", () => {
  for (const type of ["service_account", "Service_Account", undefined, "something_else"]) {
    it(`refuses a key file with type ${JSON.stringify(type) ?? "absent"} (keyFilename)`, async () => {
      await refusedBeforeAnyRequest({ keyFilename: keyFile(type) });
    });
  }

  it("refuses a key file without type named by GOOGLE_APPLICATION_CREDENTIALS", async () => {
    const before = process.env.GOOGLE_APPLICATION_CREDENTIALS;
    process.env.GOOGLE_APPLICATION_CREDENTIALS = keyFile(undefined);
    try {
      await refusedBeforeAnyRequest({});
    } finally {
      if (before === undefined) delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
      else process.env.GOOGLE_APPLICATION_CREDENTIALS = before;
    }
  });

  it("refuses an injected JWT and an injected GoogleAuth holding a key", async () => {
    await refusedBeforeAnyRequest({ authClient: new JWT({ email, key: pem() }) as never });
    const google = new GoogleAuth({ credentials: { client_email: email, private_key: pem() } });
    await refusedBeforeAnyRequest({ authClient: google as never });
  });

  it("refuses a key two impersonations deep, naming the target", async () => {
    const inner = new Impersonated({
      sourceClient: new JWT({ email, key: pem() }),
      targetPrincipal: hop,
      targetScopes: ["https://www.googleapis.com/auth/cloud-platform"],
      endpoint: tokens.url,
    });
    const outer = new Impersonated({
      sourceClient: inner,
      targetPrincipal: target,
      targetScopes: ["https://www.googleapis.com/auth/cloud-platform"],
      endpoint: tokens.url,
    });
    await refusedBeforeAnyRequest({ authClient: outer as never });
    const m = await refusedBeforeAnyRequest({
      keyFilename: keyFile("Service_Account"),
      impersonate: { targetPrincipal: target },
    });
    expect(m).toContain(`even as the source for impersonating ${target}`);
  });

  it("refuses a gcloud user login (authorized_user: a refresh token), whatever its type says", async () => {
    const file = join(dir, `adc-${randomUUID()}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        type: "Authorized_User",
        client_id: "764086051850-fake.apps.googleusercontent.com",
        client_secret: `fake-${randomUUID()}`,
        refresh_token: `fake-refresh-${randomUUID()}`,
      }),
    );
    await refusedBeforeAnyRequest({ keyFilename: file }, /refresh token \(gcloud/);
  });

  it('accepts workload identity federation under "strict"', async () => {
    const file = externalAccountFile(dir, tokens.tokenUrl, subject);
    const secrets = client({ keyFilename: file }, { requireShortLived: "strict" });
    expect((await secrets.getSecret(`gcp-sm://${secret.name}`)) === value).toBe(true);
    await secrets.close();
  });

  it("reads with a key when the policy is off", async () => {
    const secrets = client({ keyFilename: keyFile(undefined) }, {});
    const err = await secrets.getSecret(`gcp-sm://${secret.name}`).catch((e: unknown) => e);
    // The key's token endpoint is unreachable on purpose: anything but a policy refusal.
    expect(err).not.toBeInstanceOf(PolicyViolationError);
    await secrets.close();
  });
});
