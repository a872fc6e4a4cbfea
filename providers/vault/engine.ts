/**
 * Reads by path: KV v2 (versions, deleted/destroyed answers, metadata),
 * KV v1, and every other engine (database credentials and the like, with
 * their lease). A mount's type and KV version are looked up once through
 * `sys/internal/ui/mounts/<path>` and cached, unless an option says them.
 */

import {
  ConfigError,
  type Issued,
  type JsonObject,
  NotFoundError,
  type ParsedRef,
  type SecretMetadata,
} from "../../src/provider/index.js";
import { toVaultError } from "./errors.js";
import { isResponseError, type VaultHttp } from "./http.js";

/** What a mount is: its path (`secret/`), and the KV version for KV mounts. */
export interface MountInfo {
  /** The mount path with its trailing `/`. */
  path: string;
  /** 1 or 2 for KV; undefined for any other engine. */
  kv?: 1 | 2;
}

/** How a request reaches the server: token and namespace, under a signal. */
export interface Access {
  token: string;
  namespace?: string;
  signal: AbortSignal;
  /** The call's `answerSignal`: a lease-issuing answer is read under it. */
  answerSignal?: AbortSignal;
}

interface SecretResponse {
  data?: JsonObject | null;
  lease_id?: string;
  lease_duration?: number;
  renewable?: boolean;
}

interface KvV2Metadata {
  version?: number;
  created_time?: string;
  deletion_time?: string;
  destroyed?: boolean;
}

/** Mount lookups, cached per namespace and mount. */
export class Mounts {
  readonly #http: VaultHttp;
  readonly #overrides: Readonly<Record<string, 1 | 2>>;
  readonly #known = new Map<string, MountInfo[]>();
  readonly #pending = new Map<string, Promise<MountInfo>>();

  constructor(http: VaultHttp, overrides: Readonly<Record<string, 1 | 2>>) {
    this.#http = http;
    this.#overrides = overrides;
  }

  /** The mount of `path`: from `?kv=`, the `kvVersion` option, the cache, or one lookup. */
  async of(path: string, kvOption: string | undefined, access: Access): Promise<MountInfo> {
    if (kvOption === "1" || kvOption === "2") {
      return { path: `${path.split("/")[0]}/`, kv: kvOption === "1" ? 1 : 2 };
    }
    for (const [mount, kv] of Object.entries(this.#overrides)) {
      const m = `${mount.replace(/\/+$/, "")}/`;
      if (`${path}/`.startsWith(m)) return { path: m, kv };
    }
    const ns = access.namespace ?? "";
    const known = () => this.#known.get(ns)?.find((m) => `${path}/`.startsWith(m.path));
    const hit = known();
    if (hit) return hit;
    // Concurrent first reads under one top-level segment (a load() of 50
    // secrets) share one lookup; a path that turns out to be in another
    // (nested) mount then looks its own up.
    const key = `${ns}\u0000${path.split("/")[0]}`;
    const pending = this.#pending.get(key);
    if (pending) {
      await pending.catch(() => undefined);
      const after = known();
      if (after) return after;
    }
    const p = this.#lookup(path, access).finally(() => {
      if (this.#pending.get(key) === p) this.#pending.delete(key);
    });
    if (!pending) this.#pending.set(key, p);
    return p;
  }

  async #lookup(path: string, access: Access): Promise<MountInfo> {
    const api = `sys/internal/ui/mounts/${path}`;
    let res: { data?: { path?: string; type?: string; options?: { version?: string } | null } };
    try {
      res = await this.#http.request({ method: "GET", path: api, ...access });
    } catch (err) {
      throw toVaultError(err, {
        subject: `the mount of "${path}"`,
        path,
        capability: "read",
      });
    }
    const d = res.data ?? {};
    const mountPath = d.path && d.path.length > 0 ? d.path : `${path.split("/")[0]}/`;
    const isKv = d.type === "kv" || d.type === "generic";
    const info: MountInfo = {
      path: mountPath,
      ...(isKv ? { kv: d.options?.version === "2" ? 2 : 1 } : {}),
    };
    const ns = access.namespace ?? "";
    const list = this.#known.get(ns) ?? [];
    if (!list.some((m) => m.path === info.path)) list.push(info);
    this.#known.set(ns, list);
    return info;
  }
}

