/**
 * `secrets rotate <ref> --with <module>`: runs `rotateSecret` (AWS Secrets
 * Manager) with the module's `generate`, `deploy` and `verify`, printing one
 * line per step. Exit 0 when rotated, 1 naming the failed step, 2 for a bad
 * module or reference. Never prints a value.
 */

import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { SecretsError } from "../../index.js";
import { firstLine } from "../../provider/index.js";
import { clientFromConfig, exitCodeFor } from "../client.js";
import { UsageError } from "../errors.js";

/**
 * Options of `secrets rotate`.
 */
export interface RotateCommandOptions {
  with: string;
  config?: string;
  provider?: string;
  stepTimeout?: string;
}

type Steps = Record<"generate" | "deploy" | "verify", (ctx: never) => unknown>;

/** The module's steps: named exports, or a default export holding them. */
async function loadSteps(path: string): Promise<Steps> {
  const file = resolve(process.cwd(), path);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (err) {
    throw new UsageError(`--with ${path}: cannot load ${file}: ${firstLine(err)}`);
  }
  const fromDefault =
    typeof mod.default === "object" && mod.default !== null
      ? (mod.default as Record<string, unknown>)
      : {};
  const steps: Record<string, unknown> = { ...fromDefault, ...mod };
  const missing = (["generate", "deploy", "verify"] as const).filter(
    (n) => typeof steps[n] !== "function",
  );
  if (missing.length > 0) {
    throw new UsageError(
      `--with ${path}: the module must export functions generate, deploy and verify (missing or not a function: ${missing.join(", ")})`,
    );
  }
  return steps as Steps;
}

/**
 * Rotates `ref`; returns the exit code.
 */
export async function runRotate(ref: string, o: RotateCommandOptions): Promise<number> {
  const stepTimeout = o.stepTimeout === undefined ? undefined : Number(o.stepTimeout);
  if (stepTimeout !== undefined && !(Number.isInteger(stepTimeout) && stepTimeout > 0)) {
    throw new UsageError(
      `--step-timeout: expected a whole number of ms > 0 (got ${JSON.stringify(o.stepTimeout)})`,
    );
  }
  const steps = await loadSteps(o.with);
  const { client } = await clientFromConfig(o.config);
  const { rotateSecret, RotationError } = await import("../../../providers/aws/index.js");
  const out = process.stdout;
  try {
    const result = await rotateSecret(ref, {
      secrets: client,
      ...(o.provider ? { provider: o.provider } : {}),
      ...(stepTimeout ? { stepTimeout } : {}),
      generate: steps.generate as never,
      deploy: steps.deploy as never,
      verify: steps.verify as never,
      onEvent: (e) => {
        if (e.status === "started") {
          out.write(`${e.step}: started\n`);
          return;
        }
        const took = e.durationMs !== undefined ? ` in ${e.durationMs} ms` : "";
        const version = e.versionId ? ` (version ${e.versionId})` : "";
        const why = e.detail ? `: ${e.detail}` : "";
        out.write(`${e.step}: ${e.status}${took}${e.status === "done" ? version : why}\n`);
      },
    });
    out.write(
      `rotated ${ref}${result.resumed ? " (resumed)" : ""}: AWSCURRENT is version ${result.versionId}, AWSPREVIOUS is ${result.previousVersionId || "none"}\n`,
    );
    return 0;
  } catch (err) {
    if (err instanceof RotationError) {
      process.stderr.write(
        `secrets: ${firstLine(err.message)}${err.resumable ? " (run the same command again to resume)" : ""}\n`,
      );
      return 1;
    }
    const msg = SecretsError.is(err) ? `[${err.code}] ${err.message}` : (err as Error).message;
    process.stderr.write(`secrets: ${firstLine(msg)}\n`);
    return SecretsError.is(err, "INVALID_CONFIG") ? 2 : exitCodeFor(err);
  } finally {
    await client.close();
  }
}
