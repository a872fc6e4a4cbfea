/**
 * Leak-scan speed (issue 5, DESIGN.md §9), secrets-loader's `secrets scan`
 * against gitleaks on the same generated inputs, each run as a CLI process
 * (start-up included):
 *  1. the DESIGN target tree: 2,000 files / 24 MB (target < 1 s);
 *  2. a working tree of 20,000 files / 200 MB;
 *  3. the added lines of a 5,000-commit git history.
 * Inputs are generated once into the OS temp dir by scripts/bench/generate.ts
 * (fake keys assembled at run time) and reused by later runs.
 *
 *   npm run bench scan                       (builds first)
 *   node bench/scan.bench.ts                 (after npm run build)
 *   SCAN_BENCH_FILES=5000 SCAN_BENCH_MB=50 SCAN_BENCH_COMMITS=1000 node bench/scan.bench.ts
 *
 * gitleaks is the pinned build from scripts/bench/install-gitleaks.sh in
 * .tools/bin (installed on first run with `go install`); a missing Go
 * toolchain fails the benchmark loudly.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateHistory, generateTree } from "../scripts/bench/generate.ts";
import { median, table } from "./support.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = join(root, "dist/src/cli/main.js");
const GITLEAKS = join(root, ".tools/bin/gitleaks");
const FILES = Number(process.env.SCAN_BENCH_FILES ?? 20_000);
const MB = Number(process.env.SCAN_BENCH_MB ?? 200);
const COMMITS = Number(process.env.SCAN_BENCH_COMMITS ?? 5_000);
const RUNS = Number(process.env.SCAN_BENCH_RUNS ?? 3);
const work = join(tmpdir(), "secrets-loader-scan-bench");

if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run npm run build first`);
if (!existsSync(GITLEAKS)) {
  const r = spawnSync("bash", [join(root, "scripts/bench/install-gitleaks.sh")], {
    stdio: "inherit",
  });
  if (r.status !== 0 || !existsSync(GITLEAKS)) {
    throw new Error(
      "gitleaks is required for this comparison and could not be installed (scripts/bench/install-gitleaks.sh needs Go)",
    );
  }
}
const gitleaksVersion = spawnSync(GITLEAKS, ["version"], { encoding: "utf8" }).stdout.trim();

/** Generates an input once; a marker file records what was generated. */
function input(name: string, make: (dir: string) => number): { dir: string; planted: number } {
  const dir = join(work, name);
  const marker = join(work, `${name}.planted`);
  if (existsSync(marker) && existsSync(dir))
    return { dir, planted: Number(readFileSync(marker, "utf8")) };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  console.error(`generating ${name} ...`);
  const planted = make(dir);
  writeFileSync(marker, String(planted));
  return { dir, planted };
}

function timed(
  cmd: string,
  args: string[],
  cwd = root,
): { ms: number; stdout: string; status: number | null } {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
  const ms = performance.now() - t0;
  if (r.error) throw r.error;
  if (r.status !== 0 && r.status !== 1)
    throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return { ms, stdout: r.stdout, status: r.status };
}

function ours(args: string[]): { ms: number; findings: number } {
  const times: number[] = [];
  let findings = 0;
  for (let i = 0; i < RUNS; i++) {
    const r = timed(process.execPath, [BIN, "scan", ...args, "--json"]);
    times.push(r.ms);
    findings = JSON.parse(r.stdout).findings.length;
  }
  return { ms: median(times), findings };
}

function gitleaks(args: string[]): { ms: number; findings: number } {
  const report = join(work, "gitleaks-report.json");
  const r = timed(GITLEAKS, [
    ...args,
    "--no-banner",
    "--log-level",
    "error",
    "--report-format",
    "json",
    "--report-path",
    report,
    "--exit-code",
    "0",
  ]);
  const findings = (JSON.parse(readFileSync(report, "utf8")) as unknown[]).length;
  return { ms: r.ms, findings };
}

const cases = [
  {
    name: "tree 2,000 files / 24 MB",
    input: input("tree-2000-24", (d) => generateTree(d, 2000, 24)),
    kind: "tree",
  },
  {
    name: `tree ${FILES.toLocaleString("en-US")} files / ${MB} MB`,
    input: input(`tree-${FILES}-${MB}`, (d) => generateTree(d, FILES, MB)),
    kind: "tree",
  },
  {
    name: `history ${COMMITS.toLocaleString("en-US")} commits`,
    input: input(`history-${COMMITS}`, (d) => generateHistory(d, COMMITS)),
    kind: "history",
  },
] as const;

const rows: Array<Record<string, string | number>> = [];
for (const c of cases) {
  console.error(`measuring ${c.name} ...`);
  const a = c.kind === "tree" ? ours([c.input.dir]) : ours(["--history", c.input.dir]);
  const b = c.kind === "tree" ? gitleaks(["dir", c.input.dir]) : gitleaks(["git", c.input.dir]);
  rows.push({
    input: c.name,
    "secrets scan (s)": a.ms / 1000,
    "gitleaks (s)": b.ms / 1000,
    "gitleaks / ours": Math.round((b.ms / a.ms) * 10) / 10,
    "findings ours": a.findings,
    "findings gitleaks": b.findings,
    planted: c.input.planted,
  });
}

console.log(
  `\nLeak scan, CLI wall time incl. start-up; ours = median of ${RUNS} runs, gitleaks ${gitleaksVersion} = 1 run`,
);
console.log(
  `machine: ${process.arch}, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}\n`,
);
table(rows);
const target = rows[0]?.["secrets scan (s)"];
console.log(
  `\nDESIGN target (2,000 files / 24 MB in < 1 s): ${typeof target === "number" && target < 1 ? "met" : "NOT met"} (${target} s)`,
);
