/**
 * `secrets get <ref>`: prints a value for scripts. On a terminal it needs
 * `--reveal`, so a value is not shown to onlookers by accident; `--json`
 * prints metadata only (provider, version, expiry, latency), never the value.
 */

import type { SecretsEvent } from "../../index.js";
import { describeShape, SecretsError } from "../../index.js";
import { firstLine } from "../../provider/index.js";
import { clientFromConfig, exitCodeFor } from "../client.js";
import { argumentAt, scrubArguments } from "../describe-input.js";
import { UsageError } from "../errors.js";
import { showReference } from "../references.js";

/**
 * Options of `secrets get`.
 */
export interface GetCommandOptions {
  reveal?: boolean;
  json?: boolean;
  config?: string;
}

/**
 * Resolves `ref` and prints it (or its metadata); returns the exit code.
 */
export async function runGet(ref: string, o: GetCommandOptions): Promise<number> {
  if (!o.json && !o.reveal && process.stdout.isTTY) {
    throw new UsageError(
      "refusing to print a secret to a terminal: pass --reveal to show it, --json for its metadata, or pipe the output",
    );
  }
  const events: SecretsEvent[] = [];
  const { client } = await clientFromConfig(o.config, { onEvent: (e) => events.push(e) });
  const started = performance.now();
  try {
    const value = await client.getSecret(ref);
    const latencyMs = Math.round((performance.now() - started) * 10) / 10;
    if (o.json) {
      const fetched = events.find((e) => e.type === "fetch");
      const out: Record<string, unknown> = {
        reference: showReference(ref),
        provider: fetched?.provider ?? "unknown",
        latencyMs,
      };
      if (fetched?.type === "fetch" && fetched.version) out.version = fetched.version;
      // The fetch event's expiry is the cache's (the provider's own, if any,
      // is folded into it): name it for what it is.
      if (fetched?.type === "fetch" && Number.isFinite(fetched.expiresAt)) {
        out.cachedUntil = new Date(fetched.expiresAt).toISOString();
      }
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    } else {
      process.stdout.write(process.stdout.isTTY ? `${value}\n` : value);
    }
    return 0;
  } catch (err) {
    // A reference that is not one may be a value pasted in its place: it is
    // described by position and shape, never shown.
    const msg =
      SecretsError.is(err) && err.code === "INVALID_REFERENCE"
        ? `[${err.code}] ${argumentAt(ref, process.argv.slice(2))}: the reference ${describeShape(ref)}, not <scheme>://<path>[#field] such as env://API_KEY`
        : SecretsError.is(err)
          ? `[${err.code}] ${err.message}`
          : (err as Error).message;
    process.stderr.write(`secrets: ${scrubArguments(firstLine(msg))}\n`);
    return exitCodeFor(err);
  } finally {
    await client.close();
  }
}
