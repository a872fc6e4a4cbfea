/**
 * `secrets rotate <ref> --with <module>`: runs the rotation facet of the
 * provider serving the reference's scheme (today `aws-sm://`: AWS Secrets
 * Manager's `rotateSecret`) with the module's `generate`, `deploy` and
 * `verify`, printing one line per step. Exit 0 when rotated, 1 naming the
 * failed step, 2 for a bad module or reference. Never prints a value.
 */

import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { SecretsError } from "../../index.js";
import { firstLine, type RotationFacet } from "../../provider/index.js";
import { clientFromConfig, exitCodeFor } from "../client.js";
import { loadConfig } from "../config/load.js";
import { declarationsFromConfig, schemeProviders } from "../doctor/providers.js";
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
  const facet = await rotationFacetFor(ref, o);
  const { client } = await clientFromConfig(o.config);
  const out = process.stdout;
  try {
    const result = await facet.rotate(ref, {
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
    const failed = facet.failure(err);
    if (failed) {
      process.stderr.write(
        `secrets: ${firstLine((err as Error).message)}${failed.resumable ? " (run the same command again to resume)" : ""}\n`,
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

/** The rotation facet of the provider serving `ref`'s scheme, from the declarations. */
async function rotationFacetFor(ref: string, o: RotateCommandOptions): Promise<RotationFacet> {
  const { config, file } = await loadConfig(process.cwd(), o.config);
  const declarations = await declarationsFromConfig(
    config.providers ?? {},
    file ? dirname(file) : process.cwd(),
  );
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(ref)?.[1]?.toLowerCase();
  const name = o.provider ?? (scheme ? schemeProviders(declarations).get(scheme) : undefined);
  const declaration = name ? declarations.get(name)?.declaration : undefined;
  if (!declaration) {
    throw new UsageError(
      `argument 1: no provider serves this reference's scheme (expected a reference such as aws-sm://prod/db)`,
    );
  }
  if (!declaration.rotation) {
    const able = [...declarations.values()]
      .filter((p) => p.declaration.rotation)
      .flatMap((p) => Object.keys(p.declaration.schemes));
    throw new UsageError(
      `the ${declaration.name} provider cannot rotate secrets (rotation is available for: ${able.join(", ") || "none"})`,
    );
  }
  return declaration.rotation();
}
