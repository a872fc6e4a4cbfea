/**
 * A secret version's payload as the provider hands it to the core: the raw bytes (so
 * `type: "binary"` is the payload itself, and text and `#field` are decoded from it),
 * after the CRC32C check. Secret Manager always sends `dataCrc32c`, so an answer without
 * it (missing, `null` or `""`: stripped or forged on the way) is refused, unless the
 * provider was told that its endpoint sends none (`endpointSendsChecksum: false`).
 */

import { crc32c } from "@aws-crypto/crc32c";
import { ConfigError, ProviderError } from "../../src/provider/index.js";

/**
 * Whether answers must carry `dataCrc32c`: the `endpointSendsChecksum` option (default
 * true), checked by type.
 *
 * @example
 * ```ts
 * const required = checksumRequired({ endpointSendsChecksum: false }); // false
 * ```
 * @internal
 */
export function checksumRequired(options: { endpointSendsChecksum?: unknown }): boolean {
  const v = options.endpointSendsChecksum;
  if (v === undefined) return true;
  if (typeof v !== "boolean") {
    throw new ConfigError({
      provider: "gcp",
      message: `gcp: endpointSendsChecksum must be true or false (got ${v === null ? "null" : typeof v}). Set it to false only for an endpoint that sends no dataCrc32c, such as an emulator.`,
    });
  }
  return v;
}

/**
 * Checks `data` against the answer's `dataCrc32c` (CRC32C, Castagnoli, as a decimal int64;
 * Node's `zlib.crc32` is another polynomial) and returns it; a mismatch throws, so a
 * damaged payload is never a value, and so does a missing checksum when `required`.
 *
 * @example
 * ```ts
 * const bytes = checkedPayload(data, answer.payload.dataCrc32c, { subject: 'secret "db"' });
 * ```
 * @internal
 */
export function checkedPayload(
  data: Uint8Array,
  dataCrc32c: unknown,
  what: { subject: string; reference?: string },
  required = true,
): Uint8Array {
  if (dataCrc32c === undefined || dataCrc32c === null || dataCrc32c === "") {
    if (!required) return data;
    throw new ProviderError({
      provider: "gcp",
      ...(what.reference ? { reference: what.reference } : {}),
      message: `gcp: the answer for ${what.subject} carries no dataCrc32c, so its payload cannot be checked and is not used. Secret Manager always sends one: something between it and this process removed it. For an endpoint that sends none (an emulator), pass gcpProvider({ endpointSendsChecksum: false }).`,
    });
  }
  const sent = String(dataCrc32c);
  const ours = String(crc32c(data));
  if (sent !== ours) {
    throw new ProviderError({
      provider: "gcp",
      ...(what.reference ? { reference: what.reference } : {}),
      message: `gcp: the payload of ${what.subject} failed its CRC32C check (the answer's dataCrc32c does not match the data): it was damaged on the way and is not used. Retry; if it persists, check proxies between the service and this process.`,
    });
  }
  return data;
}
