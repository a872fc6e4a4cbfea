/**
 * Shared set-up of the GCP identity tests: secrets seeded in drongo, fixed-token source
 * clients, and credential files (external_account, service_account) written per test.
 */

import { generateKeyPairSync, randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { OAuth2Client } from "google-auth-library";
import type { GcpStandIn } from "../../../support/stand-ins.js";

export const SCOPE = "https://www.googleapis.com/auth/cloud-platform";
export const AUDIENCE =
  "//iam.googleapis.com/projects/424242/locations/global/workloadIdentityPools/pool/providers/prov";

/** A value that looks real but is built at run time (the leak scanner skips this file). */
export const fakeValue = (tag: string) => `${tag}_${"live"}_${randomUUID().replaceAll("-", "")}`;

/** An authorised client with a fixed bearer token (a source the token stand-in accepts). */
export function fixedClient(token: string): OAuth2Client {
  const c = new OAuth2Client();
  c.setCredentials({ access_token: token, expiry_date: Date.now() + 3_600_000 });
  return c;
}

/** Creates a secret with one version in drongo (through `base`, drongo or the proxy). */
export async function seedSecret(
  base: string,
  gcp: GcpStandIn,
  value: string,
  extra: Record<string, unknown> = {},
): Promise<{ id: string; name: string }> {
  const id = `id-${randomUUID().slice(0, 12)}`;
  const root = `${base}/v1/projects/${gcp.projectId}`;
  const headers = { authorization: "Bearer seed", "content-type": "application/json" };
  const created = await fetch(`${root}/secrets?secretId=${id}`, {
    method: "POST",
    headers,
    body: JSON.stringify({ replication: { automatic: {} }, ...extra }),
  });
  if (!created.ok) throw new Error(`seed: create ${created.status}`);
  const added = await fetch(`${root}/secrets/${id}:addVersion`, {
    method: "POST",
    headers,
    body: JSON.stringify({ payload: { data: Buffer.from(value).toString("base64") } }),
  });
  if (!added.ok) throw new Error(`seed: addVersion ${added.status}`);
  return { id, name: `projects/${gcp.projectId}/secrets/${id}` };
}

/** An external_account (workload identity federation) file whose STS is the stand-in. */
export function externalAccountFile(
  dir: string,
  tokenUrl: string,
  subjectToken: string,
  extra: Record<string, unknown> = {},
): string {
  const subject = join(dir, `subject-${randomUUID()}`);
  writeFileSync(subject, subjectToken);
  const file = join(dir, `external-${randomUUID()}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      type: "external_account",
      audience: AUDIENCE,
      subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
      token_url: tokenUrl,
      credential_source: { file: subject },
      ...extra,
    }),
  );
  return file;
}

/** A service-account JSON key file (a fresh RSA key; no Google account behind it). */
export function serviceAccountFile(dir: string, projectId: string): string {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const file = join(dir, `sa-${randomUUID()}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      type: "service_account",
      project_id: projectId,
      private_key_id: randomUUID().replaceAll("-", ""),
      private_key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      client_email: `app-key@${projectId}.iam.gserviceaccount.com`,
      client_id: "1234567890",
      token_uri: "http://127.0.0.1:1/token",
    }),
  );
  return file;
}