function within(mount: MountInfo, path: string): string {
  return path.slice(mount.path.length);
}

/** Reads one reference's secret (any engine); the value is the data map (a wrapping token for ?wrapTTL=). */
export async function readSecret(
  http: VaultHttp,
  mount: MountInfo,
  ref: Pick<ParsedRef, "path" | "options" | "raw">,
  access: Access,
): Promise<Issued<string | JsonObject>> {
  const version = ref.options.version;
  if (ref.options.wrapTTL) return readWrapped(http, mount, ref, access);
  if (version && mount.kv !== 2) {
    throw new ConfigError({
      provider: "vault",
      reference: ref.raw,
      message: `vault: ${ref.raw}: ?version= needs a KV version 2 mount, and ${mount.path} is ${mount.kv === 1 ? "KV version 1" : "not a KV mount"}.`,
    });
  }
  const rest = within(mount, ref.path);
  if (mount.kv === 2) {
    const api = `${mount.path}data/${rest}${version ? `?version=${version}` : ""}`;
    try {
      const res = await http.request<{
        data?: { data?: JsonObject | null; metadata?: KvV2Metadata };
      }>({
        method: "GET",
        path: api,
        ...access,
      });
      const data = res.data?.data;
      if (!data) throw gone(ref.raw, res.data?.metadata, version);
      const v = res.data?.metadata?.version;
      // The map itself: the client selects #field, returns it whole as json, and
      // as a string gives a one-field map's value (else asks for #field).
      return { value: Object.freeze(data), ...(v !== undefined ? { version: String(v) } : {}) };
    } catch (err) {
      if (isResponseError(err) && err.response.statusCode === 404) {
        const meta = (err.response.body?.data as { metadata?: KvV2Metadata } | undefined)?.metadata;
        if (meta && (meta.deletion_time || meta.destroyed)) throw gone(ref.raw, meta, version, err);
      }
      throw toVaultError(err, {
        subject: `secret "${ref.path}"${version ? ` version ${version}` : ""}`,
        reference: ref.raw,
        path: `${mount.path}data/${rest}`,
        capability: "read",
      });
    }
  }
  const api = mount.kv === 1 ? `${mount.path}${rest}` : ref.path;
  let res: SecretResponse;
  try {
    // A dynamic secret's read issues a lease once sent: its answer is read even
    // after the caller gave up (bounded), so the client can revoke that lease.
    res = await http.request<SecretResponse>({
      method: "GET",
      path: api,
      ...access,
      issuesLease: mount.kv === undefined,
    });
  } catch (err) {
    throw toVaultError(err, {
      subject: `${mount.kv ? "secret" : "path"} "${ref.path}"`,
      reference: ref.raw,
      path: api,
      capability: "read",
    });
  }
  const data = res.data ?? {};
  if (mount.kv === 1) return { value: Object.freeze(data) };
  // Any other engine: the answer may carry a lease (database credentials, cloud keys …).
  const now = Date.now();
  const ttl = res.lease_duration ?? 0;
  return {
    // One object for every caller of the cached entry: never changed after this.
    value: Object.freeze(data),
    ...(ttl > 0 ? { expiresAt: now + ttl * 1000 } : {}),
    ...(res.lease_id
      ? { version: res.lease_id, lease: { id: res.lease_id, renewable: res.renewable === true } }
      : {}),
  };
}

/**
 * `?wrapTTL=`: the answer is response-wrapped. The value is the wrapping
 * token (single use; hand it to the process that unwraps it), cached no
 * longer than its TTL.
 */
