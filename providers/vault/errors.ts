/**
 * Vault answers -> the core's typed errors, through the kit's
 * `classifyFailure`. Messages name the path and, for a 403, the capability
 * the operation needs; Vault's own error texts are never copied (they may
 * quote request data), only recognised. The original error stays the `cause`.
 */

import {
  AccessDeniedError,
  ConfigError,
  classifyFailure,
  ProviderError,
  type SecretsError,
  UnavailableError,
} from "../../src/provider/index.js";
import { isResponseError } from "./http.js";

/** What was being done, for the message. */
export interface VaultErrorContext {
  /** The reference as written, when there is one. */
  reference?: string;
  /** What was asked for, such as `secret "secret/app"`. */
  subject: string;
  /** The API path the request went to. */
  path?: string;
  /** The ACL capability the request needs (`read`, `update`, `list` …). */
  capability?: string;
}

const TLS_CODE =
  /^(ERR_TLS_|CERT_|UNABLE_TO_|SELF_SIGNED_|DEPTH_ZERO_SELF_SIGNED_CERT|ERR_SSL_|HOSTNAME_MISMATCH)/;

/** The TLS verification code in an error's cause chain (`fetch failed` hides it one level down). */
function tlsFailure(err: unknown): string | undefined {
  for (let e: unknown = err, i = 0; e && typeof e === "object" && i < 5; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && TLS_CODE.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function errorsOf(err: unknown): string {
  if (!isResponseError(err)) return "";
  return (err.response.body?.errors ?? []).join(" ");
}

/**
 * Maps a node-vault (or network) error to a typed error that keeps it as `cause`.
 *
 * @internal
 */
export function toVaultError(err: unknown, ctx: VaultErrorContext): SecretsError {
  const what = {
    provider: "vault",
    subject: ctx.subject,
    ...(ctx.reference ? { reference: ctx.reference } : {}),
  };
  if (!isResponseError(err)) {
    const tls = tlsFailure(err);
    if (tls) {
      return new ConfigError({
        provider: "vault",
        cause: err,
        ...(ctx.reference ? { reference: ctx.reference } : {}),
        message: `vault: the server's TLS certificate is not trusted (${tls}) while reading ${ctx.subject}. Give Node its CA: NODE_EXTRA_CA_CERTS=/path/to/vault-ca.pem (read at start-up), or check VAULT_ADDR's host name.`,
      });
    }
    return classifyFailure(err, what);
  }
  const status = err.response.statusCode;
  const text = errorsOf(err);
  const base = {
    provider: "vault",
    cause: err,
    ...(ctx.reference ? { reference: ctx.reference } : {}),
  };
  if (status === 503 && /sealed/i.test(text)) {
    return new UnavailableError({
      ...base,
      message: `vault: the server is sealed, so ${ctx.subject} cannot be read (HTTP 503). Unseal it, or point VAULT_ADDR at an unsealed node.`,
    });
  }
  if (status === 403) {
    const at = ctx.path ? ` on "${ctx.path}"` : "";
    const need = ctx.capability ? `"${ctx.capability}"` : "the needed";
    return new AccessDeniedError({
      ...base,
      message: `vault: permission denied to ${ctx.subject} (HTTP 403): the token lacks the ${need} capability${at}, or it has expired. Add path "${ctx.path ?? "…"}" { capabilities = [${need === "the needed" ? '"read"' : need}] } to its policy.`,
    });
  }
  if (status === 400) {
    return new ProviderError({
      ...base,
      message: `vault: the server refused the request for ${ctx.subject} (HTTP 400): check the path${ctx.path ? ` "${ctx.path}"` : ""} and the mount's type.`,
    });
  }
  return classifyFailure(err, what, {
    status,
    detail: status === 503 ? "standby or rate-limited" : "",
  });
}
