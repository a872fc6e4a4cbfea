/**
 * The one place the rotation runner reaches the client's AWS provider: its
 * Secrets Manager client (credentials, region, endpoint, retries) under the
 * client's deadline. Everything else in rotation/ goes through this function,
 * so a change to the provider contract is one edit here.
 */

import { ConfigError, type Secrets } from "../../../src/provider/index.js";
import type { AwsClients } from "../clients.js";

/** The Secrets Manager SDK module and a client signed like the provider's reads. */
export type SecretsManagerHandle = Awaited<ReturnType<AwsClients["secretsManager"]>>;

/**
 * Runs `fn` with the Secrets Manager client of the provider registered as
 * `providerName`, for `region` (the provider's own when undefined). The call
 * gets the client's deadline: past it the SDK call is aborted.
 */
export function withSecretsManager<T>(
  secrets: Secrets,
  providerName: string,
  region: string | undefined,
  fn: (sm: SecretsManagerHandle) => Promise<T>,
): Promise<T> {
  return secrets.withProvider(providerName, async (provider, call) => {
    const clients = (provider as { clients?: AwsClients }).clients;
    if (!clients || typeof clients.secretsManager !== "function") {
      throw new ConfigError({
        provider: providerName,
        message: `rotateSecret: the provider "${providerName}" was not made by awsProvider(), so it has no Secrets Manager client. Fix: register awsProvider() under that name, or pass { provider: "<its name>" }.`,
      });
    }
    return clients.within(call.signal, async () => fn(await clients.secretsManager(region)));
  });
}
