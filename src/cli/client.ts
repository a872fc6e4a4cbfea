/**
 * Builds a secrets client for `get` and `run` from the project config's
 * provider options (built-in providers cover everything else).
 */

import { dirname } from "node:path";
import { createSecrets, type Secrets, SecretsError, type SecretsOptions } from "../index.js";
import { auditListener } from "./audit.js";
import { loadConfig } from "./config/load.js";
import type { SecretsConfig } from "./config/schema.js";
import { providersFromConfig } from "./doctor/providers.js";
import { UsageError } from "./errors.js";

/**
 * A client made from the config found from the working directory (or `file`).
 */
export async function clientFromConfig(
  file: string | undefined,
  options: Omit<SecretsOptions, "providers"> = {},
): Promise<{ client: Secrets; config: SecretsConfig }> {
  const { config, file: found } = await loadConfig(process.cwd(), file);
  let providers: SecretsOptions["providers"];
  try {
    // Provider module paths are relative to the config file, as in the doctor.
    providers = await providersFromConfig(config.providers, found ? dirname(found) : process.cwd());
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const client = createSecrets({ ...options, providers });
  // Both users of this client (get, run) print data on stdout.
  const audit = await auditListener(config.audit?.sink, found ? dirname(found) : process.cwd(), {
    stdoutCarriesData: true,
  });
  if (audit) client.on(audit);
  return { client, config };
}

/**
 * Exit code for a failed resolution: 2 when the reference itself is
 * malformed or has no provider (a usage error), 1 otherwise.
 */
export function exitCodeFor(err: unknown): number {
  return SecretsError.is(err, "INVALID_REFERENCE") || SecretsError.is(err, "NO_PROVIDER") ? 2 : 1;
}
