/**
 * Azure SDK errors -> the core's typed errors. The SDK error is kept as
 * `cause`; messages name the vault and the secret, and the service's error
 * code, never anything of a value.
 */

import {
  AccessDeniedError,
  ConfigError,
  classifyFailure,
  NotFoundError,
  networkFailure,
  SecretsError,
  UnavailableError,
} from "../../src/provider/index.js";

interface RestErrorLike {
  name?: string;
  code?: string;
  statusCode?: number;
  message?: string;
  details?: { error?: { code?: string; innererror?: { code?: string } } };
  errorResponse?: { error?: string; errorDescription?: string };
  errors?: unknown[];
}

const TLS_CODES =
  /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT|UNABLE_TO_GET_ISSUER_CERT|CERT_HAS_EXPIRED|ERR_TLS_CERT_ALTNAME_INVALID|DEPTH_ZERO_SELF_SIGNED_CERT/;

function tlsFailure(err: unknown): string | undefined {
  for (let e: unknown = err, i = 0; e && typeof e === "object" && i < 6; i++) {
    const x = e as { code?: string; message?: string; cause?: unknown };
    const m = TLS_CODES.exec(`${x.code ?? ""} ${x.message ?? ""}`);
    if (m) return m[0];
    e = x.cause;
  }
  return undefined;
}

/** The inner error code of a Key Vault error (`SecretDisabled`, `ForbiddenByRbac` …). */
function innerCode(e: RestErrorLike): string | undefined {
  return e.details?.error?.innererror?.code;
}

/**
 * Maps an error of a Key Vault read (or of getting its token) to a typed error.
 *
 * @internal
 */
export function toAzureError(
  err: unknown,
  what: {
    subject: string;
    vault?: string;
    reference?: string;
    /** Found among the vault's deleted secrets after a 404. */
    softDeleted?: { purgeOn?: Date };
  },
): SecretsError {
  const subject = what.subject;
  const where = what.vault ? `vault ${what.vault}` : "the Entra ID endpoint";
  const ref = what.reference ? { reference: what.reference } : {};
  if (SecretsError.is(err)) return classifyFailure(err, { provider: "azure", subject, ...ref });
  const e = (err ?? {}) as RestErrorLike;
  const base = { provider: "azure", cause: err, ...ref };
  const inner = innerCode(e);
  if (e.statusCode === 403 && (inner === "SecretDisabled" || /disabled/i.test(e.message ?? ""))) {
    return new AccessDeniedError({
      ...base,
      message: `azure: ${subject} is disabled (Forbidden, SecretDisabled, HTTP 403). Enable it (az keyvault secret set-attributes --enabled true) or stop referencing it.`,
    });
  }
  if (e.statusCode === 401 || e.statusCode === 403) {
    return new AccessDeniedError({
      ...base,
      message: `azure: access denied to ${subject} (${[e.code, inner].filter(Boolean).join(", ") || "no code"}, HTTP ${e.statusCode}). Give the identity the "Key Vault Secrets User" role on the vault or the secret.`,
    });
  }
  // Credential failures: Entra refused the app, or no link of the chain could sign in.
  if (e.name === "AuthenticationError" || e.name === "AggregateAuthenticationError") {
    const code = e.errorResponse?.error;
    return new AccessDeniedError({
      ...base,
      message: `azure: Entra ID refused to issue a token for ${subject}${code ? ` (${code})` : ""}. Check the tenant, the client id and the identity's credential.`,
    });
  }
  if (e.name === "CredentialUnavailableError") {
    return new ConfigError({
      ...base,
      message: `azure: no Azure identity is available for ${subject}. Set AZURE_FEDERATED_TOKEN_FILE (workload identity), run with a managed identity, sign in with az login, or pass azureProvider({ credential }).`,
    });
  }
  if (e.statusCode === 404 && what.softDeleted) {
    const until = what.softDeleted.purgeOn
      ? ` until ${what.softDeleted.purgeOn.toISOString()}`
      : "";
    return new NotFoundError({
      ...base,
      message: `azure: ${subject} is soft-deleted (SecretNotFound, HTTP 404), and recoverable${until}: az keyvault secret recover, or stop referencing it.`,
    });
  }
  const tls = tlsFailure(err);
  if (tls) {
    return new UnavailableError({
      ...base,
      message: `azure: the TLS certificate of ${where} is not trusted (${tls}). If it is signed by a private CA, add that CA with NODE_EXTRA_CA_CERTS; never turn verification off.`,
    });
  }
  if (
    e.statusCode === undefined &&
    networkFailure(err) === undefined &&
    e.code &&
    /^E[A-Z]+$/.test(e.code)
  ) {
    return new UnavailableError({
      ...base,
      message: `azure: could not reach ${where} for ${subject} (${e.code}). Check the network and the vault URL, then retry.`,
    });
  }
  return classifyFailure(
    err,
    { provider: "azure", subject, ...ref },
    e.statusCode !== undefined
      ? { status: e.statusCode, ...(e.code ? { detail: e.code } : {}) }
      : {},
  );
}
