// vitest globalSetup of the integration project: starts the stand-ins that the selected test
// files need (see select.ts), installs the tools on first use, hands addresses to the tests
// through provide/inject, and stops every process it started when the run ends.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
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
  project.provide("secretsLoaderStandIns", {
    info: running.info,
    unavailable: running.unavailable,
    requested,
  });
  return async () => {
    await running.stop();
  };
}
