/**
 * Secret Manager metadata for the doctor: a secret's rotation settings and its
 * current version's age (`describe()`), and the caller's permissions on it
 * (`:testIamPermissions`). Never reads a payload.
 */

import {
  type CallContext,
  classifyFailure,
  type ParsedRef,
  raceSignal,
  type SecretMetadata,
} from "../../src/provider/index.js";
import { DEFAULT_ENDPOINT, DEFAULT_REGIONAL_ENDPOINT } from "./secret-manager.js";
import type { GcpAuth, GcpOptions } from "./types.js";

/** A reference's secret, in full. */
export interface GcpSecretName {
  /** `projects/<p>/[locations/<l>/]secrets/<s>`. */
  secret: string;
  /** `latest`, a number or an alias. */
  version: string;
  /** The endpoint that serves it (regional for a regional secret). */
  endpoint: string;
}

/**
 * The full name and endpoint of a `gcp-sm://` reference's normalised path; a path that
 * names no project gets the default one.
 *
 * @example
 * ```ts
 * await gcpSecretName(auth, {}, "secrets/stripe/versions/latest"); // { secret: "projects/acme-prod/secrets/stripe", version: "latest", … }
 * ```
 */
export async function gcpSecretName(
  auth: GcpAuth,
  options: GcpOptions,
  path: string,
  signal?: AbortSignal,
): Promise<GcpSecretName> {
  const full = path.startsWith("projects/")
    ? path
    : `projects/${await auth.projectId(signal)}/${path}`;
  const m =
    /^(projects\/[^/]+\/(?:locations\/([^/]+)\/)?secrets\/[^/]+)(?:\/versions\/([^/]+))?$/.exec(
      full,
    );
  const secret = m?.[1] ?? full;
  const location = m?.[2];
  const endpoint = location
    ? (options.regionalEndpoint ?? DEFAULT_REGIONAL_ENDPOINT).replaceAll("{location}", location)
    : (options.endpoint ?? DEFAULT_ENDPOINT);
  return { secret, version: m?.[3] ?? "latest", endpoint: endpoint.replace(/\/+$/, "") };
}

/** One authorised JSON call; errors typed, naming `subject`. */
async function call<T>(
  auth: GcpAuth,
  url: string,
  init: { method?: string; body?: unknown },
  subject: string,
  reference: string | undefined,
  signal: AbortSignal,
): Promise<T> {
  let res: Response;
  try {
    const client = await auth.client(signal);
    const headers = new Headers(await raceSignal(client.getRequestHeaders(url), signal));
    if (init.body !== undefined) headers.set("content-type", "application/json");
    res = await fetch(url, {
      method: init.method ?? "GET",
      headers,
      signal,
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
  } catch (err) {
    throw classifyFailure(err, { provider: "gcp", subject, ...(reference ? { reference } : {}) });
  }
  const text = await res.text();
  if (!res.ok) {
    let detail: string | undefined;
    try {
      detail = (JSON.parse(text) as { error?: { status?: string } }).error?.status;
    } catch {
      detail = undefined;
    }
    throw classifyFailure(
      new Error(`HTTP ${res.status}`),
      { provider: "gcp", subject, ...(reference ? { reference } : {}) },
      { status: res.status, ...(detail ? { detail } : {}) },
    );
  }
  return JSON.parse(text || "{}") as T;
}

interface SecretJson {
  rotation?: { nextRotationTime?: string };
}
interface VersionJson {
  name?: string;
  createTime?: string;
  state?: string;
}

/**
 * Rotation metadata of a reference's secret: the version's `createTime` (its age), and
 * the secret's `rotation.nextRotationTime`, for the doctor's item 6.
 *
 * @example
 * ```ts
 * const meta = await describeGcpSecret(auth, options, ref, call);
 * meta.rotationEnabled; // false: no rotation settings
 * ```
 */
export async function describeGcpSecret(
  auth: GcpAuth,
  options: GcpOptions,
  ref: ParsedRef,
  ctx: CallContext,
): Promise<SecretMetadata> {
  const n = await gcpSecretName(auth, options, ref.path, ctx.signal);
  const subject = `secret "${n.secret}"`;
  const [secret, version] = await Promise.all([
    call<SecretJson>(auth, `${n.endpoint}/v1/${n.secret}`, {}, subject, ref.raw, ctx.signal),
    call<VersionJson>(
      auth,
      `${n.endpoint}/v1/${n.secret}/versions/${n.version}`,
      {},
      `version ${n.version} of ${subject}`,
      ref.raw,
      ctx.signal,
    ),
  ]);
  // rotationPeriod is input only: a read shows the schedule by its nextRotationTime alone.
  const next = secret.rotation?.nextRotationTime;
  const created = version.createTime ? Date.parse(version.createTime) : undefined;
  const meta: SecretMetadata = {
    rotationEnabled: next !== undefined,
    details: {
      version: version.name?.split("/").pop(),
      state: version.state,
      rotation: next ? `next ${next}` : "none",
    },
  };
  if (created !== undefined && Number.isFinite(created)) meta.lastChanged = created;
  if (next && Number.isFinite(Date.parse(next))) meta.nextRotation = Date.parse(next);
  return meta;
}

/**
 * The permissions the caller holds on a reference's secret, among `permissions`
 * (`secrets:testIamPermissions`); needs no permission of its own.
 *
 * @example
 * ```ts
 * await testGcpPermissions(auth, options, "secrets/stripe/versions/latest", ["secretmanager.secrets.delete"], signal); // []
 * ```
 */
export async function testGcpPermissions(
  auth: GcpAuth,
  options: GcpOptions,
  path: string,
  permissions: readonly string[],
  signal: AbortSignal,
): Promise<{ secret: string; granted: string[] }> {
  const n = await gcpSecretName(auth, options, path, signal);
  const answer = await call<{ permissions?: string[] }>(
    auth,
    `${n.endpoint}/v1/${n.secret}:testIamPermissions`,
    { method: "POST", body: { permissions } },
    `the permissions on secret "${n.secret}"`,
    undefined,
    signal,
  );
  return { secret: n.secret, granted: answer.permissions ?? [] };
}
