/**
 * Seeding for the Azure provider's tests: the official SecretClient (the stand-in's default
 * app registration may write), distinctive fake values and unique names.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { ClientSecretCredential } from "@azure/identity";
import { SecretClient } from "@azure/keyvault-secrets";
import { azureProvider } from "../../../../providers/azure/index.js";
import type { AzureProviderOptions } from "../../../../providers/azure/types.js";
import { type AzureStandIn, standIn } from "../../../support/stand-ins.js";

/** A distinctive fake value, built at run time (the repo's leak scanner reads test files). */
export const fakeValue = (what = "kv") => `${what}_${"fake"}_${randomBytes(12).toString("hex")}`;
/** A secret name unique to this run. */
export const uniqueName = (what: string) => `${what}-${randomUUID().slice(0, 8)}`;

let seeder: SecretClient | undefined;

/** The official client, for seeding (not the code under test). */
export function seedClient(azure: AzureStandIn = standIn("azure")): SecretClient {
  seeder ??= new SecretClient(
    azure.vaultUrl,
    new ClientSecretCredential(azure.tenantId, azure.clientId, azure.clientSecret, {
      authorityHost: azure.authorityHost,
      disableInstanceDiscovery: true,
    }),
    { disableChallengeResourceVerification: true },
  );
  return seeder;
}

/** Sets a secret (with attributes) and returns its version. */
export async function putSecret(
  name: string,
  value: string,
  attributes: { enabled?: boolean; expiresOn?: Date; notBefore?: Date; contentType?: string } = {},
): Promise<string> {
  return (await seedClient().setSecret(name, value, attributes)).properties.version as string;
}

/**
 * The provider's options for the stand-in with a client secret: every vault name maps to
 * `vaultUrl`, and the two checks a stand-in cannot pass are turned off explicitly.
 */
export function standInOptions(
  extra: AzureProviderOptions = {},
  azure: AzureStandIn = standIn("azure"),
): AzureProviderOptions {
  return {
    tenantId: azure.tenantId,
    clientId: azure.clientId,
    clientSecret: azure.clientSecret,
    authorityHost: azure.authorityHost,
    azureCli: false,
    vaultUrlTemplate: azure.vaultUrl,
    disableChallengeResourceVerification: true,
    disableInstanceDiscovery: true,
    maxRetries: 1,
    ...extra,
  };
}

/** The provider against the stand-in (see {@link standInOptions}). */
export const standInProvider = (extra: AzureProviderOptions = {}) =>
  azureProvider(standInOptions(extra));
