/**
 * `secrets scan` must never pass while scanning nothing: ignore rules are
 * matched relative to the .gitignore that defines them (never the working
 * directory), the config is the scanned repository's, a bad --since is an
 * error, a named input that was not read is an error, and file names cannot
 * forge report lines (issue 13 bugs 1-4, issue 9 defect 9).
 */

import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { FAKES } from "../../unit/cli/support/fakes.js";
import { commitAll, gitInit, makeProject, writeFiles } from "../../unit/cli/support/project.js";
import { assertBuilt, cli, usageLine } from "./support.js";

const stripe = FAKES.stripe_live as () => string;
const leak = () => `export const k = "${stripe()}";\n`;

beforeAll(() => assertBuilt());

describe("ignore rules are relative to their .gitignore, not the working directory", () => {
  it("a scan started from a folder the repository ignores still reads the repository", () => {
    const parent = makeProject({ "scratch/.keep": "" });
    const repo = join(parent, "repo");
    writeFiles(repo, { ".gitignore": "/scratch/\nscratch/\n", "src/pay.ts": leak() });
    gitInit(repo);
    const r = cli(["scan", "--json", join(repo, "src")], { cwd: join(parent, "scratch") });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).stats.files).toBe(1);
  });

  it("a parent folder named like an ignored pattern does not hide a subfolder scan", () => {
    const parent = makeProject();
    const repo = join(parent, "dist", "repo");
    writeFiles(repo, { ".gitignore": "dist/\n", "src/lib/pay.ts": leak() });
    gitInit(repo);
    const r = cli(["scan", "--json", "src/lib"], { cwd: repo });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings[0].file).toBe("src/lib/pay.ts");
  });

  it("a root rule for sub/gen/ applies to a scan of sub", () => {
    const repo = makeProject({
      ".gitignore": "sub/gen/\n",
      "sub/gen/out.ts": leak(),
      "sub/ok.ts": "export {};\n",
    });
    gitInit(repo);
    const r = cli(["scan", "--json", "sub"], { cwd: repo });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).stats.files).toBe(1);
  });

  it("0 files read from a non-empty path: exit 2, unless every entry was ignored on purpose (named)", () => {
    const binaries = makeProject();
    writeFileSync(join(binaries, "a.bin"), Buffer.from([0, 1, 2, 3]));
    const r = cli(["scan", binaries]);
    expect(usageLine(r)).toMatch(/scanned 0 files: all 1 entries were skipped \(binary\)/);

    const repo = makeProject({ ".gitignore": "gen/\n", "gen/a.ts": leak() });
    gitInit(repo);
    const ignored = cli(["scan", "--json", "gen"], { cwd: repo });
    expect(ignored.code).toBe(0);
    expect(ignored.stderr).toMatch(/every entry is ignored by "gen\/" in \.\.\/\.gitignore/);
    expect(JSON.parse(ignored.stdout).ignored).toEqual([
      { rule: "gen/", source: "../.gitignore", entries: 1 },
    ]);
    // An empty folder is not an error.
    mkdirSync(join(repo, "empty"));
    expect(cli(["scan", "empty"], { cwd: repo }).code).toBe(0);
  });
});

describe("--since", () => {
  it("a date git cannot read is an error (exit 2, the accepted forms), in scan and doctor", () => {
    const repo = makeProject({ "a.ts": leak() });
    gitInit(repo);
    commitAll(repo, "leak", "2024-03-01T12:00:00Z");
    for (const args of [
      ["scan", "--history", "--since", "notadate"],
      ["doctor", "--offline", "--since", "notadate"],
      ["scan", "--history", "--since", "2024-02-30"],
    ]) {
      expect(usageLine(cli(args, { cwd: repo }))).toMatch(/expected a date \(2025-01-31\).*ago/);
    }
    expect(cli(["scan", "--history", "--since", "2024-01-01"], { cwd: repo }).code).toBe(1);
    expect(cli(["scan", "--history", "--since", "10 years ago"], { cwd: repo }).code).toBe(1);
  });
});

