/**
 * A secret version's payload as the provider hands it to the core: the raw bytes (so
 * `type: "binary"` is the payload itself, and text and `#field` are decoded from it),
 * after the CRC32C check whenever the answer carries `dataCrc32c`.
 */

import { crc32c } from "@aws-crypto/crc32c";
import { ProviderError } from "../../src/provider/index.js";

/**
 * Checks `data` against the answer's `dataCrc32c` (CRC32C, Castagnoli, as a decimal int64;
 * Node's `zlib.crc32` is another polynomial) and returns it; a mismatch throws, so a
 * damaged payload is never a value.
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
): Uint8Array {
  if (dataCrc32c === undefined || dataCrc32c === null || dataCrc32c === "") return data;
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
