/**
 * The caller's own `SecretManagerServiceClient` (from `@google-cloud/secret-manager`), used
 * as is: the provider never imports that package, it only calls `accessSecretVersion` on
 * the object it was given. Declared structurally for that reason.
 */

import { ConfigError, raceSignal } from "../../src/provider/index.js";

/**
 * The part of `SecretManagerServiceClient` the provider calls.
 *
 * @example
 * ```ts
 * const client: OfficialClient = new SecretManagerServiceClient();
 * ```
 */
export interface OfficialClient {
  accessSecretVersion(
    request: { name: string },
    options?: { timeout?: number },
  ): Promise<
    [
      {
        name?: string | null;
        payload?: { data?: Uint8Array | string | null; dataCrc32c?: unknown } | null;
      },
      ...unknown[],
    ]
  >;
  getProjectId?(): Promise<string>;
  close?(): Promise<void>;
}

/**
 * The injected client, checked to be one (an object with `accessSecretVersion`).
 *
 * @example
 * ```ts
 * const client = officialClient(options.client);
 * ```
 * @internal
 */
export function officialClient(client: unknown): OfficialClient {
  if (
    !client ||
    typeof client !== "object" ||
    typeof (client as OfficialClient).accessSecretVersion !== "function"
  ) {
    throw new ConfigError({
      provider: "gcp",
      message:
        "gcp: gcpProvider({ client }) takes a SecretManagerServiceClient from @google-cloud/secret-manager (an object with accessSecretVersion).",
    });
  }
  return client as OfficialClient;
}

/**
 * Reads one version through the official client: its name and payload bytes.
 *
 * @example
 * ```ts
 * const { data } = await accessWithOfficial(client, "projects/p/secrets/s/versions/1", signal);
 * ```
 * @internal
 */
export async function accessWithOfficial(
  client: OfficialClient,
  name: string,
  signal: AbortSignal,
): Promise<{ name?: string; data: Uint8Array; dataCrc32c?: unknown }> {
  signal.throwIfAborted();
  // The official client takes no abort signal: the call runs on, its answer is dropped.
  const [answer] = await raceSignal(client.accessSecretVersion({ name }), signal);
  const data = answer.payload?.data;
  const bytes =
    typeof data === "string"
      ? new Uint8Array(Buffer.from(data, "base64"))
      : (data ?? new Uint8Array());
  return {
    ...(answer.name ? { name: answer.name } : {}),
    data: new Uint8Array(bytes),
    ...(answer.payload?.dataCrc32c !== undefined && answer.payload?.dataCrc32c !== null
      ? { dataCrc32c: answer.payload.dataCrc32c }
      : {}),
  };
}
