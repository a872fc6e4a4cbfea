import { spawnSync } from "node:child_process";
import {
  chmodSync,
  closeSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { FAKES } from "../../unit/cli/support/fakes.js";
import { commitAll, git, gitInit, makeProject } from "../../unit/cli/support/project.js";
import { ScanOutputSchema } from "./output-schemas.js";
import {
  assertBuilt,
  BIN,
  cli,
  hasAnsi,
  jsonValidator,
  sarifValidator,
  usageLine,
  withoutRootOverride,
} from "./support.js";

const stripe = FAKES.stripe_live as () => string;

beforeAll(() => assertBuilt());

describe("the bin", () => {
  it("is an executable script with a node shebang, and prints help and version", () => {
    expect(readFileSync(BIN, "utf8").split("\n")[0]).toBe("#!/usr/bin/env node");
    const direct = spawnSync(BIN, ["--version"], {
      encoding: "utf8",
      env: { PATH: `${dirname(process.execPath)}:${process.env.PATH}` },
    });
    expect(direct.status).toBe(0);
    expect(direct.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const help = cli(["--help"]);
    expect(help.code).toBe(0);
    for (const c of ["doctor", "scan", "get", "run"]) expect(help.stdout).toContain(c);
  });
});

describe("secrets scan (built bin)", () => {
  it("exits 0 on a clean tree and 1 on findings, printing the redacted match only", () => {
    const clean = makeProject({ "a.ts": "export const x = 1;\n" });
    const ok = cli(["scan", "."], { cwd: clean });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/no secrets found in 1 files/);
    const key = stripe();
    const dir = makeProject({ "src/pay.ts": `const k = "${key}";\n` });
    const r = cli(["scan"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/stripe-secret-key\s+src\/pay\.ts:1:12\s+sk_live_… \(32 chars\)/);
    expect(r.stdout + r.stderr).not.toContain(key.slice(4));
  });

  it("--json matches the documented schema", () => {
    const dir = makeProject({
      "a.ts": `t = "${(FAKES.ghp as () => string)()}"\n`,
      "b.bin": "\u0000\u0001",
    });
    const r = cli(["scan", "--json"], { cwd: dir });
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(jsonValidator(ScanOutputSchema)(doc)).toEqual([]);
    expect(doc.findings[0]).toMatchObject({
      rule: "github-token",
      file: "a.ts",
      line: 1,
      match: "ghp_… (40 chars)",
    });
    expect(doc.skipped).toEqual([{ file: "b.bin", reason: "binary" }]);
  });

  it("--sarif is valid SARIF 2.1.0 (official schema)", () => {
    const dir = makeProject({ "a.ts": `t = "${(FAKES.google as () => string)()}"\n` });
    const r = cli(["scan", "--sarif"], { cwd: dir });
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(sarifValidator()(doc)).toEqual([]);
    expect(doc.runs[0].results[0]).toMatchObject({ ruleId: "google-api-key", level: "error" });
    expect(doc.runs[0].results[0].locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: "a.ts" },
      region: { startLine: 1, startColumn: 6 },
    });
  });

  it("the validators reject wrong documents (so the checks above can fail)", () => {
    expect(sarifValidator()({ version: "2.1.0", runs: [{ tool: {} }] }).length).toBeGreaterThan(0);
    expect(jsonValidator(ScanOutputSchema)({ schemaVersion: 1 }).length).toBeGreaterThan(0);
  });

  it("respects NO_COLOR and FORCE_COLOR, and prints no progress when not on a TTY", () => {
    const dir = makeProject({ "a.ts": `k = "${stripe()}"\n` });
    const plain = cli(["scan"], { cwd: dir, env: { NO_COLOR: "1" } });
    expect(hasAnsi(plain.stdout + plain.stderr)).toBe(false);
    const forced = cli(["scan"], { cwd: dir, env: { FORCE_COLOR: "1" } });
    expect(hasAnsi(forced.stdout)).toBe(true);
    expect(forced.stderr).toBe("");
  });

  it("scans staged changes and history, with --since", () => {
    const dir = makeProject({ "a.ts": "x\n" });
    gitInit(dir);
    commitAll(dir, "init", "2024-01-01T00:00:00Z");
    writeFileSync(join(dir, "a.ts"), `x\nk = "${stripe()}"\n`);
    expect(cli(["scan", "--staged"], { cwd: dir }).code).toBe(0);
    git(dir, "add", "a.ts");
    const staged = cli(["scan", "--staged", "--json"], { cwd: dir });
    expect(staged.code).toBe(1);
    expect(JSON.parse(staged.stdout).findings[0]).toMatchObject({ file: "a.ts", line: 2 });
    commitAll(dir, "leak", "2024-03-01T00:00:00Z");
    writeFileSync(join(dir, "a.ts"), "x\n");
    commitAll(dir, "fix", "2024-04-01T00:00:00Z");
    const history = cli(["scan", "--history"], { cwd: dir });
    expect(history.code).toBe(1);
    expect(history.stdout).toMatch(
      /a\.ts:2:\d+\s+sk_live_… \(\d+ chars\)\s+[0-9a-f]{12} 2024-03-01/,
    );
    expect(cli(["scan", "--history", "--since", "2024-03-15"], { cwd: dir }).code).toBe(0);
    expect(cli(["scan"], { cwd: dir }).code).toBe(0);
  });

  it("--history on a subfolder scans that folder's history only", () => {
    const dir = makeProject({ "a/keys.ts": `k = "${stripe()}"\n`, "b/ok.ts": "x\n" });
    gitInit(dir);
    commitAll(dir, "init", "2024-01-01T00:00:00Z");
    expect(cli(["scan", "--history", "b"], { cwd: dir }).code).toBe(0);
    expect(cli(["scan", "--history", "a"], { cwd: dir }).code).toBe(1);
    expect(cli(["scan", "--history"], { cwd: dir }).code).toBe(1);
  });

  it("applies config allowlists", () => {
    const dir = makeProject({
      "fixtures/keys.ts": `k = "${stripe()}"\n`,
      "src/a.ts": `k = "${(FAKES.ghp as () => string)()}"\n`,
      "secrets.config.json": JSON.stringify({
        scan: { allowlist: { paths: ["fixtures/"], rules: ["github-token"] } },
      }),
    });
    expect(cli(["scan"], { cwd: dir }).code).toBe(0);
  });
});

