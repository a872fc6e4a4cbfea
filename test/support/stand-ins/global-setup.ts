// vitest globalSetup of the integration project: starts the stand-ins that the selected test
// files need (see select.ts), installs the tools on first use, hands addresses to the tests
// through provide/inject, and stops every process it started when the run ends.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import {
  type StandInInfo,
  type StandInName,
  startStandIns,
  TOOLS_DIR,
} from "../../../scripts/emulators/start.mjs";
import { forcedStandIns, standInsForFile } from "./select.js";

export interface ProvidedStandIns {
  info: Partial<StandInInfo>;
  unavailable: Partial<Record<StandInName, { error: string }>>;
  requested: StandInName[];
}

declare module "vitest" {
  export interface ProvidedContext {
    secretsLoaderStandIns: ProvidedStandIns;
  }
}

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));

function ensureInstalled(): void {
  if (process.env.SECRETS_LOADER_NO_INSTALL) return;
  const script = join(ROOT, "scripts/emulators/install");
  const check = spawnSync(script, ["--check"], { encoding: "utf8" });
  if (check.status === 0) return;
  console.log(`[stand-ins] tools missing under ${TOOLS_DIR}: running scripts/emulators/install`);
  const run = spawnSync(script, [], { stdio: "inherit" });
  if (run.status !== 0) throw new Error(`scripts/emulators/install failed (exit ${run.status})`);
}

export default async function setup(project: TestProject) {
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern;
  const { testFiles } = await project.globTestFiles(filters);
  const integrationDir = join(ROOT, "test", "integration");
  const requested =
    forcedStandIns(process.env.SECRETS_LOADER_STAND_INS) ??
    [...new Set(testFiles.flatMap((f) => standInsForFile(f, integrationDir)))].sort();

  if (requested.length === 0) {
    project.provide("secretsLoaderStandIns", { info: {}, unavailable: {}, requested });
    return;
  }
  ensureInstalled();
  const t0 = Date.now();
  const running = await startStandIns(requested);
  console.log(
    `[stand-ins] started ${Object.keys(running.info).join(", ") || "none"} in ${Date.now() - t0} ms` +
      (Object.keys(running.unavailable).length
        ? `; unavailable here: ${Object.keys(running.unavailable).join(", ")}`
        : ""),
  );
  const restoreCa = running.info.azure ? trustAzureCa(running.info.azure.caFile) : () => {};
  project.provide("secretsLoaderStandIns", {
    info: running.info,
    unavailable: running.unavailable,
    requested,
  });
  return async () => {
    restoreCa();
    await running.stop();
  };
}

/**
 * Makes the test processes trust the Azure stand-in's per-run CA. Node reads
 * NODE_EXTRA_CA_CERTS only when a process starts, and this global setup runs in vitest's main
 * process before it forks the test workers, which inherit its environment (as does every CLI
 * or example a test spawns); test/integration/azure/tls.test.ts checks that. A variable the
 * user had set is kept: its certificates go into the same bundle.
 */
function trustAzureCa(caFile: string): () => void {
  const before = process.env.NODE_EXTRA_CA_CERTS;
  let bundle = caFile;
  if (before && existsSync(before)) {
    bundle = join(dirname(caFile), "extra-ca-bundle.pem");
    writeFileSync(
      bundle,
      `${readFileSync(before, "utf8").trimEnd()}\n${readFileSync(caFile, "utf8")}`,
    );
  }
  process.env.NODE_EXTRA_CA_CERTS = bundle;
  return () => {
    if (before === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
    else process.env.NODE_EXTRA_CA_CERTS = before;
  };
}
