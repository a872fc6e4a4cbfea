/**
 * The `azure` provider's code: `azure-kv://<vault>/<secret>[/<version>]`
 * through `@azure/keyvault-secrets` (one `SecretClient` per vault), Entra ID
 * tokens through `@azure/identity` (or the caller's own credential) held in
 * the client's memo, and `getCredentials("azure", { scopes })`.
 */

import type { SecretClient } from "@azure/keyvault-secrets";
import {
  type AuthClass,
  type CallContext,
  ConfigError,
  concurrencyOption,
  ExpiredError,
  type Issued,
  type ParsedRef,
  type ProviderContext,
  type ProviderIdentity,
  type ProviderOperations,
  raceSignal,
  readEach,
  type SecretMetadata,
} from "../../src/provider/index.js";
import { classifyAzureChain, classifyAzureCredential } from "./auth-class.js";
import {
  type AzureChainLink,
  azureSettings,
  type BuiltChain,
  buildChain,
  chainLinks,
} from "./chain.js";
import { toAzureError } from "./errors.js";
import { loadIdentity, loadKeyVaultSecrets } from "./sdk.js";
import type {
  AzureAccessToken,
  AzureCredentials,
  AzureCredentialsRequest,
  AzureProviderOptions,
  AzureTokenCredential,
} from "./types.js";

/**
 * The Azure provider instance (`await secrets.provider("azure")`).
 *
 * @example
 * ```ts
 * const azure = (await secrets.provider("azure")) as AzureProvider;
 * const blob = new BlobServiceClient(url, azure.tokenCredential());
 * ```
 */
export interface AzureProvider extends ProviderOperations {
  /**
   * A `TokenCredential` for any Azure SDK client, backed by the provider's
   * memo: one token request per scope for any number of callers.
   */
  tokenCredential(): AzureTokenCredential;
  /** The links of the credential chain, in order (empty with a credential of your own). */
  chain(): Promise<readonly AzureChainLink[]>;
  /**
   * Who the provider signs in as, from a Key Vault token (obtained through the
   * memo): the app or managed identity id, and the chain link that issued it.
   */
  identity(call?: CallContext): Promise<ProviderIdentity>;
  /**
   * The secrets `describe()` found with no `expiresOn`, as `secret "<name>" in vault
   * <vault>` (names only, never values): the doctor's `rotation` check warns about each.
   *
   * @example
   * ```ts
   * await secrets.describe("azure-kv://acme-kv/stripe-key");
   * azure.describedWithoutExpiry(); // ['secret "stripe-key" in vault acme-kv']
   * ```
   */
  describedWithoutExpiry(): readonly string[];
}

const DEFAULT_TEMPLATE = "https://{name}.vault.azure.net";
const VAULT_SCOPE = "https://vault.azure.net/.default";
const KIND: Record<AzureChainLink, string> = {
  workloadIdentity: "workload-identity",
  managedIdentity: "managed-identity",
  azureCli: "azure-cli",
  clientSecret: "client-secret",
};

function scopeList(scopes: unknown): string[] {
  const list = typeof scopes === "string" ? [scopes] : Array.isArray(scopes) ? scopes : [];
  const ok = list.filter((s): s is string => typeof s === "string" && s !== "");
  if (ok.length === 0 || ok.length !== list.length) {
    throw new ConfigError({
      provider: "azure",
      message:
        'azure: getCredentials("azure", request) needs { scopes }, such as { scopes: "https://management.azure.com/.default" }.',
    });
  }
  return ok;
}

function credentialsRequest(request: unknown): { scopes: string[]; tenantId?: string } {
  const r = (request ?? {}) as Partial<AzureCredentialsRequest>;
  const scopes = scopeList(r.scopes);
  return typeof r.tenantId === "string" && r.tenantId
    ? { scopes, tenantId: r.tenantId }
    : { scopes };
}

/**
 * The vault URL for a reference's vault part: a name through the template, a host as given.
 *
 * @example
 * ```ts
 * vaultUrl("acme-kv"); // "https://acme-kv.vault.azure.net"
 * vaultUrl("kv.example.net"); // "https://kv.example.net"
 * ```
 */
export function vaultUrl(vault: string, template: string = DEFAULT_TEMPLATE): string {
  return vault.includes(".") || vault.includes(":") || vault === "localhost"
    ? `https://${vault}`
    : template.replaceAll("{name}", vault);
}

/** When a secret is outside its validity window, why (from its attributes). */
function outsideWindow(
  props: { notBefore?: Date; expiresOn?: Date },
  now: number,
): string | undefined {
  if (props.notBefore && props.notBefore.getTime() > now) {
    return `is not valid before ${props.notBefore.toISOString()} (its notBefore)`;
  }
  if (props.expiresOn && props.expiresOn.getTime() <= now) {
    return `expired at ${props.expiresOn.toISOString()} (its expiresOn)`;
  }
  return undefined;
}

/**
 * Creates the Azure provider for a client (the descriptor's `create`).
 *
 * @example
 * ```ts
 * const provider = await createAzureProvider(context, { vaultUrlTemplate: "https://{name}.vault.usgovcloudapi.net" });
 * ```
 */
