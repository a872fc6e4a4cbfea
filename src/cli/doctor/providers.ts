/**
 * What the doctor knows about providers, generically: which provider serves
 * which scheme, how to create one from config options, and the optional
 * methods a provider may expose for the doctor (`describe`, `identity`,
 * `accessKeyAge`). A provider without a method gets a `manual` result for
 * what that method would have verified.
 */

import type { SecretProvider, SecretsProviderInput } from "./provider-types.js";

/**
 * Built-in schemes and the provider name serving each.
 *
 * @example
 * ```ts
 * SCHEME_PROVIDER["aws-ssm"]; // "aws"
 * ```
 */
export const SCHEME_PROVIDER: Readonly<Record<string, string>> = {
  env: "env",
  "aws-sm": "aws",
  "aws-ssm": "aws",
  "gcp-sm": "gcp",
  "azure-kv": "azure",
  vault: "vault",
};

/**
 * The identity a provider authenticates as, for checks 4 and 10. Every field
 * is optional and safe to print; a provider exposes it as `identity()`.
 *
 * @example
 * ```ts
 * const id: ProviderIdentity = { principal: "arn:aws:sts::123456789012:assumed-role/api/s1", kind: "assumed-role", shortLived: true };
 * ```
 */
export interface ProviderIdentity {
  /** ARN, service-account e-mail, client id or token accessor. */
  principal?: string;
  /** For example `root`, `iam-user`, `assumed-role`, `service-account-key`, `impersonated`, `managed-identity`, `client-secret`, `token`. */
  kind?: string;
  /** True for credentials that expire by themselves (STS, impersonation, workload identity, TTL'd tokens). */
  shortLived?: boolean;
  /** When the current credentials expire. */
  expiresAt?: Date | number | string;
  /** True when the identity has administrator rights (AWS root or AdministratorAccess, Vault `root` policy). */
  admin?: boolean;
  /** Attached policies (Vault token policies, AWS managed policy names). */
  policies?: readonly string[];
  /** Token time to live in seconds (Vault). */
  ttlSeconds?: number;
  /** Whether the token can be renewed (Vault). */
  renewable?: boolean;
}

/**
 * AWS IAM access-key ages, as the AWS provider's `accessKeyAge()` returns them.
 *
 * @example
 * ```ts
 * const r: KeyAgeReport = { permitted: true, keys: [{ accessKeyId: "AKIA…WXYZ", status: "Active", ageDays: 12 }] };
 * ```
 */
export interface KeyAgeReport {
  permitted: boolean;
  reason?: string;
  userName?: string;
  keys: ReadonlyArray<{ accessKeyId: string; status: string; ageDays: number }>;
}

/**
 * A provider plus the optional doctor methods.
 *
 * @example
 * ```ts
 * const p = (await secrets.provider("aws")) as DoctorProvider;
 * if (p.accessKeyAge) await p.accessKeyAge();
 * ```
 */
export type DoctorProvider = SecretProvider & {
  identity?: (...args: unknown[]) => Promise<ProviderIdentity>;
  accessKeyAge?: () => Promise<KeyAgeReport>;
};

/**
 * Creates provider instances from the config's `providers` section: each
 * name's factory `<name>Provider(options)` is imported from the package's
 * own export `secrets-loader/providers/<name>`.
 *
 * @example
 * ```ts
 * const inputs = await providersFromConfig({ env: { dotenvPath: ".env" } });
 * ```
 */
export async function providersFromConfig(
  config: Record<string, Record<string, unknown>>,
): Promise<Record<string, SecretsProviderInput>> {
  const out: Record<string, SecretsProviderInput> = {};
  for (const [name, options] of Object.entries(config)) {
    if (!/^[a-z][a-z0-9-]*$/.test(name)) {
      throw new Error(
        `providers.${name}: a provider name is lower-case letters, digits and dashes`,
      );
    }
    let mod: Record<string, unknown>;
    try {
      mod = (await import(`secrets-loader/providers/${name}`)) as Record<string, unknown>;
    } catch {
      throw new Error(
        `providers.${name}: no provider module "secrets-loader/providers/${name}" (built-in: env, aws, gcp, azure, vault)`,
      );
    }
    const factory = mod[`${name}Provider`];
    if (typeof factory !== "function") {
      throw new Error(
        `providers.${name}: secrets-loader/providers/${name} exports no ${name}Provider()`,
      );
    }
    out[name] = (factory as (o: unknown) => SecretsProviderInput)(options);
  }
  return out;
}