describe("the config is the scanned repository's", () => {
  it("--history <repo> from elsewhere applies <repo>/secrets.config.json; --config overrides", () => {
    const repo = makeProject({
      "secrets.config.json": JSON.stringify({ scan: { allowlist: { paths: ["fixtures/"] } } }),
      "fixtures/fake.ts": leak(),
    });
    gitInit(repo);
    commitAll(repo, "fixture");
    const elsewhere = makeProject();
    expect(cli(["scan", "--history", repo], { cwd: elsewhere }).code).toBe(0);
    expect(cli(["scan", repo], { cwd: elsewhere }).code).toBe(0);
    expect(cli(["scan", join(repo, "fixtures")], { cwd: elsewhere }).code).toBe(0);
    writeFileSync(join(elsewhere, "empty.json"), "{}");
    const overridden = cli(["scan", "--history", repo, "--config", join(elsewhere, "empty.json")], {
      cwd: elsewhere,
    });
    expect(overridden.code).toBe(1);
  });
});

describe("--history --json stats", () => {
  it("reports the blocks and bytes of added lines read", () => {
    const repo = makeProject({ "a.ts": "export const a = 1;\n", "b.ts": "export const b = 2;\n" });
    gitInit(repo);
    commitAll(repo, "two files");
    const r = cli(["scan", "--history", "--json"], { cwd: repo });
    expect(r.code).toBe(0);
    const { stats } = JSON.parse(r.stdout);
    expect(stats.commits).toBe(1);
    expect(stats.files).toBe(2);
    expect(stats.bytes).toBe(38);
  });
});

describe("named inputs that are not read, and hostile file names", () => {
  it("a FIFO, /dev/stdin or a device named on the command line: exit 2, one line", () => {
    const dir = makeProject();
    const fifo = join(dir, "pipe");
    execFileSync("mkfifo", [fifo]);
    expect(usageLine(cli(["scan", fifo]))).toMatch(/pipe \(FIFO\), not a regular file/);
    expect(usageLine(cli(["scan", "/dev/null"]))).toMatch(/character device/);
    // The test runner gives the child a pipe as its standard input.
    expect(usageLine(cli(["scan", "/dev/stdin"]))).toMatch(/not a regular file/);
  });

  it("scans a file whose name is not UTF-8, and names it with \\x escapes", () => {
    const dir = mkdtempSync(join(tmpdir(), "secrets-cli-"));
    const name = Buffer.concat([
      Buffer.from(`${dir}/caf`),
      Buffer.from([0xe9]),
      Buffer.from(".ts"),
    ]);
    writeFileSync(name, leak());
    const r = cli(["scan", "--json", dir]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.findings[0].file).toBe(`${dir}/caf\\xe9.ts`);
    expect(doc.skipped).toEqual([]);
  });

  it("escapes control characters in file names in text, JSON and SARIF output", () => {
    const dir = makeProject();
    const forged = "a.ts\nno secrets found in 0 files\u001b[2J\u202e.ts";
    writeFileSync(join(dir, forged), leak());
    const text = cli(["scan", "."], { cwd: dir });
    expect(text.code).toBe(1);
    expect(text.stdout).not.toMatch(/^no secrets found/m);
    expect(text.stdout).not.toContain("\u001b");
    expect(text.stdout).not.toContain("\u202e");
    expect(text.stdout).toContain("a.ts\\x0ano secrets found in 0 files\\x1b[2J\\u202e.ts");
    const json = cli(["scan", "--json", "."], { cwd: dir });
    expect(JSON.parse(json.stdout).findings[0].file).toBe(
      "a.ts\\x0ano secrets found in 0 files\\x1b[2J\\u202e.ts",
    );
    const sarif = cli(["scan", "--sarif", "."], { cwd: dir });
    expect(sarif.stdout).not.toContain("\\n");
    expect(sarif.stdout).not.toContain("\\u001b");
    expect(sarif.stdout).not.toContain("\u202e");
  });

  it("escapes control characters in names from git history", () => {
    const repo = makeProject();
    gitInit(repo);
    writeFileSync(join(repo, "x\u001b[31m.ts"), leak());
    commitAll(repo, "odd name");
    const r = cli(["scan", "--history", "--json"], { cwd: repo });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings[0].file).toBe("x\\x1b[31m.ts");
  });
});