/** Content types of PEM secrets (certificates and keys stored as PEM text). */
const PEM_TYPE = /^application\/x-pem-file\b|\bpem\b/i;

export async function createAzureProvider(
  context: ProviderContext,
  options: AzureProviderOptions = {},
): Promise<AzureProvider> {
  const settings = azureSettings(options);
  const template = options.vaultUrlTemplate ?? DEFAULT_TEMPLATE;
  const clients = new Map<string, Promise<SecretClient>>();
  const withoutExpiry = new Set<string>();
  let chain: Promise<BuiltChain> | undefined;

  /** The credential behind the tokens, built once (a failed build is retried next time). */
  function credential() {
    if (!chain) {
      chain = options.credential
        ? Promise.resolve({ credential: options.credential, links: [], used: () => undefined })
        : loadIdentity().then((identity) => buildChain(identity, settings));
      chain.catch(() => {
        chain = undefined;
      });
    }
    return chain;
  }

  /** One token request through the credential, as the kit's `Issued`. */
  async function issueToken(
    scopes: string[],
    tenantId: string | undefined,
    signal: AbortSignal,
  ): Promise<Issued<AzureAccessToken>> {
    const { credential: cred } = await credential();
    const t = await cred.getToken(scopes, {
      abortSignal: signal,
      ...(tenantId ? { tenantId } : {}),
    });
    if (!t) {
      throw new ConfigError({
        provider: "azure",
        message: `azure: the credential returned no token for ${scopes.join(" ")}.`,
      });
    }
    const value: AzureAccessToken = {
      token: t.token,
      expiresOnTimestamp: t.expiresOnTimestamp,
      ...(t.refreshAfterTimestamp ? { refreshAfterTimestamp: t.refreshAfterTimestamp } : {}),
      ...(t.tokenType ? { tokenType: t.tokenType } : {}),
    };
    return {
      value,
      expiresAt: t.expiresOnTimestamp,
      ...(t.refreshAfterTimestamp ? { refreshAt: t.refreshAfterTimestamp } : {}),
    };
  }

  /**
   * A token from the memo: one request per (tenant, scopes) for any number of
   * concurrent callers (@azure/identity does not merge concurrent cold calls).
   */
  function token(scopes: string[], tenantId?: string): Promise<AzureAccessToken> {
    // SecretClient passes the tenant named by the vault's challenge; when that is the
    // configured tenant, it is the same token as getCredentials() without one: one entry.
    const tenant = tenantId && tenantId !== settings.tenantId ? tenantId : undefined;
    const key = `token ${[...scopes].sort().join(" ")}${tenant ? ` tenant ${tenant}` : ""}`;
    return context.memo<AzureAccessToken>(key, (signal) => issueToken(scopes, tenant, signal));
  }

  const memoCredential: AzureTokenCredential = {
    getToken: (scopes, opts) =>
      token(typeof scopes === "string" ? [scopes] : scopes, opts?.tenantId),
  };

  /** One SecretClient per vault URL. */
  function clientFor(url: string): Promise<SecretClient> {
    let c = clients.get(url);
    if (!c) {
      c = loadKeyVaultSecrets().then(
        ({ SecretClient }) =>
          new SecretClient(url, memoCredential, {
            ...(options.disableChallengeResourceVerification
              ? { disableChallengeResourceVerification: true }
              : {}),
            retryOptions: { maxRetries: options.maxRetries ?? 3 },
          }),
      );
      clients.set(url, c);
      c.catch(() => clients.delete(url));
    }
    return c;
  }

  /**
   * After a 404, whether the secret is soft-deleted (and when it is purged), when the
   * identity may read deleted secrets; "Key Vault Secrets User" may not, and then the
   * answer is a plain NotFound.
   */
  async function softDeleted(
    err: unknown,
    vault: string,
    name: string,
    signal: AbortSignal,
  ): Promise<{ purgeOn?: Date } | undefined> {
    if ((err as { statusCode?: number } | null)?.statusCode !== 404 || signal.aborted) {
      return undefined;
    }
    try {
      const client = await clientFor(vaultUrl(vault, template));
      const d = await client.getDeletedSecret(name, { abortSignal: signal });
      return d.properties.scheduledPurgeDate ? { purgeOn: d.properties.scheduledPurgeDate } : {};
    } catch {
      return undefined;
    }
  }

  async function read(ref: ParsedRef, call: CallContext): Promise<Issued> {
    const [vault = "", name = "", version] = ref.path.split("/");
    const label = version ? `${name}/${version}` : name;
    const what = { vault, subject: `secret "${label}" in vault ${vault}`, reference: ref.raw };
    let secret: Awaited<ReturnType<SecretClient["getSecret"]>>;
    try {
      const client = await clientFor(vaultUrl(vault, template));
      secret = await client.getSecret(name, {
        abortSignal: call.signal,
        ...(version ? { version } : {}),
      });
    } catch (err) {
      const deleted = await softDeleted(err, vault, name, call.signal);
      throw toAzureError(err, { ...what, ...(deleted ? { softDeleted: deleted } : {}) });
    }
    const p = secret.properties;
    const why = outsideWindow(p, Date.now());
    if (why) {
      throw new ExpiredError({
        provider: "azure",
        reference: ref.raw,
        message: `azure: ${what.subject} ${why}; the service still returns it, the provider does not. Set a new version or update its attributes.`,
      });
    }
    if (secret.value === undefined) {
      throw toAzureError(new Error("the secret has no value"), what);
    }
    return {
      // A PEM (by its content type) is text that is also bytes: as bytes it is
      // the PEM itself, not base64 to decode. Other values stay text.
      value: PEM_TYPE.test(p.contentType ?? "")
        ? new TextEncoder().encode(secret.value)
        : secret.value,
      ...(p.version ? { version: p.version } : {}),
      ...(p.expiresOn ? { expiresAt: p.expiresOn.getTime() } : {}),
    };
  }

  const concurrency = concurrencyOption("azure", options.concurrency, 8);

  return {
    /**
     * An injected credential by what it holds; the own chain by a configured
     * client secret, else by the link that issued the token (one token
     * request through the memo, the one the reads use next).
     */
    async authClass(): Promise<AuthClass> {
      if (options.credential) return classifyAzureCredential(options.credential);
      if (chainLinks(settings).includes("clientSecret"))
        return classifyAzureChain(["clientSecret"], undefined);
      const t = await token([VAULT_SCOPE]);
      const chain = await credential();
      return classifyAzureChain(chain.links, chain.used(), t.expiresOnTimestamp);
    },

    getSecret: read,

    // Key Vault has no batch read.
    getSecrets: (refs, call) => readEach(refs, call, read, concurrency),

    async describe(ref: ParsedRef, call: CallContext): Promise<SecretMetadata> {
      // Key Vault has no metadata-only read for one secret: the value is read and dropped.
      const [vault = "", name = "", version] = ref.path.split("/");
      let p: Awaited<ReturnType<SecretClient["getSecret"]>>["properties"];
      try {
        const client = await clientFor(vaultUrl(vault, template));
        p = (
          await client.getSecret(name, {
            abortSignal: call.signal,
            ...(version ? { version } : {}),
          })
        ).properties;
      } catch (err) {
        throw toAzureError(err, {
          vault,
          subject: `secret "${name}" in vault ${vault}`,
          reference: ref.raw,
        });
      }
      const last = p.updatedOn ?? p.createdOn;
      if (!p.expiresOn) withoutExpiry.add(`secret "${name}" in vault ${vault}`);
      return {
        ...(last ? { lastChanged: last.getTime() } : {}),
        ...(p.expiresOn ? { expiresAt: p.expiresOn.getTime() } : {}),
        details: {
          version: p.version,
          enabled: p.enabled,
          expiresOn: p.expiresOn ? p.expiresOn.toISOString() : "none",
        },
      };
    },

    async getCredentials(request: unknown, call: CallContext): Promise<Issued<AzureCredentials>> {
      // Through the memo entry the SecretClients use for the same scope: one token request
      // serves both (the memo runs under the client's own deadline, not this call's signal).
      const { scopes, tenantId } = credentialsRequest(request);
      let t: AzureAccessToken;
      try {
        t = await raceSignal(token(scopes, tenantId), call.signal);
      } catch (err) {
        throw toAzureError(err, { subject: `a token for ${scopes.join(" ")}` });
      }
      return {
        value: { ...t, expiresAt: t.expiresOnTimestamp },
        expiresAt: t.expiresOnTimestamp,
        ...(t.refreshAfterTimestamp ? { refreshAt: t.refreshAfterTimestamp } : {}),
      };
    },

    credentialsLabel(request: unknown): string {
      try {
        return `azure:${credentialsRequest(request).scopes.join(" ")}`;
      } catch {
        return "azure:token";
      }
    },

    tokenCredential: () => memoCredential,

    describedWithoutExpiry: () => [...withoutExpiry],

    async chain() {
      return (await credential()).links;
    },

    async identity(): Promise<ProviderIdentity> {
      const t = await token([VAULT_SCOPE]);
      const link = (await credential()).used();
      let claims: { appid?: string; azp?: string; oid?: string } = {};
      try {
        // Only the payload's ids are read, for display; the token itself is never shown.
        claims = JSON.parse(Buffer.from(t.token.split(".")[1] ?? "", "base64url").toString());
      } catch {
        // An opaque token: no principal to show.
      }
      const principal = claims.appid ?? claims.azp ?? claims.oid;
      return {
        ...(principal ? { principal } : {}),
        ...(link ? { kind: KIND[link] } : {}),
        // Settings alone prove nothing: only a token obtained through a short-lived link passes.
        ...(link === "workloadIdentity" || link === "managedIdentity" ? { shortLived: true } : {}),
        ...(link === "clientSecret" ? { shortLived: false } : {}),
        expiresAt: t.expiresOnTimestamp,
      };
    },

    async close() {
      clients.clear();
    },
  };
}
