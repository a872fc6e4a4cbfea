/**
 * `secrets scan [paths...] [--staged] [--history] [--since] [--values]`: the
 * leak scanner on its own, fast enough for a pre-commit hook.
 */

import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { loadConfig } from "../config/load.js";
import type { SecretsConfig } from "../config/schema.js";
import { UsageError } from "../errors.js";
import { MIN_MASKED_LENGTH } from "../masking.js";
import { buildSarif } from "../report/sarif.js";
import { scanBuildOutput } from "../scan/build-output.js";
import { KNOWN_VALUE_RULE } from "../scan/engine.js";
import { repoTop, scanHistory, scanStaged } from "../scan/git.js";
import { ISSUED_KEY_FIX, ISSUED_KEY_RULE_ID, ISSUED_KEY_TITLE } from "../scan/issued-keys.js";
import type { ResolvedValues } from "../scan/resolve-values.js";
import { RULES } from "../scan/rules.js";
import { publicFinding, scanSetup } from "../scan/setup.js";
import { type IgnoredCount, scanTree } from "../scan/tree.js";
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
  /** Also find the values of the config's references. */
  values?: boolean;
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
  const mode = o.staged ? "staged" : o.history ? "history" : "tree";
  const targets = paths.length ? paths : ["."];
  // The config belongs to what is scanned, not to wherever the scan was
  // started from: searched from the scanned folder up (so a package's own
  // config wins, then the repository's), and --config still overrides.
  const first = targets[0] as string;
  const firstDir = existsSync(first) && !statSync(first).isDirectory() ? dirname(first) : first;
  const root = (existsSync(firstDir) ? repoTop(firstDir) : undefined) ?? resolve(firstDir);
  const { config, file: configFile } = await loadConfig(resolve(firstDir), o.config);
  const base = configFile && !o.config ? dirname(configFile) : root;
  const values = o.values
    ? await resolveValues(config, configFile ? dirname(configFile) : root)
    : undefined;
  const setup = scanSetup(config, base, values?.known);
  const maxFileSize = o.maxFileSize ?? setup.maxFileSize;
  const progress = new Progress();
  let findings: RawFinding[];
  let skipped: Skipped[] = [];
  let ignored: IgnoredCount[] = [];
  let files = 0;
  let bytes = 0;
  let commits = 0;
  let sinceNote: string | undefined;
  if (mode === "tree") {
    let seen = 0;
    const r = scanTree(targets, setup.scanner, {
      maxFileSize,
      gitignore: o.gitignore,
      exclude: setup.excluded,
      onFile: progress.enabled ? () => progress.update(`scanning: ${++seen} files`) : undefined,
    });
    ({ findings, skipped, files, bytes, ignored } = r);
    if (values && !config.scan.allowlist.rules.includes(KNOWN_VALUE_RULE)) {
      // Build output is read for known values even when .gitignore hides it:
      // a client bundle is where a server value must never end up.
      const out = scanBuildOutput(targets, values.known, maxFileSize, setup.excluded);
      const seenAt = new Set(findings.map((f) => `${f.fingerprint}\0${f.reference ?? ""}`));
      for (const f of out.findings) {
        if (!seenAt.has(`${f.fingerprint}\0${f.reference ?? ""}`)) findings.push(f);
      }
      const skippedAt = new Set(skipped.map((k) => k.file));
      for (const k of out.skipped) if (!skippedAt.has(k.file)) skipped.push(k);
      files += out.files;
      bytes += out.bytes;
    }
  } else {
    const dir = paths[0] ?? ".";
    const top = repoTop(dir) ?? resolve(dir);
    const excludePath = (f: string) => setup.excluded(join(top, f));
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
    ({ findings, commits, files, bytes, skipped } = r);
    if (r.sinceBeforeFirstCommit) {
      sinceNote = `--since ${o.since} is before the first commit (${r.sinceBeforeFirstCommit.slice(0, 10)}): scanned all history`;
    }
  }
  progress.done();
  findings = findings.filter(setup.keep);
  const counted = findings.filter((f) => f.counted);
  const other = findings.filter((f) => !f.counted);
  const durationMs = Math.round((performance.now() - started) * 10) / 10;
  const shown = counted.map(publicFinding);
  const shownOther = other.map(publicFinding);
  const valuesReport = values && {
    references: values.references,
    searched: values.references - values.unresolved.length - values.tooShort.length,
    tooShort: values.tooShort,
    unresolved: values.unresolved,
  };
  if (o.json) {
    const out = {
      schemaVersion: 1,
      mode,
      findings: shown,
      other: shownOther,
      skipped,
      ...(ignored.length ? { ignored } : {}),
      ...(valuesReport ? { values: valuesReport } : {}),
      stats: { files, bytes, commits, durationMs, skipped: skipped.length, other: other.length },
      ...(sinceNote ? { notes: [sinceNote] } : {}),
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else if (o.sarif) {
    const sarif = buildSarif(
      "secrets scan",
      [
        ...RULES.map((r) => ({ id: r.id, name: r.title, help: r.fix })),
        { id: ISSUED_KEY_RULE_ID, name: ISSUED_KEY_TITLE, help: ISSUED_KEY_FIX },
        { id: KNOWN_VALUE_RULE, name: "Known secret value", help: KNOWN_VALUE_FIX },
      ],
      [...shown, ...shownOther].map((f, i) => ({
        ruleId: f.rule,
        // Counted findings fail the scan; the others are listed as notes.
        level: i < shown.length ? ("error" as const) : ("note" as const),
        message: `${f.title} (${f.match})${f.commit ? ` added in commit ${f.commit.slice(0, 12)}` : ""}${i < shown.length ? "" : ` [${CONTEXT_LABEL[f.context]}, not counted]`}`,
        file: f.file,
        line: f.line,
        column: f.column,
        fingerprint: f.fingerprint,
        properties: { confidence: f.confidence, context: f.context, counted: i < shown.length },
      })),
    );
    process.stdout.write(`${JSON.stringify(sarif, null, 2)}\n`);
  } else {
    printTable(shown, shownOther, skipped, { mode, files, bytes, commits, durationMs });
  }
  const e = colorsFor(process.stderr);
  if (sinceNote) process.stderr.write(`${e.yellow("note")}: ${sinceNote}\n`);
  if (valuesReport) {
    if (valuesReport.tooShort.length > 0) {
      process.stderr.write(
        `${e.yellow("note")}: not searched, shorter than ${MIN_MASKED_LENGTH} characters: ${valuesReport.tooShort.join(", ")}\n`,
      );
    }
    if (valuesReport.unresolved.length > 0) {
      const listed = valuesReport.unresolved.map((u) => `${u.name} (${u.code})`).join(", ");
      process.stderr.write(
        `${e.red("error")}: scan incomplete, could not resolve ${listed}, so their values were not searched. Fix: make the providers reachable (see \`secrets doctor\`)\n`,
      );
      return 2;
    }
  }
  // A CI gate must not pass on files it never read: an incomplete tree scan
  // is an input error (exit 2), reported in one line.
  const unreadable = skipped.filter((k) => k.reason === "unreadable");
  if (unreadable.length > 0) {
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
  if (mode === "tree" && files === 0) {
    if (skipped.length > 0) {
      process.stderr.write(
        `${e.red("error")}: scanned 0 files: all ${skipped.length} entries were skipped (${[...new Set(skipped.map((k) => k.reason))].join(", ")}). Fix: name the files to scan, or raise --max-file-size\n`,
      );
      return 2;
    }
    if (ignored.length > 0) {
      // Every file was left out on purpose: say by which rule, so a rule that
      // hides more than meant is visible.
      const rules = ignored.map((i) => `"${i.rule}" in ${i.source} (${i.entries})`).join(", ");
      process.stderr.write(
        `${e.yellow("note")}: scanned 0 files: every entry is ignored by ${rules}\n`,
      );
    }
  }
  return counted.length > 0 ? 1 : 0;
}

/** What each context class means, as printed. */
const CONTEXT_LABEL: Record<string, string> = {
  source: "source",
  "test-fixture": "test fixture",
  "docs-example": "docs or example",
  local: "present on this machine, not committed",
};

const KNOWN_VALUE_FIX =
  "One of the app's own secret values (a reference in secrets.config.json) is written here. Rotate it at its provider, remove it from the file (and from client bundles and history), and read it at runtime with getSecret().";

/** Resolves the config's references through their providers; the values stay in memory. */
async function resolveValues(config: SecretsConfig, baseDir: string): Promise<ResolvedValues> {
  if (Object.keys(config.references).length === 0) {
    throw new UsageError(
      '--values needs references in secrets.config.json (references: { NAME: "aws-sm://..." })',
    );
  }
  // Loaded only with --values: a pre-commit scan does not pay for the client.
  const [{ createSecrets }, { providersFromConfig }, { resolveKnownValues }] = await Promise.all([
    import("../../index.js"),
    import("../doctor/providers.js"),
    import("../scan/resolve-values.js"),
  ]);
  let providers: Awaited<ReturnType<typeof providersFromConfig>>;
  try {
    // Provider module paths are relative to the config file, as in `get` and the doctor.
    providers = await providersFromConfig(config.providers, baseDir);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const client = createSecrets({ providers });
  try {
    return await resolveKnownValues(config, client);
  } finally {
    await client.close();
  }
}

function printTable(
  findings: ReturnType<typeof publicFinding>[],
  other: ReturnType<typeof publicFinding>[],
  skipped: Skipped[],
  s: { mode: string; files: number; bytes: number; commits: number; durationMs: number },
): void {
  const c = colorsFor(process.stdout);
  const rowsOf = (list: typeof findings, withClass: boolean) => {
    const head = ["RULE", "LOCATION", "MATCH"];
    if (withClass) head.push("CLASS");
    if (s.mode === "history") head.push("COMMIT");
    const rows = [head.map((h) => c.bold(h))];
    for (const f of list) {
      const row = [withClass ? f.rule : c.red(f.rule), `${f.file}:${f.line}:${f.column}`, f.match];
      if (withClass) {
        row.push(
          f.confidence === "high"
            ? (CONTEXT_LABEL[f.context] ?? f.context)
            : `${CONTEXT_LABEL[f.context] ?? f.context}, ${f.confidence} confidence`,
        );
      }
      if (s.mode === "history")
        row.push(`${f.commit?.slice(0, 12) ?? ""} ${f.date?.slice(0, 10) ?? ""}`);
      rows.push(row);
    }
    return renderTable(rows);
  };
  if (findings.length > 0) {
    process.stdout.write(
      `${rowsOf(findings, false)}\n` +
        "Rotate every key listed above (removing it from the code does not un-leak it), then load it at runtime.\n" +
        "Allowlist a false positive with a `secrets-scan:allow` comment on its line or in secrets.config.json (scan.allowlist).\n\n",
    );
  }
  if (other.length > 0) {
    process.stdout.write(
      `Also found, not counted (tests, docs and examples, dummy values, files not committed, or half a key): review them; a stand-in needs nothing, a real key still needs rotating.\n${rowsOf(other, true)}\n\n`,
    );
  }
  const counts = new Map<string, number>();
  for (const k of skipped) counts.set(k.reason, (counts.get(k.reason) ?? 0) + 1);
  const skippedText = counts.size
    ? `; skipped ${[...counts].map(([r, n]) => `${n} ${r}`).join(", ")} (not scanned: see --json "skipped")`
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
  const otherText = other.length ? `; ${other.length} not counted` : "";
  process.stdout.write(`${verdict} in ${scope} in ${s.durationMs} ms${otherText}${skippedText}\n`);
  if (skipped.length > 0 && skipped.length <= 10) {
    for (const k of skipped) {
      process.stdout.write(
        `  skipped ${k.file}${k.commit ? ` (commit ${k.commit.slice(0, 12)})` : ""}: ${k.reason}${k.detail ? `, ${k.detail}` : ""}\n`,
      );
    }
  }
}
