// The Azure stand-in: one HTTPS server on 127.0.0.1 that plays Entra ID (OpenID configuration,
// JWKS, the v2.0 token endpoint, an App Service style managed-identity endpoint) and the Key
// Vault secrets data plane. Started as its own process by scripts/emulators/start.mjs:
//   node test/support/azure/server.ts <config.json>
// What Key Vault answers is held to test/fixtures/azure-recordings/ (recordings of the real
// service) by test/integration/azure/conformance.test.ts; every behaviour not in those
// recordings cites its public source where it is implemented.
// Only loopback clients, so no rate limits or body hardening beyond a size cap. Never logs a
// secret value or a token.
import { createPrivateKey, createPublicKey, randomUUID, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import { fileURLToPath } from "node:url";
import { type Claims, signJwt, verifyJwt } from "./jwt.ts";

/** Everything the server needs; written to a 0600 file by the starter. */
export interface AzureServerConfig {
  port: number;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** PKCS#8 PEM (RSA) that signs access tokens. */
  tokenKeyPem: string;
  tokenKid: string;
  /** Workload identity: federated tokens must be signed by this key and carry iss/aud. */
  federated: { issuer: string; audience: string; publicKeyPem: string };
  /** Managed identity (App Service style): the X-IDENTITY-HEADER value. */
  identityHeader: string;
  /** Object id of the system-assigned managed identity. */
  managedIdentityObjectId: string;
  /** Header value `x-stand-in-control` that test hooks (throttle, stats) must send. */
  controlToken: string;
  tls: { certPem: string; keyPem: string };
}

const VAULT_AUDIENCE = "https://vault.azure.net";
const ROLES = ["Key Vault Secrets Officer", "Key Vault Secrets User"] as const;
type Role = (typeof ROLES)[number];
const TOKEN_LIFETIME_S = 3599;
const MAX_BODY = 256 * 1024;
// Key Vault's api-version values: the recordings send 7.3 and 7.4-preview.1,
// @azure/keyvault-secrets 4.12 sends 2026-04-01 (its KnownVersions also lists 7.5, 7.6,
// 2025-07-01). Anything else is refused the way the service refuses an unknown version.
const API_VERSION = /^(7\.[0-6](-preview(\.\d+)?)?|2025-07-01|2026-04-01)$/;
const LATEST_API_VERSION = "2026-04-01";
// Secret names: 1-127 letters, digits and dashes.
// https://learn.microsoft.com/en-us/azure/key-vault/general/about-keys-secrets-certificates#object-identifiers
const NAME = /^[0-9a-zA-Z-]{1,127}$/;

interface Version {
  id: string;
  value: string;
  contentType?: string;
  tags?: Record<string, string>;
  enabled: boolean;
  nbf?: number;
  exp?: number;
  created: number;
  updated: number;
}
interface Secret {
  name: string;
  versions: Map<string, Version>;
  /** Version ids, oldest first; the last one is "latest". */
  order: string[];
  deleted?: { deletedDate: number; scheduledPurgeDate: number };
}

class HttpError extends Error {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Record<string, string>;
  constructor(status: number, body: unknown, headers: Record<string, string> = {}) {
    super(`HTTP ${status}`);
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

const now = () => Math.floor(Date.now() / 1000);
const newVersionId = () => randomUUID().replaceAll("-", "");
const kvError = (status: number, code: string, message: string, inner?: string) =>
  new HttpError(status, {
    error: { code, message, ...(inner ? { innererror: { code: inner } } : {}) },
  });
// Entra's error body for the token endpoint.
// https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow#error-response
const aadError = (status: number, error: string, code: number, description: string) =>
  new HttpError(status, {
    error,
    error_description: `AADSTS${code}: ${description} Trace ID: ${randomUUID()}`,
    error_codes: [code],
    timestamp: new Date()
      .toISOString()
      .replace("T", " ")
      .replace(/\.\d+Z$/, "Z"),
    trace_id: randomUUID(),
    correlation_id: randomUUID(),
  });

export function createAzureServer(cfg: AzureServerConfig): Server {
  const origin = `https://127.0.0.1:${cfg.port}`;
  const issuer = `${origin}/${cfg.tenantId}/v2.0`;
  const tokenKey = createPrivateKey(cfg.tokenKeyPem);
  const tokenPub = createPublicKey(tokenKey);
  const federatedKey = createPublicKey(cfg.federated.publicKeyPem);
  const secrets = new Map<string, Secret>();
  /** Throttle switch: secret name (or "*") -> how many more requests get 429. */
  const throttles = new Map<string, { remaining: number; retryAfterSeconds: number }>();
  /**
   * App registrations: the configured one, plus any a test adds (POST /__stand-in/apps) to get
   * its own token lifetime and its own counters without disturbing other files of the run.
   */
  interface App {
    secret: string;
    lifetimeSeconds: number;
    refreshInSeconds?: number;
    role: Role;
    tokenRequests: number;
  }
  const apps = new Map<string, App>([
    [
      cfg.clientId,
      {
        secret: cfg.clientSecret,
        lifetimeSeconds: TOKEN_LIFETIME_S,
        role: "Key Vault Secrets Officer",
        tokenRequests: 0,
      },
    ],
  ]);
  const stats = {
    tokenRequests: 0,
    clientSecretGrants: 0,
    clientAssertionGrants: 0,
    managedIdentityRequests: 0,
    vaultRequests: 0,
    throttled: 0,
  };

  function accessToken(
    aud: string,
    appId: string,
    oid: string,
    lifetime = TOKEN_LIFETIME_S,
  ): string {
    const iat = now();
    const claims: Claims = {
      aud,
      iss: issuer,
      iat,
      nbf: iat,
      exp: iat + lifetime,
      tid: cfg.tenantId,
      oid,
      sub: oid,
      azp: appId,
      appid: appId,
      idtyp: "app",
      ver: "2.0",
      uti: randomUUID(),
    };
    return signJwt(claims, tokenKey, "RS256", cfg.tokenKid);
  }

  // ------------------------------------------------------------------ Entra ID

  // The subset of the OpenID Provider Metadata that MSAL reads.
  // https://learn.microsoft.com/en-us/entra/identity-platform/v2-protocols-oidc#find-your-apps-openid-configuration-document-uri
  function openIdConfiguration(tenant: string) {
    return {
      issuer,
      authorization_endpoint: `${origin}/${tenant}/oauth2/v2.0/authorize`,
      token_endpoint: `${origin}/${tenant}/oauth2/v2.0/token`,
      jwks_uri: `${origin}/${tenant}/discovery/v2.0/keys`,
      token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt"],
      response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
      subject_types_supported: ["pairwise"],
      id_token_signing_alg_values_supported: ["RS256"],
      tenant_region_scope: null,
      cloud_instance_name: "127.0.0.1",
    };
  }

  function jwks() {
    const jwk = tokenPub.export({ format: "jwk" });
    return { keys: [{ kty: "RSA", use: "sig", kid: cfg.tokenKid, alg: "RS256", ...jwk }] };
  }

  // Client credentials grant, with a secret or a client assertion (federated credential).
  // https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow
  // https://learn.microsoft.com/en-us/entra/workload-id/workload-identity-federation
  // Error codes: https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes
  function token(form: URLSearchParams) {
    stats.tokenRequests++;
    if (form.get("grant_type") !== "client_credentials") {
      throw aadError(
        400,
        "unsupported_grant_type",
        70003,
        "The app requested an unsupported grant type.",
      );
    }
    const clientId = form.get("client_id") ?? "";
    const app = apps.get(clientId);
    if (!app) {
      throw aadError(
        400,
        "unauthorized_client",
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${cfg.tenantId}'.`,
      );
    }
    const scopes = (form.get("scope") ?? "")
      .split(" ")
      .filter((s) => s && !["openid", "profile", "offline_access"].includes(s));
    const scope = scopes[0];
    if (scopes.length !== 1 || !scope?.endsWith("/.default")) {
      throw aadError(
        400,
        "invalid_scope",
        1002012,
        "The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).",
      );
    }
    const secret = form.get("client_secret");
    const assertion = form.get("client_assertion");
    if (secret !== null) {
      const a = Buffer.from(secret);
      const b = Buffer.from(app.secret);
      if (a.length !== b.length || !timingSafeEqual(a, b)) {
        throw aadError(
          401,
          "invalid_client",
          7000215,
          "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.",
        );
      }
      stats.clientSecretGrants++;
    } else if (assertion !== null) {
      if (
        form.get("client_assertion_type") !==
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
      ) {
        throw aadError(
          400,
          "invalid_request",
          900144,
          "The request body must contain the following parameter: 'client_assertion_type'.",
        );
      }
      const check = verifyJwt(assertion, federatedKey, {
        issuer: cfg.federated.issuer,
        audience: cfg.federated.audience,
      });
      if (!check.ok) {
        // AADSTS700211: issuer; 700212: audience; 700024: time range; 50013: signature.
        const code =
          check.reason === "invalid issuer"
            ? 700211
            : check.reason === "invalid audience"
              ? 700212
              : /expired|not yet/.test(check.reason)
                ? 700024
                : 50013;
        throw aadError(
          401,
          "invalid_client",
          code,
          `Client assertion failed validation: ${check.reason}.`,
        );
      }
      stats.clientAssertionGrants++;
    } else {
      throw aadError(
        401,
        "invalid_client",
        7000216,
        "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.",
      );
    }
    const aud = scope.slice(0, -"/.default".length);
    app.tokenRequests++;
    return {
      token_type: "Bearer",
      expires_in: app.lifetimeSeconds,
      ext_expires_in: app.lifetimeSeconds,
      // Entra may add refresh_in (seconds) to say when to renew early; MSAL reads it as
      // refreshOn, which @azure/identity reports as refreshAfterTimestamp.
      // https://learn.microsoft.com/en-us/entra/identity-platform/msal-acquire-cache-tokens
      ...(app.refreshInSeconds !== undefined ? { refresh_in: app.refreshInSeconds } : {}),
      access_token: accessToken(aud, clientId, `sp-${clientId}`, app.lifetimeSeconds),
    };
  }

  // App Service managed identity (api-version 2019-08-01).
  // https://learn.microsoft.com/en-us/azure/app-service/overview-managed-identity#rest-endpoint-reference
  function managedIdentity(req: IncomingMessage, url: URL) {
    stats.managedIdentityRequests++;
    if (req.headers["x-identity-header"] !== cfg.identityHeader) {
      throw new HttpError(401, {
        statusCode: 401,
        message: "X-IDENTITY-HEADER is missing or wrong.",
      });
    }
    if (url.searchParams.get("api-version") !== "2019-08-01") {
      throw new HttpError(400, { statusCode: 400, message: "Unsupported api-version." });
    }
    const resource = url.searchParams.get("resource");
    if (!resource) throw new HttpError(400, { statusCode: 400, message: "resource is required." });
    const aud = resource.replace(/\/\.default$/, "");
    const clientId = url.searchParams.get("client_id") ?? `mi-${cfg.managedIdentityObjectId}`;
    const exp = now() + TOKEN_LIFETIME_S;
    return {
      access_token: accessToken(aud, clientId, cfg.managedIdentityObjectId),
      // The endpoint reports expires_on as seconds since the epoch, in a string.
      expires_on: String(exp),
      resource,
      token_type: "Bearer",
      client_id: clientId,
    };
  }

  // ------------------------------------------------------------------ Key Vault

  const challenge = `Bearer authorization="${origin}/${cfg.tenantId}", resource="${VAULT_AUDIENCE}"`;

  // Every bearer token is checked: signature (our key), iss, aud, exp.
  function authenticate(req: IncomingMessage) {
    const header = req.headers.authorization;
    const unauthorized = (message: string) =>
      new HttpError(
        401,
        { error: { code: "Unauthorized", message } },
        {
          "WWW-Authenticate": challenge,
        },
      );
    // Recorded: the unauthenticated first request gets 401 with the challenge.
    if (!header) throw unauthorized("AKV10000: Request is missing a Bearer or PoP token.");
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m?.[1]) throw unauthorized("AKV10000: Request is missing a Bearer or PoP token.");
    const check = verifyJwt(m[1], tokenPub, {
      issuer,
      audience: [VAULT_AUDIENCE, `${VAULT_AUDIENCE}/`],
    });
    if (!check.ok) throw unauthorized(`Invalid bearer token: ${check.reason}.`);
    if (check.claims.tid !== cfg.tenantId)
      throw unauthorized("Invalid bearer token: invalid tenant.");
    // The caller's role on the vault: an app registration's own, else (managed identity, a
    // token minted by a test) Secrets Officer.
    return apps.get(String(check.claims.appid))?.role ?? "Key Vault Secrets Officer";
  }

  // Azure RBAC data actions. "Key Vault Secrets User" may only read secret contents
  // (secrets/getSecret/action, secrets/readMetadata/action); writing, deleting and reading
  // deleted secrets need more, e.g. "Key Vault Secrets Officer" (secrets/*, deletedSecrets/*).
  // A refusal is 403 Forbidden with inner code ForbiddenByRbac.
  // https://learn.microsoft.com/en-us/azure/role-based-access-control/built-in-roles/security#key-vault-secrets-user
  // https://learn.microsoft.com/en-us/azure/key-vault/general/rbac-guide
  function authorize(role: Role, readOnly: boolean, action: string) {
    if (role === "Key Vault Secrets Officer" || readOnly) return;
    throw kvError(
      403,
      "Forbidden",
      `Caller is not authorized to perform action on resource.\r\nIf role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\nAction: '${action}'`,
      "ForbiddenByRbac",
    );
  }

  function throttle(name: string | undefined) {
    for (const key of [name, "*"]) {
      const t = key === undefined ? undefined : throttles.get(key);
      if (!t || t.remaining <= 0) continue;
      t.remaining--;
      stats.throttled++;
      // Key Vault answers 429 once a vault's or caller's limit is hit; clients wait Retry-After.
      // https://learn.microsoft.com/en-us/azure/key-vault/general/overview-throttling
      // https://learn.microsoft.com/en-us/azure/key-vault/general/service-limits
      throw new HttpError(
        429,
        {
          error: {
            code: "Throttled",
            message: "Request was not processed because too many requests were received.",
          },
        },
        { "Retry-After": String(t.retryAfterSeconds) },
      );
    }
  }

  const secretId = (name: string, version: string) => `${origin}/secrets/${name}/${version}`;
  const attributes = (v: Version) => ({
    enabled: v.enabled,
    ...(v.nbf !== undefined ? { nbf: v.nbf } : {}),
    ...(v.exp !== undefined ? { exp: v.exp } : {}),
    created: v.created,
    updated: v.updated,
    // Soft-delete is always on, 90 days by default.
    // https://learn.microsoft.com/en-us/azure/key-vault/general/soft-delete-overview
    recoveryLevel: "Recoverable+Purgeable",
    recoverableDays: 90,
  });
  const bundle = (s: Secret, v: Version, withValue: boolean) => ({
    ...(withValue ? { value: v.value } : {}),
    ...(v.contentType !== undefined ? { contentType: v.contentType } : {}),
    id: secretId(s.name, v.id),
    attributes: attributes(v),
    ...(v.tags ? { tags: v.tags } : {}),
  });
  const item = (s: Secret, v: Version, withVersion: boolean) => ({
    id: withVersion ? secretId(s.name, v.id) : `${origin}/secrets/${s.name}`,
    ...(v.contentType !== undefined ? { contentType: v.contentType } : {}),
    attributes: attributes(v),
    ...(v.tags ? { tags: v.tags } : {}),
  });
  const live = (name: string) => {
    const s = secrets.get(name);
    return s && !s.deleted ? s : undefined;
  };
  // Recorded message; a soft-deleted secret answers the same 404 (its text says so).
  const notFound = (what: string) =>
    kvError(
      404,
      "SecretNotFound",
      `A secret with (name/id) ${what} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`,
    );

  function parseAttributes(raw: unknown, into: Version) {
    if (raw === undefined || raw === null) return;
    if (typeof raw !== "object")
      throw kvError(400, "BadParameter", "attributes must be an object.");
    const a = raw as Record<string, unknown>;
    if (a.enabled !== undefined) into.enabled = a.enabled !== false;
    for (const k of ["nbf", "exp"] as const) {
      if (a[k] === undefined || a[k] === null) continue;
      if (typeof a[k] !== "number")
        throw kvError(400, "BadParameter", `attributes.${k} must be a number.`);
      into[k] = a[k];
    }
  }

  function page<T>(all: T[], url: URL, path: string) {
    // maxresults: 1-25, 25 when absent; nextLink carries a $skiptoken.
    // https://learn.microsoft.com/en-us/rest/api/keyvault/secrets/get-secret-versions/get-secret-versions
    const raw = url.searchParams.get("maxresults");
    const max = raw === null ? 25 : Number(raw);
    if (!Number.isInteger(max) || max < 1 || max > 25) {
      throw kvError(400, "BadParameter", "maxresults must be an integer between 1 and 25.");
    }
    const token = url.searchParams.get("$skiptoken");
    let offset = 0;
    if (token) {
      try {
        offset = Number(JSON.parse(Buffer.from(token, "base64url").toString()).offset) || 0;
      } catch {
        throw kvError(400, "BadParameter", "Invalid $skiptoken.");
      }
    }
    const value = all.slice(offset, offset + max);
    const next = offset + max;
    let nextLink: string | null = null;
    if (next < all.length) {
      const q = new URLSearchParams({ "api-version": url.searchParams.get("api-version") ?? "" });
      const skip = Buffer.from(JSON.stringify({ offset: next })).toString("base64url");
      nextLink = `${origin}${path}?${q}&$skiptoken=${skip}&maxresults=${max}`;
    }
    return { value, nextLink };
  }

  async function vault(req: IncomingMessage, url: URL, parts: string[]) {
    stats.vaultRequests++;
    const method = req.method ?? "GET";
    const apiVersion = url.searchParams.get("api-version");
    const role = authenticate(req);
    if (!apiVersion || !API_VERSION.test(apiVersion)) {
      throw kvError(
        400,
        "BadParameter",
        `The specified version (${apiVersion ?? ""}) is not recognized. Consider using the latest supported version (${LATEST_API_VERSION}).`,
      );
    }
    const [collection, name, third, fourth] = parts;
    if (name !== undefined && !NAME.test(name)) {
      throw kvError(400, "BadParameter", "The request URI contains an invalid name.");
    }
    throttle(name);
    authorize(
      role,
      collection === "secrets" && method === "GET",
      collection === "secrets"
        ? `Microsoft.KeyVault/vaults/secrets/${method === "DELETE" ? "delete" : "setSecret/action"}`
        : "Microsoft.KeyVault/vaults/deletedSecrets/read",
    );

    if (collection === "secrets") {
      // GET /secrets: list secrets (latest version of each, no values).
      if (name === undefined && method === "GET") {
        const all = [...secrets.values()]
          .filter((s) => !s.deleted)
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((s) => item(s, s.versions.get(s.order.at(-1) as string) as Version, false));
        return page(all, url, "/secrets");
      }
      if (name === undefined) throw kvError(405, "BadParameter", "Method not allowed.");
      // PUT /secrets/{name}: a new version. https://learn.microsoft.com/en-us/rest/api/keyvault/secrets/set-secret/set-secret
      if (method === "PUT" && third === undefined) {
        const body = (await readJson(req)) as Record<string, unknown>;
        if (typeof body.value !== "string")
          throw kvError(400, "BadParameter", "Property value is required.");
        const existing = secrets.get(name);
        if (existing?.deleted) {
          // A soft-deleted name cannot be reused until purged or recovered.
          // https://learn.microsoft.com/en-us/azure/key-vault/general/soft-delete-overview#secret-deletion-and-recovery
          throw kvError(
            409,
            "Conflict",
            `Secret ${name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged.`,
          );
        }
        const t = now();
        const v: Version = {
          id: newVersionId(),
          value: body.value,
          enabled: true,
          created: t,
          updated: t,
        };
        if (typeof body.contentType === "string") v.contentType = body.contentType;
        if (body.tags && typeof body.tags === "object")
          v.tags = body.tags as Record<string, string>;
        parseAttributes(body.attributes, v);
        const s: Secret = existing ?? { name, versions: new Map(), order: [] };
        s.versions.set(v.id, v);
        s.order.push(v.id);
        secrets.set(name, s);
        return bundle(s, v, true);
      }
      // GET /secrets/{name}/versions: versions in ascending order of their ids, as the
      // recorded pages are; a missing secret gives an empty list (recorded).
      if (method === "GET" && third === "versions" && fourth === undefined) {
        const s = live(name);
        const all = s
          ? [...s.versions.values()]
              .sort((a, b) => a.id.localeCompare(b.id))
              .map((v) => item(s, v, true))
          : [];
        return page(all, url, `/secrets/${name}/versions`);
      }
      // GET /secrets/{name}/ (latest; the SDK sends the trailing slash) or /{version}.
      if (method === "GET" && fourth === undefined) {
        const s = live(name);
        const version = third || s?.order.at(-1);
        const v = version ? s?.versions.get(version) : undefined;
        if (!s || !v) throw notFound(third ? `${name}/${third}` : name);
        // Recorded: a disabled secret is refused.
        if (!v.enabled) {
          throw kvError(
            403,
            "Forbidden",
            "Operation get is not allowed on a disabled secret.",
            "SecretDisabled",
          );
        }
        // Outside nbf/exp the value is still returned: "A secret's get operation will work for
        // not-yet-valid and expired secrets, outside the nbf / exp window."
        // https://learn.microsoft.com/en-us/azure/key-vault/secrets/about-secrets#date-time-controlled-operations
        return bundle(s, v, true);
      }
      // PATCH /secrets/{name}/{version}: attributes, contentType, tags; no value in the answer.
      // https://learn.microsoft.com/en-us/rest/api/keyvault/secrets/update-secret/update-secret
      if (method === "PATCH" && fourth === undefined) {
        const s = live(name);
        const version = third || s?.order.at(-1);
        const v = version ? s?.versions.get(version) : undefined;
        if (!s || !v) throw notFound(third ? `${name}/${third}` : name);
        const body = (await readJson(req)) as Record<string, unknown>;
        if (typeof body.contentType === "string") v.contentType = body.contentType;
        if (body.tags && typeof body.tags === "object")
          v.tags = body.tags as Record<string, string>;
        parseAttributes(body.attributes, v);
        v.updated = now();
        return bundle(s, v, false);
      }
      // DELETE /secrets/{name}: soft delete; afterwards the secret answers 404 SecretNotFound.
      // https://learn.microsoft.com/en-us/rest/api/keyvault/secrets/delete-secret/delete-secret
      if (method === "DELETE" && third === undefined) {
        const s = live(name);
        if (!s) throw notFound(name);
        const t = now();
        s.deleted = { deletedDate: t, scheduledPurgeDate: t + 90 * 86400 };
        return deletedBundle(s);
      }
    }
    if (collection === "deletedsecrets" && name !== undefined) {
      const s = secrets.get(name);
      // GET /deletedsecrets/{name}; needs the "list/get deleted" permission on a real vault.
      // https://learn.microsoft.com/en-us/rest/api/keyvault/secrets/get-deleted-secret/get-deleted-secret
      if (method === "GET" && third === undefined) {
        if (!s?.deleted) throw kvError(404, "SecretNotFound", `Deleted Secret not found: ${name}`);
        return deletedBundle(s);
      }
      // POST /deletedsecrets/{name}/recover
      // https://learn.microsoft.com/en-us/rest/api/keyvault/secrets/recover-deleted-secret/recover-deleted-secret
      if (method === "POST" && third === "recover") {
        if (!s?.deleted) throw kvError(404, "SecretNotFound", `Deleted Secret not found: ${name}`);
        s.deleted = undefined;
        return bundle(s, s.versions.get(s.order.at(-1) as string) as Version, false);
      }
      // DELETE /deletedsecrets/{name}: purge, 204.
      // https://learn.microsoft.com/en-us/rest/api/keyvault/secrets/purge-deleted-secret/purge-deleted-secret
      if (method === "DELETE" && third === undefined) {
        if (!s?.deleted) throw kvError(404, "SecretNotFound", `Deleted Secret not found: ${name}`);
        secrets.delete(name);
        return undefined;
      }
    }
    throw kvError(
      400,
      "BadParameter",
      `The request URI is not supported: ${method} ${url.pathname}`,
    );
  }

  function deletedBundle(s: Secret) {
    const v = s.versions.get(s.order.at(-1) as string) as Version;
    return {
      recoveryId: `${origin}/deletedsecrets/${s.name}`,
      deletedDate: s.deleted?.deletedDate,
      scheduledPurgeDate: s.deleted?.scheduledPurgeDate,
      ...bundle(s, v, false),
    };
  }

  // ------------------------------------------------------------------ test hooks

  async function control(req: IncomingMessage, what: string | undefined) {
    if (req.headers["x-stand-in-control"] !== cfg.controlToken) {
      throw new HttpError(403, { error: "control token required" });
    }
    if (what === "throttle" && req.method === "POST") {
      const body = (await readJson(req)) as {
        secret?: string;
        count?: number;
        retryAfterSeconds?: number;
      };
      throttles.set(body.secret ?? "*", {
        remaining: body.count ?? 1,
        retryAfterSeconds: body.retryAfterSeconds ?? 1,
      });
      return { ok: true };
    }
    if (what === "apps" && req.method === "POST") {
      const body = (await readJson(req)) as {
        lifetimeSeconds?: number;
        refreshInSeconds?: number;
        role?: Role;
      };
      if (body.role !== undefined && !ROLES.includes(body.role)) {
        throw new HttpError(400, { error: `role must be one of ${ROLES.join(", ")}` });
      }
      const clientId = randomUUID();
      const secret = `stand-in~${randomUUID()}`;
      apps.set(clientId, {
        secret,
        lifetimeSeconds: body.lifetimeSeconds ?? TOKEN_LIFETIME_S,
        role: body.role ?? "Key Vault Secrets Officer",
        ...(body.refreshInSeconds !== undefined ? { refreshInSeconds: body.refreshInSeconds } : {}),
        tokenRequests: 0,
      });
      return { clientId, clientSecret: secret };
    }
    if (what === "stats" && req.method === "GET") {
      return {
        ...stats,
        tokenRequestsByClient: Object.fromEntries(
          [...apps].map(([id, a]) => [id, a.tokenRequests]),
        ),
      };
    }
    throw new HttpError(404, { error: "unknown control endpoint" });
  }

  // ------------------------------------------------------------------ routing

  async function route(req: IncomingMessage, url: URL): Promise<unknown> {
    const parts = url.pathname.split("/").slice(1);
    // Trailing slash: GET /secrets/{name}/ means the latest version.
    if (parts.at(-1) === "" && parts.length > 1) parts.pop();
    const [first, second, third, fourth] = parts;
    if (first === "__stand-in") {
      if (second === "health") return { ok: true };
      return control(req, second);
    }
    if (first === "msi" && second === "token" && req.method === "GET")
      return managedIdentity(req, url);
    if (first === "secrets" || first === "deletedsecrets") return vault(req, url, parts);
    if (first && first === cfg.tenantId) {
      if (second === "v2.0" && third === ".well-known" && fourth === "openid-configuration") {
        return openIdConfiguration(first);
      }
      if (second === "discovery" && third === "v2.0" && fourth === "keys") return jwks();
      if (second === "oauth2" && third === "v2.0" && fourth === "token" && req.method === "POST") {
        return token(new URLSearchParams(await readText(req)));
      }
    } else if (first && (second === "v2.0" || second === "oauth2")) {
      throw aadError(400, "invalid_tenant", 90002, `Tenant '${first}' not found.`);
    }
    throw new HttpError(404, {
      error: { code: "NotFound", message: `No route for ${req.method} ${url.pathname}` },
    });
  }

  const server = createServer({ cert: cfg.tls.certPem, key: cfg.tls.keyPem }, (req, res) => {
    const url = new URL(req.url ?? "/", origin);
    route(req, url).then(
      (body) => send(res, body === undefined ? 204 : 200, body, {}),
      (e: unknown) => {
        if (e instanceof HttpError) return send(res, e.status, e.body, e.headers);
        console.error(`[azure stand-in] ${req.method} ${url.pathname}: ${(e as Error).stack}`);
        send(res, 500, { error: { code: "InternalError", message: "stand-in failure" } }, {});
      },
    );
  });
  return server;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>) {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, {
    "Cache-Control": "no-cache",
    ...(text ? { "Content-Type": "application/json; charset=utf-8" } : {}),
    "Content-Length": Buffer.byteLength(text),
    "x-ms-request-id": randomUUID(),
    ...headers,
  });
  res.end(text);
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY)
      throw new HttpError(413, { error: { code: "BadParameter", message: "Body too large." } });
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = await readText(req);
  if (!text) return {};
  try {
    const v = JSON.parse(text);
    if (v && typeof v === "object") return v;
  } catch {}
  throw new HttpError(400, {
    error: { code: "BadParameter", message: "The request body is not valid JSON." },
  });
}

// Run as a process: node test/support/azure/server.ts <config.json>
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  if (!file) throw new Error("usage: server.ts <config.json>");
  const cfg = JSON.parse(readFileSync(file, "utf8")) as AzureServerConfig;
  const server = createAzureServer(cfg);
  server.listen(cfg.port, "127.0.0.1", () =>
    console.log(`azure stand-in on 127.0.0.1:${cfg.port}`),
  );
  for (const sig of ["SIGTERM", "SIGINT"] as const) {
    process.on(sig, () => {
      server.close();
      server.closeAllConnections();
      process.exit(0);
    });
  }
}
