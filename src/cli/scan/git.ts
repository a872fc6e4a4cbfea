/**
 * Scans what git knows: the added lines of every reachable commit
 * (`--history`) or of the index (`--staged`). `git log -p` is streamed and
 * parsed as it arrives, so memory stays flat however long the history is.
 * Only added lines are scanned (a removed line was scanned when it was added);
 * consecutive added lines of one file are scanned together so that
 * multi-line keys (PEM blocks, AWS key pairs) are still recognised.
 */

import { spawn, spawnSync } from "node:child_process";
import { ScanInputError } from "../errors.js";
import { displayName } from "./display.js";
import type { Scanner } from "./engine.js";
import { isValidSince, SINCE_FORMS, sinceProblem, sinceTime } from "./since.js";
import { DEFAULT_MAX_FILE_SIZE } from "./tree.js";
import type { RawFinding, Skipped } from "./types.js";

/**
 * Options of {@link scanHistory}.
 *
 * @example
 * ```ts
 * await scanHistory("/repo", scanner, { since: "2025-01-01" });
 * ```
 */
export interface HistoryOptions {
  /** Only commits after this date (anything `git log --since` accepts). */
  since?: string;
  /** Added blocks larger than this are skipped, like large files in the tree (default 5 MB). */
  maxBlockSize?: number;
  /** Called after each commit, for progress display. */
  onCommit?: (count: number) => void;
  /** Pathspec filter (config allowlist paths), as a predicate on the file path. */
  excludePath?: (file: string) => boolean;
  /**
   * Limit the history scan to these pathspecs, relative to `dir` (such as
   * `["."]` for a subfolder of a repository). Default: the whole repository.
   */
  pathspecs?: string[];
}

/**
 * What a history scan found.
 *
 * @example
 * ```ts
 * const { findings, commits } = await scanHistory(".", new Scanner());
 * ```
 */
export interface HistoryResult {
  findings: RawFinding[];
  /** Commits read. */
  commits: number;
  /** Blocks of added lines scanned (one per file per commit). */
  files: number;
  /** Bytes of added lines scanned. */
  bytes: number;
  /** Blocks of added lines not scanned (over the size limit), with their commit. */
  skipped: Skipped[];
  /** Set when `--since` is older than the first commit: the whole history was scanned. */
  sinceBeforeFirstCommit?: string;
}

/**
 * Throws a {@link ScanInputError} unless `dir` is inside a git work tree.
 *
 * @example
 * ```ts
 * assertGitRepo("."); // throws "not a git repository" outside one
 * ```
 */
export function assertGitRepo(dir: string): void {
  const r = spawnSync("git", ["-C", dir, "rev-parse", "--is-inside-work-tree"], {
    encoding: "utf8",
  });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    throw new ScanInputError(
      code === "ENOENT"
        ? "git is not installed or not on PATH"
        : `cannot run git: ${r.error.message}`,
    );
  }
  if (r.status !== 0 || r.stdout.trim() !== "true") {
    throw new ScanInputError(`not a git repository: ${dir} (--history and --staged need one)`);
  }
}

/**
 * True when `dir` is inside a git work tree.
 *
 * @example
 * ```ts
 * if (isGitRepo(".")) await scanHistory(".", scanner);
 * ```
 */
export function isGitRepo(dir: string): boolean {
  try {
    assertGitRepo(dir);
    return true;
  } catch {
    return false;
  }
}

/**
 * The path of `dir` inside its repository ("" at the top level, "sub/dir/"
 * below it), or undefined outside git.
 *
 * @example
 * ```ts
 * const inSubfolder = Boolean(repoPrefix("packages/api"));
 * ```
 */
