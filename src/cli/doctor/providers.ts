/**
 * What the doctor knows about providers, generically: which provider serves
 * which scheme, how to create one from config options, and the optional
 * methods a provider may expose for the doctor (`describe`, `identity`,
 * `accessKeyAge`). A provider without a method gets a `manual` result for
 * what that method would have verified.
 */

import type { ProviderIdentity, SecretProvider, SecretsProviderInput } from "./provider-types.js";

/**
 * Built-in schemes and the provider name serving each.
 */
export const SCHEME_PROVIDER: Readonly<Record<string, string>> = {
  env: "env",
  "aws-sm": "aws",
  "aws-ssm": "aws",
  "gcp-sm": "gcp",
  "azure-kv": "azure",
  vault: "vault",
};

export type { ProviderIdentity };

/**
 * AWS IAM access-key ages, as the AWS provider's `accessKeyAge()` returns them.
 */
export interface KeyAgeReport {
  permitted: boolean;
  reason?: string;
  userName?: string;
  keys: ReadonlyArray<{ accessKeyId: string; status: string; ageDays: number }>;
}

/**
 * A provider plus the optional doctor methods.
 */
export type DoctorProvider = SecretProvider & {
  identity?: () => Promise<ProviderIdentity>;
  accessKeyAge?: () => Promise<KeyAgeReport>;
};

/**
 * Creates provider instances from the config's `providers` section: each
 * name's factory `<name>Provider(options)` is imported from the package's
 * own export `secrets-loader/providers/<name>`.
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
