/**
 * `secrets doctor [dir]`: one check per checklist item; table, --json or
 * --sarif; exit 1 on any fail (or warn with --strict), 2 on usage errors.
 */

import { statSync } from "node:fs";
import { relative } from "node:path";
import { loadConfig } from "../config/load.js";
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
 *
 * @example
 * ```ts
 * const o: DoctorCommandOptions = { strict: true, sarif: true };
 * ```
 */
export interface DoctorCommandOptions {
  json?: boolean;
  sarif?: boolean;
  strict?: boolean;
  fixHooks?: boolean;
  since?: string;
  config?: string;
  offline?: boolean;
}

/**
 * Runs the doctor and prints the report; returns the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await runDoctor(".", { json: true });
 * ```
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
    progress: progress.enabled ? (t) => progress.update(t) : undefined,
  });
  if (!o.offline && Object.keys(config.providers).length > 0) {
    // A provider named in the config that cannot be created is a config error (exit 2), not a finding.
    try {
      await ctx.client();
    } catch (err) {
      throw new UsageError(`${configShown ?? "config"}: ${(err as Error).message.split("\n")[0]}`);
    }
  }
  let items: Awaited<ReturnType<typeof runChecks>>;
  try {
    items = await runChecks(ctx);
  } finally {
    progress.done();
    await ctx.close();
  }
  const summary = summarize(items);
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
    const fallback = configShown ?? "package.json";
    const results: SarifResult[] = [];
    for (const item of items) {
      for (const r of item.results) {
        const level =
          r.status === "fail" || (o.strict && r.status === "warn")
            ? "error"
            : r.status === "warn"
              ? "warning"
              : "none";
        results.push({
          ruleId: `doctor/${item.id}`,
          level,
          kind: r.status === "pass" ? "pass" : r.status === "manual" ? "review" : "fail",
          message: `${r.evidence}${r.fix ? `. Fix: ${r.fix}` : ""}`,
          file: r.file ?? fallback,
          line: r.line,
          fingerprint: `${item.id}:${r.evidence}`,
        });
      }
    }
    const rules = CHECKS.map((c) => ({
      id: `doctor/${c.id}`,
      name: `${c.item}. ${c.title}`,
      help: `Checklist item ${c.item}: ${c.title}.`,
    }));
    process.stdout.write(
      `${JSON.stringify(buildSarif("secrets doctor", rules, results), null, 2)}\n`,
    );
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
