/**
 * `secrets doctor [dir]`: one check per checklist item; table, --json or
 * --sarif; exit 1 on any fail (or warn with --strict), 2 on usage errors.
 */

import { createHash } from "node:crypto";
import { statSync, writeFileSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { firstLine } from "../../provider/index.js";
import { loadConfig } from "../config/load.js";
import { loadConfigModule, mergeModuleReferences } from "../config/module.js";
import { CHECKS } from "../doctor/checks/index.js";
import { DoctorContext } from "../doctor/context.js";
import { installPreCommitHook } from "../doctor/hooks.js";
import { renderDoctor } from "../doctor/render.js";
import { runChecks, summarize } from "../doctor/run.js";
import { UsageError } from "../errors.js";
import { buildSarif, type SarifResult } from "../report/sarif.js";
import { colorsFor } from "../ui/color.js";
import { Progress } from "../ui/progress.js";

/**
 * Options of `secrets doctor`.
 */
export interface DoctorCommandOptions {
  json?: boolean;
  sarif?: boolean;
  strict?: boolean;
  fixHooks?: boolean;
  since?: string;
  config?: string;
  /** A module exporting a defineConfig() result: its entries are checked too (item 11). */
  configModule?: string;
  offline?: boolean;
  /** Also write the SARIF report to this file (one run gives the table or JSON and SARIF). */
  sarifFile?: string;
  /** The moment rotation ages are measured from (default: the clock). */
  now?: Date;
}

type Items = Awaited<ReturnType<typeof runChecks>>;

/**
 * The doctor's SARIF 2.1.0 report. Only what needs attention is a result:
 * `fail` and `warn` (an error with --strict), and `manual` as a note; a pass
 * is not an alert. A result without a file points at the config when it is
 * inside the project, and otherwise has no location (never a file that may
 * not exist). Fingerprints are the item id and a digest of what the result is
 * about, with numbers (latency, ages) left out, so they stay stable across runs.
 */
export function doctorSarif(
  items: Items,
  o: { strict?: boolean; configFile?: string },
): Record<string, unknown> {
  const results: SarifResult[] = [];
  for (const item of items) {
    for (const r of item.results) {
      if (r.status === "pass") continue;
      const level =
        r.status === "fail" || (o.strict && r.status === "warn")
          ? "error"
          : r.status === "warn"
            ? "warning"
            : "note";
      const file = r.file ?? o.configFile;
      const stable = [
        item.id,
        r.file ?? "",
        r.line ?? "",
        r.evidence.replace(/\d+(?:\.\d+)?/g, "#"),
      ];
      results.push({
        ruleId: `doctor/${item.id}`,
        level,
        kind: "fail",
        message: `${r.evidence}${r.fix ? `. Fix: ${r.fix}` : ""}`,
        ...(file ? { file } : {}),
        line: r.file ? r.line : undefined,
        fingerprint: `${item.id}:${createHash("sha256").update(stable.join("\0")).digest("hex").slice(0, 24)}`,
      });
    }
  }
  const rules = CHECKS.map((c) => ({
    id: `doctor/${c.id}`,
    name: `${c.item}. ${c.title}`,
    help: `Checklist item ${c.item}: ${c.title}.`,
  }));
  return buildSarif("secrets doctor", rules, results);
}

/**
 * Runs the doctor and prints the report; returns the exit code.
 */
export async function runDoctor(dir: string, o: DoctorCommandOptions): Promise<number> {
  if (o.json && o.sarif) throw new UsageError("choose one of --json and --sarif");
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(
      `cannot check ${dir}: ${code === "ENOENT" ? "no such directory" : code === "ELOOP" ? "a symlink loop" : code}`,
    );
  }
  if (!st.isDirectory()) throw new UsageError(`cannot check ${dir}: not a directory`);
  const { config, file } = await loadConfig(dir, o.config);
  if (o.configModule) mergeModuleReferences(config, await loadConfigModule(o.configModule));
  const configShown = file ? relative(process.cwd(), file) || file : undefined;
  const progress = new Progress();
  if (o.fixHooks) {
    const hook = installPreCommitHook(dir);
    process.stderr.write(
      `pre-commit hook ${hook.action}: ${hook.file} runs \`secrets scan --staged\`\n`,
    );
  }
  const ctx = new DoctorContext(dir, config, file, {
    since: o.since,
    offline: o.offline,
    now: o.now,
    progress: progress.enabled ? (t) => progress.update(t) : undefined,
  });
  if (!o.offline && Object.keys(config.providers).length > 0) {
    // A provider named in the config that cannot be created is a config error (exit 2), not a finding.
    try {
      await ctx.client();
    } catch (err) {
      throw new UsageError(`${configShown ?? "config"}: ${firstLine(err)}`);
    }
  }
  let items: Items;
  try {
    items = await runChecks(ctx);
  } finally {
    progress.done();
    await ctx.close();
  }
  const summary = summarize(items);
  // The config, as a SARIF location for results that have no file of their
  // own, only when it is inside the project (SARIF paths are relative to it).
  const configInDir = file ? relative(resolve(dir), file) : undefined;
  const sarif = () =>
    doctorSarif(items, {
      strict: o.strict === true,
      configFile:
        configInDir && !configInDir.startsWith("..") && !isAbsolute(configInDir)
          ? configInDir
          : undefined,
    });
  if (o.sarifFile) {
    try {
      writeFileSync(o.sarifFile, `${JSON.stringify(sarif(), null, 2)}\n`);
    } catch (err) {
      throw new UsageError(
        `cannot write --sarif-file ${o.sarifFile}: ${(err as NodeJS.ErrnoException).code ?? "error"}`,
      );
    }
  }
  const failing = summary.fail > 0 || (o.strict === true && summary.warn > 0);
  if (o.json) {
    const out = {
      schemaVersion: 1,
      dir,
      config: configShown ?? null,
      strict: o.strict === true,
      summary,
      checks: items,
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else if (o.sarif) {
    process.stdout.write(`${JSON.stringify(sarif(), null, 2)}\n`);
  } else {
    process.stdout.write(
      renderDoctor(items, {
        dir,
        config: configShown,
        strict: o.strict === true,
        colors: colorsFor(process.stdout),
        width: process.stdout.columns,
      }),
    );
  }
  return failing ? 1 : 0;
}