async function readWrapped(
  http: VaultHttp,
  mount: MountInfo,
  ref: Pick<ParsedRef, "path" | "options" | "raw">,
  access: Access,
): Promise<Issued<string>> {
  const rest = within(mount, ref.path);
  const version = ref.options.version;
  const api =
    mount.kv === 2
      ? `${mount.path}data/${rest}${version ? `?version=${version}` : ""}`
      : mount.kv === 1
        ? `${mount.path}${rest}`
        : ref.path;
  let res: { wrap_info?: { token?: string; ttl?: number; accessor?: string } };
  try {
    res = await http.request({
      method: "GET",
      path: api,
      ...access,
      wrapTTL: ref.options.wrapTTL as string,
    });
  } catch (err) {
    throw toVaultError(err, {
      subject: `a wrapped read of "${ref.path}"`,
      reference: ref.raw,
      path: api.split("?")[0] as string,
      capability: "read",
    });
  }
  const w = res.wrap_info;
  if (!w?.token) {
    throw new ConfigError({
      provider: "vault",
      reference: ref.raw,
      message: `vault: ${ref.raw}: the server did not wrap the answer; check that the path allows response wrapping.`,
    });
  }
  return {
    value: w.token,
    ...(w.accessor ? { version: `wrapping accessor ${w.accessor}` } : {}),
    ...(w.ttl ? { expiresAt: Date.now() + w.ttl * 1000 } : {}),
  };
}

/** A KV v2 version that exists but has no data: deleted or destroyed, said which. */
function gone(reference: string, meta: KvV2Metadata | undefined, asked?: string, cause?: unknown) {
  const v = meta?.version ?? asked;
  const which = v !== undefined ? `version ${v}` : "the current version";
  const state = meta?.destroyed
    ? `${which} was destroyed; its data is gone for good. Read another version (?version=N) or write a new one`
    : `${which} was deleted${meta?.deletion_time ? ` at ${meta.deletion_time}` : ""}. Undelete it (kv undelete -versions=${v ?? "N"}) or read another version`;
  return new NotFoundError({
    provider: "vault",
    reference,
    ...(cause ? { cause } : {}),
    message: `vault: ${reference}: ${state}.`,
  });
}

/** KV v2 metadata for the doctor; KV v1 and other engines say what they are. */
export async function describeSecret(
  http: VaultHttp,
  mount: MountInfo,
  ref: Pick<ParsedRef, "path" | "raw">,
  access: Access,
): Promise<SecretMetadata> {
  if (mount.kv !== 2) {
    return mount.kv === 1
      ? { details: { engine: "kv", kvVersion: 1 } }
      : { rotationEnabled: true, details: { engine: "dynamic", mount: mount.path } };
  }
  const rest = within(mount, ref.path);
  const api = `${mount.path}metadata/${rest}`;
  let res: {
    data?: {
      created_time?: string;
      updated_time?: string;
      current_version?: number;
      custom_metadata?: Record<string, string> | null;
      versions?: Record<string, KvV2Metadata>;
    };
  };
  try {
    res = await http.request({ method: "GET", path: api, ...access });
  } catch (err) {
    throw toVaultError(err, {
      subject: `the metadata of "${ref.path}"`,
      reference: ref.raw,
      path: api,
      capability: "read",
    });
  }
  const d = res.data ?? {};
  const current = d.current_version;
  const versionCreated =
    current !== undefined ? d.versions?.[String(current)]?.created_time : undefined;
  const date = (s?: string) => (s && Number.isFinite(Date.parse(s)) ? Date.parse(s) : undefined);
  const details: Record<string, string | number | boolean | undefined> = {
    engine: "kv",
    kvVersion: 2,
    created_time: d.created_time,
    updated_time: d.updated_time,
    current_version: current,
  };
  for (const [k, v] of Object.entries(d.custom_metadata ?? {})) details[`custom_metadata.${k}`] = v;
  const lastRotated = date(versionCreated);
  const lastChanged = date(d.updated_time);
  return {
    ...(lastRotated ? { lastRotated } : {}),
    ...(lastChanged ? { lastChanged } : {}),
    details,
  };
}
