/**
 * The `vault` provider's code (HashiCorp Vault and OpenBao, through
 * `node-vault` imported on first use): `vault://` KV v2/v1 references, leased
 * dynamic secrets (renewed in place, revoked once), `getCredentials("vault",
 * { path })` sharing its entry with the path's reference, and the login token
 * kept alive in the client's memo.
 */

import {
  type AuthClass,
  type CallContext,
  ConfigError,
  classifyFailure,
  type Issued,
  type JsonObject,
  type Lease,
  type ParsedRef,
  type ProviderContext,
  type ProviderIdentity,
  type ProviderOperations,
  type SecretMetadata,
  SecretsError,
} from "../../src/provider/index.js";
import { VaultAuth } from "./auth.js";
import { classifyToken, type TokenFacts, type TokenLookup, tokenFacts } from "./auth-class.js";
import { type Access, describeSecret, Mounts, readSecret } from "./engine.js";
import { toVaultError } from "./errors.js";
import { isResponseError, VaultHttp } from "./http.js";
import { resolveVaultOptions, type VaultProviderOptions } from "./options.js";
import type { VaultCredentialsRequest } from "./types.js";

export type { VaultCredentials, VaultCredentialsRequest } from "./types.js";

/**
 * The Vault provider instance (`await secrets.provider("vault")`).
 *
 * @example
 * ```ts
 * const v = (await secrets.provider("vault")) as VaultProvider;
 * (await v.identity()).policies; // ["default", "app"]
 * ```
 */
export interface VaultProvider extends ProviderOperations {
  /**
   * The token's policies, TTL and renewability (`auth/token/lookup-self`),
   * then each policy's text where the token may read `sys/policies/acl/<name>`:
   * administrator when one grants sudo or everything on "*"; a policy it may
   * not read is not judged.
   */
  identity(call?: CallContext): Promise<ProviderIdentity>;
}

/** What a Vault lease carries back to renew and revoke: the namespace it was issued in. */
interface VaultLeaseData {
  readonly namespace?: string;
}

function credentialsPath(request: unknown): { path: string; namespace?: string } {
  const r = request as Partial<VaultCredentialsRequest> | null | undefined;
  if (!r || typeof r.path !== "string" || r.path === "") {
    throw new ConfigError({
      provider: "vault",
      message:
        'vault: getCredentials("vault", request) needs { path }, such as { path: "database/creds/readonly" }.',
    });
  }
  const path = r.path.replace(/^\/+|\/+$/g, "");
  return {
    path,
    ...(typeof r.namespace === "string" && r.namespace ? { namespace: r.namespace } : {}),
  };
}

/**
 * Creates the Vault provider for a client (the descriptor's `create`).
 *
 * @example
 * ```ts
 * const provider = await createVaultProvider(context, { address: "http://127.0.0.1:8200" });
 * ```
 */
