// Types for start.mjs (plain JS so `node bench/x.ts` and vitest both load it as is).

export type StandInName = "aws" | "vault" | "gcp" | "azure" | "toxiproxy" | "redis" | "postgres";

export interface AwsStandIn {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/**
 * A PostgreSQL server of the harness (PostgreSQL from Debian's packages): the Vault stand-in's
 * database, and the `postgres` stand-in. Fresh data directory per run, 127.0.0.1 only.
 */
export interface PostgresInfo {
  host: string;
  port: number;
  /** The database to connect to ("postgres"). */
  database: string;
  /** Superuser (OpenBao's database engine connects with it; tests create their own tables). */
  adminUser: string;
  adminPassword: string;
  /** postgresql://adminUser:password@127.0.0.1:PORT/postgres, for `new pg.Client(url)`. */
  url: string;
}

export interface VaultStandIn {
  /** e.g. http://127.0.0.1:PORT (plain HTTP, dev mode, unsealed). */
  address: string;
  /** Root token (random per run). */
  token: string;
  /** ACL policy that AppRole and JWT logins receive: read secret/*, kv1/*, database/creds/*. */
  policy: string;
  /** KV v2 mount ("secret"). */
  kv2Mount: string;
  /** KV v1 mount ("kv1"). */
  kv1Mount: string;
  approle: { mount: string; roleName: string; roleId: string; secretId: string };
  /** JWT auth: sign a token with privateKeyPem (ES256), iss=issuer, aud=audience, any sub. */
  jwt: {
    mount: string;
    role: string;
    issuer: string;
    audience: string;
    algorithm: "ES256";
    privateKeyPem: string;
  };
  /** Database engine: GET <mount>/creds/<role> issues a leased PostgreSQL login. */
  database: { mount: string; role: string; connectionName: string };
  postgres: PostgresInfo;
}

export interface GcpStandIn {
  host: string;
  port: number;
  projectId: string;
  /** The stand-in speaks Secret Manager's REST API only: use the client's REST fallback. */
  transport: "rest";
  protocol: "http";
  /** http://host:port */
  apiEndpoint: string;
  /** IAM Credentials impersonation stand-in: not built (optional in the contract). */
  iamEndpoint?: string;
}

/**
 * The harness's HTTPS stand-in for Entra ID and the Key Vault secrets data plane
 * (test/support/azure/server.ts): one origin, https://127.0.0.1:PORT, serves both.
 * Trust comes from a per-run CA (caFile) that the test processes get through
 * NODE_EXTRA_CA_CERTS; never turn TLS verification off.
 */
export interface AzureStandIn {
  /** Key Vault data plane: https://127.0.0.1:PORT (use disableChallengeResourceVerification). */
  vaultUrl: string;
  /** Entra authority host: same origin (use disableInstanceDiscovery). */
  authorityHost: string;
  tenantId: string;
  /** The one app registration; it has a client secret and a federated credential. */
  clientId: string;
  clientSecret: string;
  /** PEM of the per-run CA (already in NODE_EXTRA_CA_CERTS of every test process). */
  caFile: string;
  /** `iss` of the access tokens: `${authorityHost}/${tenantId}/v2.0`. */
  tokenIssuer: string;
  /** `aud` the vault requires: https://vault.azure.net. */
  vaultAudience: string;
  /** Workload identity: sign a JWT with privateKeyPem (ES256), iss=issuer, aud=audience, any sub. */
  federated: { issuer: string; audience: string; algorithm: "ES256"; privateKeyPem: string };
  /** App Service style managed identity: IDENTITY_ENDPOINT and IDENTITY_HEADER. */
  managedIdentity: { endpoint: string; header: string; objectId: string };
  /** The key that signs access tokens, for forging tokens in negative tests. */
  accessTokenSigning: { algorithm: "RS256"; kid: string; privateKeyPem: string };
  /**
   * Test hooks (header `x-stand-in-control: token`; helpers in test/support/stand-ins.ts):
   * `POST /throttle` `{ secret?, count, retryAfterSeconds }`, `POST /apps`
   * `{ lifetimeSeconds?, refreshInSeconds?, role? }` (a new app registration), `GET /stats`.
   */
  control: { url: string; token: string };
}

/** Toxiproxy's server (fault injection). Tests create proxies through its HTTP API. */
export interface ToxiproxyStandIn {
  /** The HTTP API, e.g. http://127.0.0.1:PORT (`GET /version`, `POST /proxies` ...). */
  apiUrl: string;
  /** Where proxies listen: always 127.0.0.1. */
  host: string;
}

/** Debian's redis-server, in memory only, one per run. */
export interface RedisStandIn {
  /** redis://127.0.0.1:PORT (no password, database 0). */
  url: string;
  host: string;
  port: number;
}

export interface StandInInfo {
  postgres: PostgresInfo;
  aws: AwsStandIn;
  vault: VaultStandIn;
  gcp: GcpStandIn;
  azure: AzureStandIn;
  toxiproxy: ToxiproxyStandIn;
  redis: RedisStandIn;
}

export interface RunningStandIn<N extends StandInName> {
  info: StandInInfo[N];
  stop(): Promise<void>;
}

export declare const STAND_IN_NAMES: readonly StandInName[];
export declare const TOOLS_DIR: string;

export declare class StandInUnavailableError extends Error {
  standIn: string;
  constructor(name: string, reason: string);
}

/** Why a stand-in cannot run on this machine, or undefined. */
export declare function unavailableReason(name: StandInName): string | undefined;

/** Kills processes left by a crashed earlier run (checked by pid file and command line). */
export declare function cleanLeftovers(): number;

/**
 * Starts a PostgreSQL server of its own (fresh data dir, free port, run as the `postgres` user
 * when root); `stop()` ends it by pid and removes its data. `label` names it in errors.
 */
export declare function startPostgres(label?: string): Promise<RunningStandIn<"postgres">>;

/** Starts one stand-in on a free 127.0.0.1 port, waits until ready, seeds it. */
export declare function startStandIn<N extends StandInName>(name: N): Promise<RunningStandIn<N>>;

/** Starts several in parallel; unavailable ones are listed, not thrown. */
export declare function startStandIns(names: Iterable<StandInName>): Promise<{
  info: Partial<StandInInfo>;
  unavailable: Partial<Record<StandInName, { error: string }>>;
  stop(): Promise<void>;
}>;
