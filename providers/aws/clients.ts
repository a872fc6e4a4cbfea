/**
 * AWS SDK clients, created on first use per service and region. When a role is
 * configured, Secrets Manager and SSM clients are signed with that role's STS
 * credentials, held in the client's memo (one single-flight session renewed
 * before expiry); the base credentials then only ever sign the STS call.
 * Every `send` carries the abort signal of the provider call it serves.
 */

import { AsyncLocalStorage } from "node:async_hooks";
import type { AuthClass, ProviderContext } from "../../src/provider/index.js";
import type { AwsProviderOptions, AwsService, ResolvedAwsConfig } from "./config.js";
import { issueCredentials, planStsCall } from "./credentials.js";
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

/** The abort signal of the provider call under way, for every `send` it makes. */
const callSignal = new AsyncLocalStorage<AbortSignal>();

/** Wraps a v3 client so each `send` gets the current call's `abortSignal`. */
function withCallSignal<C extends { send: (...args: never[]) => unknown }>(client: C): C {
  const send = client.send.bind(client) as (command: unknown, options?: object) => unknown;
  (client as { send: unknown }).send = (command: unknown, options?: object) => {
    const signal = callSignal.getStore();
    return send(command, signal ? { abortSignal: signal, ...options } : options);
  };
  return client;
}

/** The provider's clients, and the role session in the client's memo. */
export class AwsClients {
  readonly config: ResolvedAwsConfig;
  readonly #options: AwsProviderOptions;
  readonly #context: ProviderContext;
  readonly #clients = new Map<string, Promise<Destroyable>>();

  constructor(config: ResolvedAwsConfig, options: AwsProviderOptions, context: ProviderContext) {
    this.config = config;
    this.#options = options;
    this.#context = context;
  }

  /** Runs `fn` with `signal` as the abort signal of every SDK call it makes. */
  within<T>(signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
    return callSignal.run(signal, fn);
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
      const client = withCallSignal(
        new sdk.SecretsManagerClient({
          ...this.#base("secretsManager", r),
          ...this.#readCredentials(),
        }),
      );
      return { sdk, client, destroy: () => client.destroy() };
    });
  }

  ssm(region?: string): Promise<{ sdk: Ssm; client: InstanceType<Ssm["SSMClient"]> }> {
    const r = this.region(region);
    return this.#client(`ssm:${r ?? ""}`, async () => {
      const sdk = await loadSsm();
      const client = withCallSignal(
        new sdk.SSMClient({ ...this.#base("ssm", r), ...this.#readCredentials() }),
      );
      return { sdk, client, destroy: () => client.destroy() };
    });
  }

  /** STS is always signed with the base credentials. */
  sts(region?: string): Promise<{ sdk: Sts; client: InstanceType<Sts["STSClient"]> }> {
    const r = this.region(region);
    return this.#client(`sts:${r ?? ""}`, async () => {
      const sdk = await loadSts();
      const client = withCallSignal(new sdk.STSClient(this.#base("sts", r)));
      return { sdk, client, destroy: () => client.destroy() };
    });
  }

  /** STS signed like the secret reads (the role session when a role is configured): who reads? */
  stsAsReader(): Promise<{ sdk: Sts; client: InstanceType<Sts["STSClient"]> }> {
    if (!this.config.role) return this.sts();
    const r = this.region();
    return this.#client(`sts-reader:${r ?? ""}`, async () => {
      const sdk = await loadSts();
      const client = withCallSignal(
        new sdk.STSClient({ ...this.#base("sts", r), ...this.#readCredentials() }),
      );
      return { sdk, client, destroy: () => client.destroy() };
    });
  }

  /** IAM signed like the secret reads, to list the reader's attached policies. */
  iamAsReader(): Promise<{ sdk: Iam; client: InstanceType<Iam["IAMClient"]> }> {
    if (!this.config.role) return this.iam();
    const r = this.region() ?? "us-east-1";
    return this.#client("iam-reader", async () => {
      const sdk = await loadIam();
      const client = withCallSignal(
        new sdk.IAMClient({ ...this.#base("iam", r), ...this.#readCredentials() }),
      );
      return { sdk, client, destroy: () => client.destroy() };
    });
  }

  /** IAM, signed with the base credentials: their keys are the ones whose age matters. */
  iam(): Promise<{ sdk: Iam; client: InstanceType<Iam["IAMClient"]> }> {
    // IAM is a global service; its API lives in us-east-1 (aws partition).
    const r = this.region() ?? "us-east-1";
    return this.#client("iam", async () => {
      const sdk = await loadIam();
      const client = withCallSignal(new sdk.IAMClient(this.#base("iam", r)));
      return { sdk, client, destroy: () => client.destroy() };
    });
  }

  /**
   * The configured role's credentials, as an SDK credentials provider: issued on
   * first use and renewed before expiry by the client's memo (its
   * `cache.credentialRefreshLead`), one STS call for any number of callers.
   */
  readonly roleCredentials: AwsCredentialIdentityProvider = () => {
    const role = this.config.role;
    if (!role) return Promise.reject(new Error("no role configured"));
    return this.#context.memo(`aws:role-session:${role.roleArn}`, async (signal) => {
      const call = planStsCall({}, role);
      const { sdk, client } = await this.sts();
      // The session outlives the read that started it: only close() may abort it.
      return callSignal.run(signal, () => issueCredentials(call, sdk, client, this.region()));
    });
  };

  /**
   * What the provider authenticates with, by its root material (the chain
   * rule): the base credentials, which sign the reads or, with a role, only
   * sts:AssumeRole. Keys without a session token (an IAM user's `AKIA…`) are
   * long-lived either way. Resolved through the SDK's own memoised provider
   * (no request for static keys; the web identity or instance exchange a
   * read would make anyway otherwise).
   */
  async authClass(): Promise<AuthClass> {
    const { client } = await this.sts();
    const provider = client.config.credentials as unknown;
    let identity: AwsCredentialIdentity;
    try {
      identity = (await (
        provider as () => Promise<AwsCredentialIdentity>
      )()) as AwsCredentialIdentity;
    } catch (err) {
      return {
        class: "unknown",
        what: `AWS credentials that could not be resolved (${(err as Error)?.name ?? "error"})`,
      };
    }
    if (typeof identity.sessionToken === "string" && identity.sessionToken !== "") {
      const at = identity.expiration?.getTime();
      return {
        class: "short-lived",
        ...(at !== undefined && Number.isFinite(at) ? { expiresAt: at } : {}),
        what: "temporary AWS credentials (a session token)",
      };
    }
    const key = identity.accessKeyId.startsWith("AKIA")
      ? "a long-lived IAM user access key (AKIA…)"
      : "long-lived static access keys (no session token)";
    const role = this.config.role;
    return {
      class: "long-lived",
      what: role ? `${key}, even only to assume ${role.roleArn}` : key,
      instead:
        "get the role's session without a static key: AWS_ROLE_ARN with AWS_WEB_IDENTITY_TOKEN_FILE (EKS, CI OIDC), an instance, task or SSO role; delete the access key",
    };
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