export function repoPrefix(dir: string): string | undefined {
  const r = spawnSync("git", ["-C", dir, "rev-parse", "--show-prefix"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/**
 * The top directory of the repository holding `dir`, or undefined outside git.
 *
 * @example
 * ```ts
 * const root = repoTop("packages/api") ?? "packages/api";
 * ```
 */
export function repoTop(dir: string): string | undefined {
  const r = spawnSync("git", ["-C", dir, "rev-parse", "--show-toplevel"], { encoding: "utf8" });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : undefined;
}

/** Author time (ms) of the oldest commit reachable from any ref, or undefined. */
function firstCommitDate(dir: string): number | undefined {
  const r = spawnSync("git", ["-C", dir, "log", "--all", "--format=%at"], {
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) return undefined;
  let min = Infinity;
  for (const l of r.stdout.split("\n")) {
    const t = Number(l);
    if (l && t < min) min = t;
  }
  return Number.isFinite(min) ? min * 1000 : undefined;
}

class DiffParser {
  commit: string | undefined;
  date: string | undefined;
  file: string | undefined;
  next = 0;
  lines: string[] = [];
  lineNumbers: number[] = [];
  size = 0;
  commits = 0;
  files = 0;
  bytes = 0;
  /**
   * True between "diff --git" and the first "@@" of that file: only there are
   * "--- "/"+++ " lines headers. After it, "+++ x" is an added line "++ x".
   */
  inHeader = false;
  /** The current commit is a merge (its diff is against its first parent). */
  merge = false;
  /** Findings from merge commits: see {@link dropMergeEchoes}. */
  readonly fromMerge = new Set<RawFinding>();
  readonly findings: RawFinding[] = [];
  readonly skipped: Skipped[] = [];
  readonly maxBlock: number;

  constructor(
    private readonly scanner: Scanner,
    private readonly options: HistoryOptions,
  ) {
    this.maxBlock = options.maxBlockSize ?? DEFAULT_MAX_FILE_SIZE;
  }

  flush(): void {
    if (this.file && this.size > this.maxBlock && !this.options.excludePath?.(this.file)) {
      // Never a silent drop: a block over the limit is listed, with its commit.
      const s: Skipped = {
        file: this.file,
        reason: "too-large",
        detail: `${this.size} bytes added`,
      };
      if (this.commit) s.commit = this.commit;
      this.skipped.push(s);
    } else if (this.file && this.lines.length > 0) {
      if (!this.options.excludePath?.(this.file)) {
        const numbers = this.lineNumbers;
        const text = this.lines.join("\n");
        this.files++;
        this.bytes += text.length;
        const found = this.scanner.scanText(text, {
          file: this.file,
          commit: this.commit,
          date: this.date,
          lineOf: (n) => numbers[n - 1] ?? n,
        });
        for (const f of found) {
          this.findings.push(f);
          if (this.merge) this.fromMerge.add(f);
        }
      }
    }
    this.lines = [];
    this.lineNumbers = [];
    this.size = 0;
  }

  hunk(l: string): void {
    const m = /\+(\d+)/.exec(l);
    this.next = m ? Number(m[1]) : 0;
  }

  line(l: string): void {
    const c = l.charCodeAt(0);
    if (c === 1) {
      // \x01<hash>\x02<date>: a new commit.
      this.flush();
      this.file = undefined;
      this.inHeader = false;
      // \x01<hash>\x02<date>[\x03<parents>]
      const [head = "", parents] = l.split("\x03");
      const sep = head.indexOf("\x02");
      this.commit = head.slice(1, sep === -1 ? undefined : sep);
      this.date = sep === -1 ? undefined : head.slice(sep + 1);
      this.merge = (parents?.trim().split(" ").length ?? 0) > 1;
      this.commits++;
      this.options.onCommit?.(this.commits);
    } else if (l.startsWith("diff --git ")) {
      this.flush();
      this.file = undefined;
      this.inHeader = true;
    } else if (this.inHeader) {
      if (l.startsWith("+++ ")) {
        const target = l.slice(4);
        this.file = target === "/dev/null" ? undefined : gitPath(target).replace(/^b\//, "");
      } else if (l.startsWith("@@ ")) {
        this.inHeader = false;
        this.hunk(l);
      }
    } else if (l.startsWith("@@ ")) {
      this.hunk(l);
    } else if (c === 43 /* + */ && this.file) {
      // Past the size limit (a committed data dump), stop buffering: the block is skipped.
      this.size += l.length;
      if (this.size <= this.maxBlock) {
        this.lines.push(l.slice(1));
        this.lineNumbers.push(this.next);
      }
      this.next++;
    } else if (c === 32 /* space */) {
      this.next++;
    }
  }
}

/**
 * A merge's first-parent diff repeats every line its branch added: keep a
 * merge's finding only when no ordinary commit added the same key to the same
 * file (a key typed while resolving the merge).
 */
function dropMergeEchoes(parser: DiffParser): RawFinding[] {
  const key = (f: RawFinding) => `${f.digest}\0${f.file}`;
  const ordinary = new Set(
    parser.findings.filter((f) => !parser.fromMerge.has(f)).map((f) => key(f)),
  );
  return parser.findings.filter((f) => !parser.fromMerge.has(f) || !ordinary.has(key(f)));
}

const C_ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13 };

/**
 * A path as git prints it (raw bytes, read as latin1; C-quoted with octal
 * escapes when it holds control characters), made printable: UTF-8 decoded,
 * other bytes and control characters escaped.
 */
function gitPath(printed: string): string {
  let bytes: Buffer;
  if (printed.startsWith('"') && printed.endsWith('"') && printed.length >= 2) {
    const out: number[] = [];
    const body = printed.slice(1, -1);
    for (let i = 0; i < body.length; i++) {
      const c = body.charCodeAt(i);
      if (c !== 92 /* \ */ || i + 1 >= body.length) {
        out.push(c & 0xff);
        continue;
      }
      const next = body.charAt(++i);
      const oct = /^[0-7]{3}/.exec(body.slice(i, i + 3));
      if (oct) {
        out.push(Number.parseInt(oct[0], 8) & 0xff);
        i += 2;
      } else out.push(C_ESCAPES[next] ?? next.charCodeAt(0) & 0xff);
    }
    bytes = Buffer.from(out);
  } else bytes = Buffer.from(printed, "latin1");
  return displayName(bytes);
}

function runGitDiff(dir: string, args: string[], parser: DiffParser): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn("git", ["-C", dir, "-c", "core.quotepath=off", ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let carry = "";
    let stderr = "";
    child.stdout.setEncoding("latin1");
    child.stdout.on("data", (chunk: string) => {
      const text = carry + chunk;
      let start = 0;
      for (let nl = text.indexOf("\n"); nl !== -1; nl = text.indexOf("\n", start)) {
        parser.line(text.slice(start, nl));
        start = nl + 1;
      }
      carry = text.slice(start);
    });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (d: string) => {
      if (stderr.length < 2000) stderr += d;
    });
    child.on("error", (err) => reject(new ScanInputError(`cannot run git: ${err.message}`)));
    child.on("close", (code) => {
      if (carry) parser.line(carry);
      parser.flush();
      if (code === 0) resolvePromise();
      else {
        const first = stderr.trim().split("\n")[0] ?? "";
        reject(new ScanInputError(`git ${args[0]} failed: ${first || `exit code ${code}`}`));
      }
    });
  });
}

/**
 * Scans the added lines of every commit reachable from any ref.
 *
 * @example
 * ```ts
 * const { findings } = await scanHistory(".", new Scanner(), { since: "90 days ago" });
 * ```
 */
export async function scanHistory(
  dir: string,
  scanner: Scanner,
  options: HistoryOptions = {},
): Promise<HistoryResult> {
  assertGitRepo(dir);
  if (options.since !== undefined && !isValidSince(options.since)) {
    throw new ScanInputError(
      `invalid --since ${JSON.stringify(options.since)}: use ${SINCE_FORMS}`,
    );
  }
  const problem = options.since === undefined ? undefined : sinceProblem(options.since);
  if (problem) throw new ScanInputError(problem);
  const parser = new DiffParser(scanner, options);
  const args = [
    "log",
    "--all",
    "-p",
    "-U0",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--no-renames",
    // A merge's own changes (keys added while resolving it) are its diff
    // against the first parent; without this, git log -p shows none.
    "--diff-merges=first-parent",
    "--format=%x01%H%x02%aI%x03%P",
  ];
  if (options.since) args.push(`--since=${options.since}`);
  if (options.pathspecs?.length) args.push("--", ...options.pathspecs);
  // An empty repository (no commits yet) has no history to scan.
  const head = spawnSync("git", ["-C", dir, "rev-parse", "--verify", "-q", "HEAD"]);
  const anyRef = spawnSync("git", ["-C", dir, "for-each-ref", "--count=1"], { encoding: "utf8" });
  if (head.status !== 0 && !anyRef.stdout.trim()) {
    return { findings: [], commits: 0, files: 0, bytes: 0, skipped: [] };
  }
  await runGitDiff(dir, args, parser);
  const result: HistoryResult = {
    findings: dropMergeEchoes(parser),
    commits: parser.commits,
    files: parser.files,
    bytes: parser.bytes,
    skipped: parser.skipped,
  };
  if (options.since) {
    const first = firstCommitDate(dir);
    if (first && sinceTime(options.since) < first)
      result.sinceBeforeFirstCommit = new Date(first).toISOString();
  }
  return result;
}

/**
 * Scans the lines added in the index (what `git commit` would record): the
 * pre-commit hook's job.
 *
 * @example
 * ```ts
 * const { findings } = await scanStaged(".", new Scanner());
 * ```
 */
export async function scanStaged(
  dir: string,
  scanner: Scanner,
  options: HistoryOptions = {},
): Promise<HistoryResult> {
  assertGitRepo(dir);
  const parser = new DiffParser(scanner, options);
  await runGitDiff(
    dir,
    [
      "diff",
      "--cached",
      "-U0",
      "--no-color",
      "--no-ext-diff",
      "--no-textconv",
      "--no-renames",
      "--diff-filter=ACMR",
    ],
    parser,
  );
  return {
    findings: parser.findings,
    commits: 0,
    files: parser.files,
    bytes: parser.bytes,
    skipped: parser.skipped,
  };
}
