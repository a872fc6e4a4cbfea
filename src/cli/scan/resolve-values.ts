/**
 * Resolves the config's references through the secrets client, for
 * `secrets scan --values` and the doctor's items 1-3. The values are
 * returned in memory to be compiled into a {@link KnownValues} matcher and
 * go nowhere else: no log, no event payload, no file, no cache, no hash.
 */

import { type Secrets, SecretsError } from "../../index.js";
import type { SecretsConfig } from "../config/schema.js";
import { type KnownValue, KnownValues } from "./known-values-search.js";

/**
 * What resolving the references gave.
 *
 * @example
 * ```ts
 * const { known, unresolved, tooShort } = await resolveKnownValues(config, client);
 * ```
 */
export interface ResolvedValues {
  /** The matcher; holds the values. */
  known: KnownValues;
  /** References in the config. */
  references: number;
  /** References whose value could not be read, with the error code (never the message, which may quote a value). */
  unresolved: Array<{ name: string; code: string }>;
  /** References whose value is shorter than the minimum length, so not searched. */
  tooShort: string[];
}

/**
 * Resolves every reference of `config` with `client`.
 *
 * @example
 * ```ts
 * const client = createSecrets({ providers });
 * const r = await resolveKnownValues(config, client);
 * new Scanner({ knownValues: r.known });
 * ```
 */
export async function resolveKnownValues(
  config: SecretsConfig,
  client: Secrets,
  timeoutMs = 15_000,
): Promise<ResolvedValues> {
  const entries = Object.entries(config.references);
  // An unreachable provider must not hang the scan: each read has the client's
  // per-call deadline, past which it fails UNAVAILABLE and is reported as not checked.
  const settled = await Promise.allSettled(
    entries.map(async ([name, entry]): Promise<KnownValue> => {
      const ref = typeof entry === "string" ? entry : entry.ref;
      const type = typeof entry === "string" ? undefined : entry.type;
      // Binary values as bytes; everything else as the text the provider holds.
      const value =
        type === "binary"
          ? await client.getSecret(ref, { type: "binary", timeout: timeoutMs })
          : await client.getSecret(ref, { timeout: timeoutMs });
      return { name, value };
    }),
  );
  const values: KnownValue[] = [];
  const unresolved: ResolvedValues["unresolved"] = [];
  settled.forEach((r, i) => {
    const name = (entries[i] as [string, unknown])[0];
    if (r.status === "fulfilled") values.push(r.value);
    else {
      const code = SecretsError.is(r.reason) ? r.reason.code : "ERROR";
      unresolved.push({ name, code });
    }
  });
  const known = new KnownValues(values);
  return { known, references: entries.length, unresolved, tooShort: known.tooShort };
}