export async function createVaultProvider(
  context: ProviderContext,
  options: VaultProviderOptions = {},
): Promise<VaultProvider> {
  const config = resolveVaultOptions(options);
  const http = new VaultHttp(config.address, config.maxAttempts);
  const auth = new VaultAuth(http, config, context);
  const mounts = new Mounts(http, config.kvVersion);

  const namespaceOf = (ref: Pick<ParsedRef, "options">) =>
    ref.options.namespace ?? config.namespace;

  /** Runs `fn` with the token; a token found invalid mid-request is replaced once, then retried. */
  async function withToken<T>(
    namespace: string | undefined,
    signal: AbortSignal,
    fn: (access: Access) => Promise<T>,
  ): Promise<T> {
    const token = await auth.token();
    const access: Access = { token, signal, ...(namespace ? { namespace } : {}) };
    try {
      return await fn(access);
    } catch (err) {
      const denied =
        SecretsError.is(err, "ACCESS_DENIED") &&
        isResponseError(err.cause) &&
        err.cause.response.statusCode === 403;
      if (!denied || !(await auth.replaceIfInvalid(token, signal))) throw err;
      const again = await auth.token();
      return fn({ ...access, token: again });
    }
  }

  async function read(
    ref: Pick<ParsedRef, "path" | "options" | "raw">,
    call: CallContext,
  ): Promise<Issued<string | JsonObject>> {
    const namespace = namespaceOf(ref);
    try {
      return await withToken(namespace, call.signal, async (access) => {
        const mount = await mounts.of(ref.path, ref.options.kv, access);
        const issued = await readSecret(http, mount, ref, {
          ...access,
          ...(call.answerSignal ? { answerSignal: call.answerSignal } : {}),
        });
        // The lease carries its namespace back to renew and revoke.
        if (issued.lease && namespace !== config.namespace) {
          const data: VaultLeaseData = namespace ? { namespace } : {};
          return { ...issued, lease: { ...issued.lease, data } };
        }
        return issued;
      });
    } catch (err) {
      // A shared failure (the login) is reported by each read, naming what it read.
      if (SecretsError.is(err, "CLIENT_CLOSED")) throw err;
      throw classifyFailure(err, {
        provider: "vault",
        subject: `"${ref.path}"`,
        reference: ref.raw,
      });
    }
  }

  /**
   * A lease call (renew, revoke) with the last token held, which works during
   * close() when the memo is gone; if that token was refused, once more with
   * the memo's (a new login).
   */
  async function onLease<T>(
    lease: Lease,
    signal: AbortSignal,
    path: string,
    fn: (access: Access) => Promise<T>,
  ): Promise<T> {
    const data = lease.data as VaultLeaseData | undefined;
    const namespace = data ? data.namespace : config.namespace;
    const ns = namespace ? { namespace } : {};
    const held = auth.current();
    try {
      return await fn({ token: held ?? (await auth.token()), signal, ...ns });
    } catch (err) {
      const refused = isResponseError(err) && err.response.statusCode === 403;
      const fresh =
        refused && !context.signal.aborted ? await auth.token().catch(() => undefined) : undefined;
      try {
        if (fresh && fresh !== held) return await fn({ token: fresh, signal, ...ns });
        throw err;
      } catch (again) {
        throw toVaultError(again, { subject: `lease ${lease.id}`, path, capability: "update" });
      }
    }
  }

  /**
   * What the provider authenticates with: a login token by its login's TTL
   * (no extra request); a user's token by one `lookup-self`, memoised until
   * the token expires (only asked under `policy.requireShortLived` or by the doctor).
   */
  async function authClass(call: CallContext): Promise<AuthClass> {
    if (auth.method !== "token") {
      await auth.token();
      return auth.loginClass() ?? { class: "unknown", what: "a Vault login token not yet issued" };
    }
    let facts: TokenFacts;
    try {
      facts = await lookUpFacts(call);
    } catch (err) {
      // A token created without the default policy may not look itself up: not classified.
      if (SecretsError.is(err, "ACCESS_DENIED")) {
        return {
          class: "unknown",
          what: "a Vault token that may not look itself up (auth/token/lookup-self)",
        };
      }
      throw err;
    }
    return classifyToken(facts);
  }

  function lookUpFacts(call: CallContext): Promise<TokenFacts> {
    return call.memo("vault:auth-class/token", async (signal) => {
      const d = await withToken(config.namespace, signal, async (access) => {
        try {
          const res = await http.request<{ data?: TokenLookup }>({
            method: "GET",
            path: "auth/token/lookup-self",
            ...access,
          });
          return res.data ?? {};
        } catch (err) {
          throw toVaultError(err, {
            subject: "the token's own details",
            path: "auth/token/lookup-self",
            capability: "read",
          });
        }
      });
      const f = tokenFacts(d);
      // Kept until the token expires (a long-lived one, until the memo's maxAge).
      return { value: f, ...(f.ttl > 0 ? { expiresAt: f.expiresAt } : {}) };
    });
  }

  /** `auth/token/lookup-self`: the token's policies, TTL and renewability. */
  function lookupSelf(call?: CallContext): Promise<ProviderIdentity> {
    const signal = call?.signal ?? context.signal;
    return withToken(config.namespace, signal, async (access) => {
      let res: {
        data?: {
          accessor?: string;
          display_name?: string;
          policies?: string[];
          ttl?: number;
          renewable?: boolean;
          expire_time?: string | null;
          period?: number;
          explicit_max_ttl?: number;
        };
      };
      try {
        res = await http.request({ method: "GET", path: "auth/token/lookup-self", ...access });
      } catch (err) {
        throw toVaultError(err, {
          subject: "the token's own details",
          path: "auth/token/lookup-self",
          capability: "read",
        });
      }
      const d = res.data ?? {};
      const policies = d.policies ?? [];
      const ttl = d.ttl ?? 0;
      return {
        principal: d.display_name
          ? `${d.display_name} (accessor ${d.accessor ?? "?"})`
          : d.accessor,
        kind: `token (${auth.method})`,
        policies,
        ttlSeconds: ttl,
        renewable: d.renewable === true,
        admin: policies.includes("root"),
        // A periodic token with no explicit max TTL can be renewed for ever: long-lived.
        shortLived: ttl > 0 && !((d.period ?? 0) > 0 && !(d.explicit_max_ttl ?? 0)),
        ...(d.expire_time && Number.isFinite(Date.parse(d.expire_time))
          ? { expiresAt: Date.parse(d.expire_time) }
          : {}),
      };
    });
  }

  /** An ACL policy's text (`sys/policies/acl/<name>`), or undefined when the token may not read it. */
  function policy(name: string, call?: CallContext): Promise<string | undefined> {
    const signal = call?.signal ?? context.signal;
    return withToken(config.namespace, signal, async (access) => {
      try {
        const res = await http.request<{ data?: { policy?: string } }>({
          method: "GET",
          path: `sys/policies/acl/${encodeURIComponent(name)}`,
          ...access,
        });
        return res.data?.policy;
      } catch (err) {
        if (
          isResponseError(err) &&
          (err.response.statusCode === 403 || err.response.statusCode === 404)
        ) {
          return undefined;
        }
        throw toVaultError(err, {
          subject: `policy "${name}"`,
          path: `sys/policies/acl/${name}`,
          capability: "read",
        });
      }
    });
  }

  return {
    authClass,

    getSecret(ref: ParsedRef, call: CallContext): Promise<Issued> {
      // A KV secret or a leased answer is its data map (a JSON object); the client shapes it.
      return read(ref, call);
    },

    getCredentials(request: unknown, call: CallContext): Promise<Issued<unknown>> {
      const { path, namespace } = credentialsPath(request);
      return read({ path, options: namespace ? { namespace } : {}, raw: `vault://${path}` }, call);
    },

    credentialsReference(request: unknown): string | undefined {
      try {
        const { path, namespace } = credentialsPath(request);
        return `vault://${path}${namespace ? `?namespace=${namespace}` : ""}`;
      } catch {
        return undefined;
      }
    },

    credentialsLabel(request: unknown): string {
      try {
        return `vault:${credentialsPath(request).path}`;
      } catch {
        return "vault:credentials";
      }
    },

    async renew(lease: Lease, call: CallContext): Promise<Issued<unknown> | undefined> {
      const res = await onLease(lease, call.signal, "sys/leases/renew", (access) =>
        http.request<{ lease_duration?: number; renewable?: boolean }>({
          method: "PUT",
          path: "sys/leases/renew",
          body: { lease_id: lease.id },
          ...access,
        }),
      );
      const ttl = res.lease_duration ?? 0;
      if (!(ttl > 0)) return undefined;
      return {
        value: undefined,
        expiresAt: Date.now() + ttl * 1000,
        lease: { ...lease, renewable: res.renewable === true },
      };
    },

    async revoke(lease: Lease, call: CallContext): Promise<void> {
      await onLease(lease, call.signal, "sys/leases/revoke", (access) =>
        http.request({
          method: "PUT",
          path: "sys/leases/revoke",
          body: { lease_id: lease.id },
          ...access,
        }),
      );
    },

    describe(ref: ParsedRef, call: CallContext): Promise<SecretMetadata> {
      return withToken(namespaceOf(ref), call.signal, async (access) =>
        describeSecret(http, await mounts.of(ref.path, ref.options.kv, access), ref, access),
      );
    },

    async identity(call?: CallContext): Promise<ProviderIdentity> {
      const id = await lookupSelf(call);
      if (id.admin) return id;
      // Doctor-only code: loaded when asked.
      const { adminGrant } = await import("./policy.js");
      let unread = 0;
      for (const name of id.policies ?? []) {
        if (name === "default") continue;
        const text = await policy(name, call);
        if (text === undefined) unread++;
        const why = text === undefined ? undefined : adminGrant(text);
        if (why) {
          return {
            ...id,
            admin: true,
            kind: `${id.kind ?? "token"}; policy "${name}" grants ${why}`,
          };
        }
      }
      // Every policy read and none grants sudo or everything on "*": a verified non-admin.
      return unread === 0 ? { ...id, admin: false, permissionsRead: true } : id;
    },

    async close(signal?: AbortSignal): Promise<void> {
      await auth.close(signal ?? AbortSignal.timeout(5_000));
    },
  };
}
