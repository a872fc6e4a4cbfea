/**
 * AWS SDK clients, created on first use per service and region. When a role is
 * configured, Secrets Manager and SSM clients are signed with that role's STS
 * credentials (one memoised, single-flight session); the base credentials
 * then only ever sign the STS call.
 */

import { PolicyViolationError } from "../../src/errors.js";
import type { FetchContext, IssuedCredentials } from "../../src/types.js";
import type { AwsProviderOptions, AwsService, ResolvedAwsConfig } from "./config.js";
import { issueCredentials, planStsCall, REFRESH_BEFORE_MS } from "./credentials.js";
import { loadIam, loadSecretsManager, loadSsm, loadSts } from "./sdk.js";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "./types.js";

type Sm = Awaited<ReturnType<typeof loadSecretsManager>>;
type Ssm = Awaited<ReturnType<typeof loadSsm>>;
type Sts = Awaited<ReturnType<typeof loadSts>>;
type Iam = Awaited<ReturnType<typeof loadIam>>;

/** Anything with `destroy()`, as every v3 client has. */
interface Destroyable {
  destroy(): void;
}

/**
 * The provider's clients. `ctx` is remembered from the last provider call so
 * that role renewals triggered by the SDK itself still reach the event log.
 */
export class AwsClients {
  readonly config: ResolvedAwsConfig;
  readonly #options: AwsProviderOptions;
  readonly #clients = new Map<string, Promise<Destroyable>>();
  #ctx: FetchContext | undefined;
  #role:
    | { identity: AwsCredentialIdentity; issued: IssuedCredentials; issuedAt: number }
    | undefined;
  #rolePending: Promise<AwsCredentialIdentity> | undefined;

  constructor(config: ResolvedAwsConfig, options: AwsProviderOptions) {
    this.config = config;
    this.#options = options;
  }

  /** Remembers the latest context, for events from SDK-driven role renewals. */
  use(ctx: FetchContext): void {
    this.#ctx = ctx;
  }

  /** The region a call goes to: the reference's, else the provider's (else the SDK's own resolution). */
  region(override?: string): string | undefined {
    return override ?? this.config.region;
  }

  #base(service: AwsService, region: string | undefined): Record<string, unknown> {
    const endpoint = this.config.endpoints[service];
    return {
      ...this.#options.clientConfig,
      ...(region ? { region } : {}),
      ...(endpoint ? { endpoint } : {}),
      ...(this.config.profile ? { profile: this.config.profile } : {}),
      ...(this.#options.credentials ? { credentials: this.#options.credentials } : {}),
      maxAttempts: this.config.maxAttempts,
      retryMode: "standard",
    };
  }

  #client<C extends Destroyable>(key: string, make: () => Promise<C>): Promise<C> {
    let p = this.#clients.get(key) as Promise<C> | undefined;
    if (!p) {
      p = make();
      this.#clients.set(key, p);
      p.catch(() => this.#clients.delete(key));
    }
    return p;
  }

