/**
 * Helpers for the GCP provider's integration tests: unique names, fake values, secrets
 * seeded in drongo (through the forwarding proxy, so aliases are kept), and a fixed
 * OAuth2 client (drongo checks no token; the proxy records it).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { OAuth2Client } from "google-auth-library";
import { type GcpStandIn, standIn } from "../../../support/stand-ins.js";

/** A name no other test of the run uses. */
export const uniqueName = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/** A fake but distinctive value, built at run time (the repo's scanner must not flag tests). */
export const fakeValue = (tag = "v") => `gsm_${tag}_${randomBytes(12).toString("hex")}`;

/** An authorised client with a fixed bearer token. */
export function fixedClient(token = `test-bearer-${randomUUID()}`) {
  const c = new OAuth2Client();
  c.setCredentials({ access_token: token, expiry_date: Date.now() + 3_600_000 });
  return c;
}

/** What a seeding call goes through: drongo itself, or the forwarding proxy in front of it. */
export interface Seeder {
  /** `http://127.0.0.1:PORT` of drongo or of the proxy. */
  url: string;
  gcp?: GcpStandIn;
}

async function call(base: string, path: string, init: RequestInit = {}) {
  const r = await fetch(`${base}${path}`, {
    ...init,
    headers: { authorization: "Bearer seed", "content-type": "application/json" },
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`seed ${init.method ?? "GET"} ${path}: HTTP ${r.status}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/**
 * Creates a secret with these versions (strings or bytes, in order), optionally with
 * version aliases. Returns the secret's id.
 */
export async function putSecret(
  via: Seeder,
  id: string,
  versions: ReadonlyArray<string | Uint8Array>,
  opts: { aliases?: Record<string, string> } = {},
): Promise<string> {
  const gcp = via.gcp ?? standIn("gcp");
  const base = `${via.url}/v1/projects/${gcp.projectId}`;
  await call(base, `/secrets?secretId=${id}`, {
    method: "POST",
    body: JSON.stringify({
      replication: { automatic: {} },
      ...(opts.aliases ? { versionAliases: opts.aliases } : {}),
    }),
  });
  for (const v of versions) {
    await call(base, `/secrets/${id}:addVersion`, {
      method: "POST",
      body: JSON.stringify({ payload: { data: Buffer.from(v).toString("base64") } }),
    });
  }
  return id;
}

/** Disables or destroys one version. */
export async function setVersionState(
  via: Seeder,
  id: string,
  version: string,
  action: "disable" | "destroy",
): Promise<void> {
  const gcp = via.gcp ?? standIn("gcp");
  await call(
    `${via.url}/v1/projects/${gcp.projectId}`,
    `/secrets/${id}/versions/${version}:${action}`,
    { method: "POST", body: "{}" },
  );
}
