/**
 * The Vault provider's options and how they resolve from the environment
 * (`VAULT_ADDR`, `VAULT_TOKEN`, `VAULT_NAMESPACE`, `~/.vault-token`).
 */

import { homedir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../../src/provider/index.js";

/**
 * How the provider logs in. Every method but `token` yields a TTL'd token
 * that the provider renews and, after its max TTL, replaces by logging in again.
 *
 * @example
 * ```ts
 * const auth: VaultAuthOptions = { method: "approle", roleId: "…", secretIdFile: "/run/secrets/secret-id" };
 * ```
 */
export type VaultAuthOptions =
  | VaultTokenAuth
  | VaultAppRoleAuth
  | VaultJwtAuth
  | VaultKubernetesAuth;

/**
 * A token given by the user (never revoked by the provider).
 *
 * @example
 * ```ts
 * const auth: VaultTokenAuth = { method: "token", token: process.env.VAULT_TOKEN };
 * ```
 */
export interface VaultTokenAuth {
  /** Selects this login method. */
  method: "token";
  /** The token; default `VAULT_TOKEN` (unless `tokenFile` is set), else the file `~/.vault-token`. */
  token?: string;
  /** A file holding the token (read at each login); default `~/.vault-token`. */
  tokenFile?: string;
}

/**
 * AppRole login: a role id and a secret id given directly, read from a file
 * (re-read at every login), or response-wrapped (unwrapped once).
 *
 * @example
 * ```ts
 * const auth: VaultAppRoleAuth = { method: "approle", roleId: "9f…", wrappedSecretId: "hvs.CAES…" };
 * ```
 */
export interface VaultAppRoleAuth {
  /** Selects this login method. */
  method: "approle";
  /** The role id. */
  roleId: string;
  /** The secret id. */
  secretId?: string;
  /** A file holding the secret id, re-read at every login. */
  secretIdFile?: string;
  /** A wrapping token whose wrapped response holds the secret id; unwrapped once, never again. */
  wrappedSecretId?: string;
  /** The auth mount; default `approle`. */
  mount?: string;
}

/**
 * JWT/OIDC login: the JWT comes from a file (re-read at every login) or a callback.
 *
 * @example
 * ```ts
 * const auth: VaultJwtAuth = { method: "jwt", role: "api", jwtFile: "/var/run/secrets/tokens/vault" };
 * ```
 */
export interface VaultJwtAuth {
  /** Selects this login method. */
  method: "jwt";
  /** The role to log in as. */
  role: string;
  /** A file holding the JWT, re-read at every login. */
  jwtFile?: string;
  /** Returns a fresh JWT at every login. */
  jwt?: () => string | Promise<string>;
  /** The auth mount; default `jwt`. */
  mount?: string;
}

/**
 * Kubernetes login: the pod's service-account token, re-read at every login.
 *
 * @example
 * ```ts
 * const auth: VaultKubernetesAuth = { method: "kubernetes", role: "api" };
 * ```
 */
export interface VaultKubernetesAuth {
  /** Selects this login method. */
  method: "kubernetes";
  /** The role to log in as. */
  role: string;
  /** The service-account token file; default `/var/run/secrets/kubernetes.io/serviceaccount/token`. */
  jwtFile?: string;
  /** The auth mount; default `kubernetes`. */
  mount?: string;
}

/**
 * Options of `vaultProvider()`. With none, the address comes from
 * `VAULT_ADDR`, the token from `VAULT_TOKEN` (or `~/.vault-token`) and the
 * namespace from `VAULT_NAMESPACE`.
 *
 * @example
 * ```ts
 * const options: VaultProviderOptions = {
 *   address: "https://vault.internal:8200",
 *   namespace: "team-a",
 *   auth: { method: "approle", roleId: "…", secretIdFile: "/run/secrets/secret-id" },
 * };
 * ```
 */
export interface VaultProviderOptions {
  /** The server, such as `https://vault.internal:8200`; default `VAULT_ADDR`. */
  address?: string;
  /** The namespace (Vault Enterprise, OpenBao); default `VAULT_NAMESPACE`. `?namespace=` on a reference overrides it. */
  namespace?: string;
  /** How to log in; default a token from `VAULT_TOKEN` or `~/.vault-token`. */
  auth?: VaultAuthOptions;
  /**
   * KV versions by mount (`{ secret: 2, legacy: 1 }`), skipping the detection
   * through `sys/internal/ui/mounts`. `?kv=` on a reference overrides it.
   */
  kvVersion?: Readonly<Record<string, 1 | 2>>;
  /**
   * Renew the login token once this share of its TTL has passed (0 < renewAt < 1).
   * Default: the client's `cache.credentialRefreshLead` before expiry.
   */
  renewAt?: number;
  /** Attempts for 429 and 503 answers (sealed, rate-limited, standby), within the call's deadline; default 3. */
  maxAttempts?: number;
}

/** The options after the environment is applied. */
export interface ResolvedVaultOptions {
  address: string;
  namespace?: string;
  auth: VaultAuthOptions;
  kvVersion: Readonly<Record<string, 1 | 2>>;
  renewAt?: number;
  maxAttempts: number;
}

/** The default service-account token path of a Kubernetes pod. */
export const K8S_TOKEN_FILE = "/var/run/secrets/kubernetes.io/serviceaccount/token";

/** Resolves the options against the environment; throws a ConfigError for a bad one. */
export function resolveVaultOptions(
  options: VaultProviderOptions = {},
  env: Readonly<Record<string, string | undefined>> = process.env,
): ResolvedVaultOptions {
  const address = (options.address ?? env.VAULT_ADDR ?? "").replace(/\/+$/, "");
  if (!address) {
    throw new ConfigError({
      provider: "vault",
      message:
        "vault: no server address. Set VAULT_ADDR or vaultProvider({ address: 'https://vault.example:8200' }).",
    });
  }
  try {
    new URL(address);
  } catch (cause) {
    throw new ConfigError({
      provider: "vault",
      cause,
      message: "vault: the server address is not a URL; write it like https://vault.example:8200.",
    });
  }
  const renewAt = options.renewAt;
  if (renewAt !== undefined && !(renewAt > 0 && renewAt < 1)) {
    throw new ConfigError({
      provider: "vault",
      message: "vault: renewAt is a share of the token's TTL, between 0 and 1 (for example 0.7).",
    });
  }
  let auth: VaultAuthOptions = options.auth ?? { method: "token" };
  // A token method with no token and no file takes VAULT_TOKEN, like the CLI.
  if (auth.method === "token" && !auth.token && !auth.tokenFile && env.VAULT_TOKEN) {
    auth = { ...auth, token: env.VAULT_TOKEN };
  }
  checkAuth(auth);
  const namespace = options.namespace ?? (env.VAULT_NAMESPACE || undefined);
  return {
    address,
    ...(namespace ? { namespace } : {}),
    auth,
    kvVersion: options.kvVersion ?? {},
    ...(renewAt !== undefined ? { renewAt } : {}),
    maxAttempts: Math.max(1, options.maxAttempts ?? 3),
  };
}

function checkAuth(auth: VaultAuthOptions): void {
  const bad = (message: string) => {
    throw new ConfigError({ provider: "vault", message: `vault: ${message}` });
  };
  switch (auth.method) {
    case "token":
      return;
    case "approle": {
      if (!auth.roleId) bad("AppRole auth needs auth.roleId.");
      const sources = [auth.secretId, auth.secretIdFile, auth.wrappedSecretId].filter(Boolean);
      if (sources.length !== 1) {
        bad(
          "AppRole auth needs exactly one of auth.secretId, auth.secretIdFile or auth.wrappedSecretId.",
        );
      }
      return;
    }
    case "jwt":
      if (!auth.role) bad("JWT auth needs auth.role.");
      if (!auth.jwtFile === !auth.jwt)
        bad("JWT auth needs exactly one of auth.jwtFile or auth.jwt.");
      return;
    case "kubernetes":
      if (!auth.role) bad("Kubernetes auth needs auth.role.");
      return;
    default:
      bad(
        `unknown auth.method ${JSON.stringify((auth as { method?: unknown }).method)}; use token, approle, jwt or kubernetes.`,
      );
  }
}

/** The file a token login falls back to: `~/.vault-token`. */
export function defaultTokenFile(): string {
  return join(homedir(), ".vault-token");
}