  /** Credentials for secret reads: the role session when a role is configured. */
  #readCredentials(): Record<string, unknown> {
    return this.config.role ? { credentials: this.roleCredentials } : {};
  }

  secretsManager(
    region?: string,
  ): Promise<{ sdk: Sm; client: InstanceType<Sm["SecretsManagerClient"]> }> {
    const r = this.region(region);
    return this.#client(`sm:${r ?? ""}`, async () => {
      const sdk = await loadSecretsManager();
      const client = new sdk.SecretsManagerClient({
        ...this.#base("secretsManager", r),
        ...this.#readCredentials(),
      });
      return { sdk, client, destroy: () => client.destroy() };
    });
  }

  ssm(region?: string): Promise<{ sdk: Ssm; client: InstanceType<Ssm["SSMClient"]> }> {
    const r = this.region(region);
    return this.#client(`ssm:${r ?? ""}`, async () => {
      const sdk = await loadSsm();
      const client = new sdk.SSMClient({ ...this.#base("ssm", r), ...this.#readCredentials() });
      return { sdk, client, destroy: () => client.destroy() };
    });
  }

  /** STS is always signed with the base credentials. */
  sts(region?: string): Promise<{ sdk: Sts; client: InstanceType<Sts["STSClient"]> }> {
    const r = this.region(region);
    return this.#client(`sts:${r ?? ""}`, async () => {
      const sdk = await loadSts();
      const client = new sdk.STSClient(this.#base("sts", r));
      return { sdk, client, destroy: () => client.destroy() };
    });
  }

  /** STS signed like the secret reads (the role session when a role is configured): who reads? */
  stsAsReader(): Promise<{ sdk: Sts; client: InstanceType<Sts["STSClient"]> }> {
    if (!this.config.role) return this.sts();
    const r = this.region();
    return this.#client(`sts-reader:${r ?? ""}`, async () => {
      const sdk = await loadSts();
      const client = new sdk.STSClient({ ...this.#base("sts", r), ...this.#readCredentials() });
      return { sdk, client, destroy: () => client.destroy() };
    });
  }

  /** IAM signed like the secret reads, to list the reader's attached policies. */
  iamAsReader(): Promise<{ sdk: Iam; client: InstanceType<Iam["IAMClient"]> }> {
    if (!this.config.role) return this.iam();
    const r = this.region() ?? "us-east-1";
    return this.#client("iam-reader", async () => {
      const sdk = await loadIam();
      const client = new sdk.IAMClient({ ...this.#base("iam", r), ...this.#readCredentials() });
      return { sdk, client, destroy: () => client.destroy() };
    });
  }

  /** IAM, signed with the base credentials: their keys are the ones whose age matters. */
  iam(): Promise<{ sdk: Iam; client: InstanceType<Iam["IAMClient"]> }> {
    // IAM is a global service; its API lives in us-east-1 (aws partition).
    const r = this.region() ?? "us-east-1";
    return this.#client("iam", async () => {
      const sdk = await loadIam();
      const client = new sdk.IAMClient(this.#base("iam", r));
      return { sdk, client, destroy: () => client.destroy() };
    });
  }

  /**
   * The configured role's credentials, as an SDK credentials provider: issued on
   * first use, renewed 5 minutes (at most half their life) before expiry, one
   * STS call for any number of concurrent callers.
   */
  readonly roleCredentials: AwsCredentialIdentityProvider = async () => {
    const held = this.#role;
    if (held) {
      const expiresAt = held.issued.expiresAt ?? Number.POSITIVE_INFINITY;
      // Same rule as the core's cache: 5 minutes early, but never before half the life.
      const lead = Math.min(REFRESH_BEFORE_MS, (expiresAt - held.issuedAt) / 2);
      if (Date.now() < expiresAt - lead) return held.identity;
    }
    this.#rolePending ??= this.#issueRole().finally(() => {
      this.#rolePending = undefined;
    });
    return this.#rolePending;
  };

  async #issueRole(): Promise<AwsCredentialIdentity> {
    const role = this.config.role;
    if (!role) throw new Error("no role configured");
    const started = Date.now();
    const call = planStsCall({}, role);
    const { sdk, client } = await this.sts();
    const issued = await issueCredentials(call, sdk, client, this.region());
    const action = this.#role ? "renewed" : "issued";
    this.#role = { identity: issued.value, issued, issuedAt: started };
    this.#ctx?.emit({
      type: "credentials",
      action,
      time: Date.now(),
      provider: "aws",
      reference: `aws:role-session:${role.roleArn}`,
      ...(issued.version ? { version: issued.version } : {}),
      ...(issued.expiresAt !== undefined ? { expiresAt: issued.expiresAt } : {}),
      durationMs: Date.now() - started,
    });
    return issued.value;
  }

  /**
   * `policy.requireShortLived`: refuses a read signed directly with long-lived
   * keys (no session token, such as an IAM user's `AKIA…` key). With a role
   * configured the read uses STS credentials and always passes.
   */
  async assertShortLived(
    ctx: FetchContext,
    client: { config: { credentials?: unknown } },
    reference: string,
  ): Promise<void> {
    if (!ctx.policy.requireShortLived || this.config.role) return;
    const provider = client.config.credentials;
    if (typeof provider !== "function") return;
    let identity: AwsCredentialIdentity;
    try {
      identity = (await provider()) as AwsCredentialIdentity;
    } catch {
      return; // No credentials at all: the read itself reports it.
    }
    if (identity.sessionToken) return;
    const kind = identity.accessKeyId.startsWith("AKIA")
      ? "a long-lived IAM user access key (AKIA…)"
      : "long-lived static access keys (no session token)";
    throw new PolicyViolationError({
      provider: "aws",
      reference,
      message:
        `aws: policy.requireShortLived refuses to read ${reference} with ${kind} used directly. ` +
        "Fix: read with a role's short-lived STS credentials instead: set AWS_ROLE_ARN (with AWS_WEB_IDENTITY_TOKEN_FILE on EKS or CI OIDC) " +
        "or awsProvider({ roleArn }), so the key only calls sts:AssumeRole; or run with an instance, task or SSO role.",
    });
  }

  /** Destroys every client (closes sockets). */
  async close(): Promise<void> {
    const all = [...this.#clients.values()];
    this.#clients.clear();
    for (const p of all) {
      try {
        (await p).destroy();
      } catch {
        // A client that failed to load has nothing to close.
      }
    }
  }
}
