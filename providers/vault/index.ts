/**
 * The `vault` provider: HashiCorp Vault and OpenBao through `node-vault`
 * (imported on first use). `vault://` KV v2 and v1 references, leased
 * dynamic secrets such as `database/creds/<role>`, and
 * `getCredentials("vault", { path })`, with tokens from `VAULT_TOKEN`,
 * AppRole, JWT/OIDC or Kubernetes logins kept alive by the client.
 *
 * @example
 * ```ts
 * import { createSecrets } from "secrets-loader";
 * import { vaultProvider } from "secrets-loader/providers/vault";
 *
 * const secrets = createSecrets({ providers: { vault: vaultProvider() } }); // VAULT_ADDR, VAULT_TOKEN
 * const password = await secrets.getSecret("vault://secret/app/db#password");
 * ```
 * @packageDocumentation
 */

import { assertServerRuntime, classifyFailure } from "../../src/provider/index.js";

assertServerRuntime();

export { vaultProvider } from "./declaration.js";
export type {
  VaultAppRoleAuth,
  VaultAuthOptions,
  VaultJwtAuth,
  VaultKubernetesAuth,
  VaultProviderOptions,
  VaultTokenAuth,
} from "./options.js";
export type { VaultProvider } from "./runtime.js";
export type { VaultCredentials, VaultCredentialsRequest } from "./types.js";

/**
 * Options of {@link unwrap}.
 *
 * @example
 * ```ts
 * const o: UnwrapOptions = { address: "https://vault.internal:8200", signal: AbortSignal.timeout(5_000) };
 * ```
 */
export interface UnwrapOptions {
  /** The server; default `VAULT_ADDR`. */
  address?: string;
  /** The namespace the token was wrapped in; default `VAULT_NAMESPACE`. */
  namespace?: string;
  /** Ends the request (a deadline); default 10 s. */
  signal?: AbortSignal;
}

/**
 * Unwraps a response-wrapping token (from `vault://…?wrapTTL=60s`, or
 * `vault … -wrap-ttl`) once, through `sys/wrapping/unwrap`, and returns the
 * wrapped answer's data. A token already used or expired fails with an
 * `AccessDeniedError`; the token is never quoted in an error.
 *
 * @example
 * ```ts
 * import { unwrap } from "secrets-loader/providers/vault";
 * const wrapped = await secrets.getSecret("vault://secret/app/db?wrapTTL=60s"); // hand this to a worker
 * const { password } = await unwrap(wrapped); // in the worker, once
 * ```
 */
export async function unwrap(
  wrappingToken: string,
  options: UnwrapOptions = {},
): Promise<Readonly<Record<string, unknown>>> {
  const { VaultHttp } = await import("./http.js");
  const address = (options.address ?? process.env.VAULT_ADDR ?? "").replace(/\/+$/, "");
  const namespace = options.namespace ?? process.env.VAULT_NAMESPACE;
  const http = new VaultHttp(address, 1);
  try {
    const res = await http.request<{ data?: Record<string, unknown> }>({
      method: "POST",
      path: "sys/wrapping/unwrap",
      body: {},
      token: wrappingToken,
      ...(namespace ? { namespace } : {}),
      signal: options.signal ?? AbortSignal.timeout(10_000),
    });
    // A wrapped KV v2 read holds { data, metadata }: return the secret's own map.
    const data = res.data ?? {};
    const inner = (data as { data?: unknown; metadata?: unknown }).data;
    return inner && typeof inner === "object" && "metadata" in data
      ? (inner as Record<string, unknown>)
      : data;
  } catch (err) {
    const status = (err as { response?: { statusCode?: number } }).response?.statusCode;
    throw classifyFailure(
      err,
      {
        provider: "vault",
        subject: "a response-wrapping token (already used, expired or unknown?)",
      },
      status === 400 ? { status: 403, detail: "invalid wrapping token" } : status ? { status } : {},
    );
  }
}