describe("hostile input", () => {
  it("a missing path: one line, exit 2", () => {
    expect(usageLine(cli(["scan", "does-not-exist"], { cwd: makeProject() }))).toMatch(
      /cannot scan does-not-exist: no such file or directory/,
    );
    expect(usageLine(cli(["doctor", "does-not-exist"], { cwd: makeProject() }))).toMatch(
      /no such directory/,
    );
  });

  it("a non-git directory with --history or --staged: one line, exit 2", () => {
    const dir = makeProject({ "a.ts": "" });
    expect(usageLine(cli(["scan", "--history"], { cwd: dir }))).toMatch(/not a git repository/);
    expect(usageLine(cli(["scan", "--staged"], { cwd: dir }))).toMatch(/not a git repository/);
  });

  it("unknown flags and commands: one line, exit 2", () => {
    // Named by position, never quoted (a value may have been pasted there).
    expect(usageLine(cli(["scan", "--bogus"]))).toMatch(/argument 2 .* is not an option/);
    expect(usageLine(cli(["scna"]))).toMatch(/argument 1 .* is not a command; did you mean scan/);
    expect(usageLine(cli(["scan", "--max-file-size", "lots"]))).toMatch(/expected a whole number/);
    expect(usageLine(cli(["scan", "--json", "--sarif"]))).toMatch(/choose one/);
  });

  it("malformed and invalid config: file, key path and fix in one line, exit 2", () => {
    const bad = makeProject({ "secrets.config.json": "{ not json" });
    expect(usageLine(cli(["scan"], { cwd: bad }))).toMatch(
      /secrets\.config\.json: not valid JSON .*Fix:/,
    );
    const typo = makeProject({
      "secrets.config.json": JSON.stringify({ scan: { allowlist: { rule: [] } } }),
    });
    expect(usageLine(cli(["doctor"], { cwd: typo }))).toMatch(
      /secrets\.config\.json: scan\.allowlist\.rule: unknown key\. Fix: rename it to "rules"/,
    );
  });

  it("binary files, symlink loops and an oversized sparse file are skipped, not fatal", () => {
    const dir = makeProject({ "a.ts": "ok\n" });
    writeFileSync(join(dir, "blob.bin"), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1]));
    mkdirSync(join(dir, "loop"));
    symlinkSync(join(dir, "loop"), join(dir, "loop", "self"));
    const fd = openSync(join(dir, "huge.log"), "w");
    ftruncateSync(fd, 8 * 1024 ** 3); // 8 GiB, sparse: no disk used
    closeSync(fd);
    const r = cli(["scan", "--json"], { cwd: dir });
    expect(r.code).toBe(0);
    const reasons = Object.fromEntries(
      JSON.parse(r.stdout).skipped.map((s: { file: string; reason: string }) => [s.file, s.reason]),
    );
    expect(reasons).toEqual({
      "blob.bin": "binary",
      "loop/self": "symlink",
      "huge.log": "too-large",
    });
    symlinkSync(join(dir, "l2"), join(dir, "l1"));
    symlinkSync(join(dir, "l1"), join(dir, "l2"));
    expect(usageLine(cli(["scan", "l1"], { cwd: dir }))).toMatch(/symlink loop/);
    rmSync(dir, { recursive: true, force: true });
  });

  it("an unreadable file inside a tree fails the scan (exit 2, one line), as a gate must not pass unread files", () => {
    const dir = makeProject({ "ok.ts": "fine\n", "secret.ts": "hidden\n" });
    chmodSync(join(dir, "secret.ts"), 0o000);
    const r = cli(["scan", dir], { prefix: withoutRootOverride() });
    expect(usageLine(r)).toMatch(
      /^error: scan incomplete, cannot read .*secret\.ts \(EACCES\)\. Fix: make it readable/,
    );
    expect(r.stdout).toMatch(/skipped 1 unreadable/);
    const json = cli(["scan", "--json", dir], { prefix: withoutRootOverride() });
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout).skipped).toEqual([
      { file: `${dir}/secret.ts`, reason: "unreadable", detail: "EACCES" },
    ]);
    expect(readdirSync(dir).sort()).toEqual(["ok.ts", "secret.ts"]);
    expect(readFileSync(join(dir, "ok.ts"), "utf8")).toBe("fine\n");
  });

  it("a file named on the command line that is unreadable, binary or oversized is a one-line error (exit 2)", () => {
    const dir = makeProject({ "secret.ts": "hidden\n" });
    chmodSync(join(dir, "secret.ts"), 0o000);
    writeFileSync(join(dir, "blob.bin"), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1]));
    const fd = openSync(join(dir, "huge.log"), "w");
    ftruncateSync(fd, 8 * 1024 ** 3); // 8 GiB, sparse: no disk used
    closeSync(fd);
    const run = (...args: string[]) =>
      cli(["scan", ...args], { cwd: dir, prefix: withoutRootOverride() });
    expect(usageLine(run("secret.ts"))).toMatch(
      /cannot scan secret\.ts: it cannot be read \(permission denied\)/,
    );
    expect(usageLine(run("blob.bin"))).toMatch(/cannot scan blob\.bin: it is a binary file/);
    expect(usageLine(run("huge.log"))).toMatch(
      /cannot scan huge\.log: it is larger than the size limit/,
    );
    expect(usageLine(run("--max-file-size", String(16 * 1024 ** 3), "huge.log"))).toMatch(
      /--max-file-size.*expected at most \d+ bytes/,
    );
    rmSync(dir, { recursive: true, force: true });
  });
});
