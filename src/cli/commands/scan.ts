/**
 * `secrets scan [paths...] [--staged] [--history] [--since]`: the leak
 * scanner on its own, fast enough for a pre-commit hook.
 */

import { loadConfig } from "../config/load.js";
import { UsageError } from "../errors.js";
import { buildSarif } from "../report/sarif.js";
import { scanHistory, scanStaged } from "../scan/git.js";
import { RULES } from "../scan/rules.js";
import { publicFinding, safeIgnores, scanSetup } from "../scan/setup.js";
import { scanTree } from "../scan/tree.js";
import type { RawFinding, Skipped } from "../scan/types.js";
import { colorsFor } from "../ui/color.js";
import { Progress } from "../ui/progress.js";
import { renderTable } from "../ui/table.js";

/**
 * Options of `secrets scan`, as parsed by commander.
 *
 * @example
 * ```ts
 * const o: ScanCommandOptions = { json: true };
 * ```
 */
export interface ScanCommandOptions {
  staged?: boolean;
  history?: boolean;
  since?: string;
  json?: boolean;
  sarif?: boolean;
  config?: string;
  gitignore?: boolean;
  maxFileSize?: number;
}

/**
 * Runs the scan and prints the report; returns the exit code (1 on findings).
 *
 * @example
 * ```ts
 * process.exitCode = await runScan(["."], { json: true });
 * ```
 */
export async function runScan(paths: string[], o: ScanCommandOptions): Promise<number> {
  const started = performance.now();
  if (o.staged && o.history) throw new UsageError("--staged and --history cannot be combined");
  if (o.since && !o.history) throw new UsageError("--since only applies with --history");
  if (o.json && o.sarif) throw new UsageError("choose one of --json and --sarif");
  if ((o.staged || o.history) && paths.length > 1) {
    throw new UsageError("--staged and --history take at most one path (the repository)");
  }
  const { config } = await loadConfig(process.cwd(), o.config);
  const setup = scanSetup(config);
  const maxFileSize = o.maxFileSize ?? setup.maxFileSize;
  const progress = new Progress();
  const mode = o.staged ? "staged" : o.history ? "history" : "tree";
  let findings: RawFinding[];
  let skipped: Skipped[] = [];
  let files = 0;
  let bytes = 0;
  let commits = 0;
  if (mode === "tree") {
    let seen = 0;
    const r = scanTree(paths.length ? paths : ["."], setup.scanner, {
      maxFileSize,
      gitignore: o.gitignore,
      exclude: setup.exclude,
      onFile: progress.enabled ? () => progress.update(`scanning: ${++seen} files`) : undefined,
    });
    ({ findings, skipped, files, bytes } = r);
  } else {
    const dir = paths[0] ?? ".";
    const excludePath = (f: string) =>
      config.scan.allowlist.paths.length > 0 && safeIgnores(setup.exclude, f);
    const r =
      mode === "staged"
        ? await scanStaged(dir, setup.scanner, { excludePath, maxBlockSize: maxFileSize })
        : await scanHistory(dir, setup.scanner, {
            since: o.since,
            // A subfolder's history only: "." is relative to the folder scanned.
            pathspecs: ["."],
            excludePath,
            maxBlockSize: maxFileSize,
            onCommit: (n) => progress.update(`scanning history: ${n} commits`),
          });
    ({ findings, commits } = r);
  }
  progress.done();
  findings = findings.filter(setup.keep);
  const durationMs = Math.round((performance.now() - started) * 10) / 10;
  const shown = findings.map(publicFinding);
  if (o.json) {
    const out = {
      schemaVersion: 1,
      mode,
      findings: shown,
      skipped,
      stats: { files, bytes, commits, durationMs },
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else if (o.sarif) {
    const sarif = buildSarif(
      "secrets scan",
      RULES.map((r) => ({ id: r.id, name: r.title, help: r.fix })),
      shown.map((f) => ({
        ruleId: f.rule,
        level: "error",
        message: `${f.title} (${f.match})${f.commit ? ` added in commit ${f.commit.slice(0, 12)}` : ""}`,
        file: f.file,
        line: f.line,
        column: f.column,
        fingerprint: f.fingerprint,
      })),
    );
    process.stdout.write(`${JSON.stringify(sarif, null, 2)}\n`);
  } else {
    printTable(shown, skipped, { mode, files, bytes, commits, durationMs });
  }
  // A CI gate must not pass on files it never read: an incomplete tree scan
  // is an input error (exit 2), reported in one line.
  const unreadable = skipped.filter((k) => k.reason === "unreadable");
  if (unreadable.length > 0) {
    const e = colorsFor(process.stderr);
    const listed = unreadable
      .slice(0, 3)
      .map((k) => `${k.file} (${k.detail ?? "error"})`)
      .join(", ");
    const more = unreadable.length > 3 ? `, and ${unreadable.length - 3} more` : "";
    process.stderr.write(
      `${e.red("error")}: scan incomplete, cannot read ${listed}${more}. Fix: make ${unreadable.length === 1 ? "it" : "them"} readable, or exclude ${unreadable.length === 1 ? "it" : "them"} with scan.allowlist.paths\n`,
    );
    return 2;
  }
  return findings.length > 0 ? 1 : 0;
}

function printTable(
  findings: ReturnType<typeof publicFinding>[],
  skipped: Skipped[],
  s: { mode: string; files: number; bytes: number; commits: number; durationMs: number },
): void {
  const c = colorsFor(process.stdout);
  if (findings.length > 0) {
    const head = ["RULE", "LOCATION", "MATCH"];
    if (s.mode === "history") head.push("COMMIT");
    const rows = [head.map((h) => c.bold(h))];
    for (const f of findings) {
      const row = [c.red(f.rule), `${f.file}:${f.line}:${f.column}`, f.match];
      if (s.mode === "history")
        row.push(`${f.commit?.slice(0, 12) ?? ""} ${f.date?.slice(0, 10) ?? ""}`);
      rows.push(row);
    }
    process.stdout.write(`${renderTable(rows)}\n\n`);
  }
  const counts = new Map<string, number>();
  for (const k of skipped) counts.set(k.reason, (counts.get(k.reason) ?? 0) + 1);
  const skippedText = counts.size
    ? `; skipped ${[...counts].map(([r, n]) => `${n} ${r}`).join(", ")}`
    : "";
  const scope =
    s.mode === "history"
      ? `${s.commits} commits`
      : s.mode === "staged"
        ? "staged changes"
        : `${s.files} files (${(s.bytes / 1e6).toFixed(1)} MB)`;
  const verdict =
    findings.length > 0
      ? c.red(`${findings.length} secret${findings.length === 1 ? "" : "s"} found`)
      : c.green("no secrets found");
  process.stdout.write(`${verdict} in ${scope} in ${s.durationMs} ms${skippedText}\n`);
  if (findings.length > 0) {
    process.stdout.write(
      "Rotate every key listed (removing it from the code does not un-leak it), then load it at runtime.\n" +
        "Allowlist a false positive with a `secrets-scan:allow` comment on its line or in secrets.config.json (scan.allowlist).\n",
    );
  }
}
