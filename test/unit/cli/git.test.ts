import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Scanner } from "../../../src/cli/scan/engine.js";
import { scanHistory, scanStaged } from "../../../src/cli/scan/git.js";
import { FAKES } from "./support/fakes.js";
import { commitAll, git, gitInit, makeProject } from "./support/project.js";

const scanner = new Scanner();

describe("git scans", () => {
  it("finds a key added in an old commit and removed since, with commit and line", async () => {
    const dir = makeProject({ "a.ts": "one\ntwo\n" });
    gitInit(dir);
    commitAll(dir, "first", "2024-01-01T00:00:00Z");
    writeFileSync(
      join(dir, "a.ts"),
      `one\ntwo\nconst k = "${(FAKES.stripe_live as () => string)()}";\n`,
    );
    commitAll(dir, "add key", "2024-06-01T00:00:00Z");
    const added = git(dir, "rev-parse", "HEAD").trim();
    rmSync(join(dir, "a.ts"));
    commitAll(dir, "remove", "2024-07-01T00:00:00Z");
    const r = await scanHistory(dir, scanner);
    expect(r.commits).toBe(3);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({
      rule: "stripe-secret-key",
      file: "a.ts",
      line: 3,
      commit: added,
    });
    expect(r.findings[0]?.date?.slice(0, 10)).toBe("2024-06-01");
    const recent = await scanHistory(dir, scanner, { since: "2024-06-15" });
    expect(recent.commits).toBe(1);
    expect(recent.findings).toEqual([]);
  });

  it("recognises multi-line keys in diffs", async () => {
    const dir = makeProject({});
    gitInit(dir);
    writeFileSync(join(dir, "id_rsa"), (FAKES.pem_rsa as () => string)());
    commitAll(dir, "oops");
    const r = await scanHistory(dir, scanner);
    expect(r.findings.map((f) => `${f.rule}:${f.line}`)).toEqual(["private-key:2"]);
  });

  it("scans only the staged added lines", async () => {
    const dir = makeProject({ "a.ts": "clean\n" });
    gitInit(dir);
    commitAll(dir, "first");
    writeFileSync(join(dir, "a.ts"), `clean\nconst t = "${(FAKES.ghp as () => string)()}";\n`);
    expect((await scanStaged(dir, scanner)).findings).toEqual([]);
    git(dir, "add", "a.ts");
    const r = await scanStaged(dir, scanner);
    expect(r.findings.map((f) => `${f.file}:${f.line}:${f.rule}`)).toEqual(["a.ts:2:github-token"]);
  });

  it("handles an empty repository and refuses a non-repository", async () => {
    const dir = makeProject({});
    await expect(scanHistory(dir, scanner)).rejects.toThrow(/not a git repository/);
    gitInit(dir);
    expect(await scanHistory(dir, scanner)).toEqual({
      findings: [],
      commits: 0,
      files: 0,
      bytes: 0,
      skipped: [],
    });
  });
});

describe("git scans: limits", () => {
  it("skips an added block larger than the limit", async () => {
    const dir = makeProject({});
    gitInit(dir);
    writeFileSync(
      join(dir, "dump.sql"),
      `${"x".repeat(2000)}\nk = "${(FAKES.stripe_live as () => string)()}"\n`,
    );
    writeFileSync(join(dir, "small.ts"), `k = "${(FAKES.ghp as () => string)()}"\n`);
    commitAll(dir, "add");
    const r = await scanHistory(dir, new Scanner(), { maxBlockSize: 1000 });
    expect(r.findings.map((f) => f.file)).toEqual(["small.ts"]);
  });
});

describe("git scans: diff parsing", () => {
  it('keeps scanning after an added line that reads "++ /dev/null"', async () => {
    const dir = makeProject({ "a.txt": "one\n" });
    gitInit(dir);
    commitAll(dir, "first");
    const key = (FAKES.ghp as () => string)();
    // In the diff this added line is "+++ /dev/null": not a file header.
    writeFileSync(join(dir, "a.txt"), `one\n++ /dev/null\nconst t = "${key}";\n`);
    git(dir, "add", "a.txt");
    const staged = await scanStaged(dir, scanner);
    expect(staged.findings.map((f) => `${f.file}:${f.line}:${f.rule}`)).toEqual([
      "a.txt:3:github-token",
    ]);
    commitAll(dir, "second");
    const r = await scanHistory(dir, scanner);
    expect(r.findings.map((f) => `${f.file}:${f.line}:${f.rule}`)).toEqual([
      "a.txt:3:github-token",
    ]);
  });

  it("finds a key added while resolving a merge, and reports a branch's key once", async () => {
    const dir = makeProject({ "conf.ts": "export const a = 1;\n" });
    gitInit(dir);
    commitAll(dir, "base");
    git(dir, "checkout", "-q", "-b", "feature");
    writeFileSync(join(dir, "conf.ts"), "export const a = 2;\n");
    writeFileSync(join(dir, "branch.ts"), `k = "${(FAKES.stripe_live as () => string)()}"\n`);
    commitAll(dir, "feature");
    git(dir, "checkout", "-q", "main");
    writeFileSync(join(dir, "conf.ts"), "export const a = 3;\n");
    commitAll(dir, "main change");
    try {
      git(dir, "merge", "-q", "--no-edit", "feature");
    } catch {
      // The conflict is the point: it is resolved by hand below.
    }
    const key = (FAKES.ghp as () => string)();
    writeFileSync(join(dir, "conf.ts"), `export const a = 4;\nconst t = "${key}";\n`);
    git(dir, "add", "conf.ts");
    git(dir, "commit", "-q", "--no-edit");
    const merge = git(dir, "rev-parse", "HEAD").trim();
    const r = await scanHistory(dir, scanner);
    expect(r.findings.map((f) => `${f.file}:${f.rule}`).sort()).toEqual([
      "branch.ts:stripe-secret-key",
      "conf.ts:github-token",
    ]);
    expect(r.findings.find((f) => f.file === "conf.ts")?.commit).toBe(merge);
  });

  it("limits the history to pathspecs relative to the directory", async () => {
    const dir = makeProject({
      "app/a.ts": `k = "${(FAKES.ghp as () => string)()}"\n`,
      "other/b.ts": `k = "${(FAKES.stripe_live as () => string)()}"\n`,
    });
    gitInit(dir);
    commitAll(dir, "both");
    const r = await scanHistory(join(dir, "app"), scanner, { pathspecs: ["."] });
    expect(r.findings.map((f) => f.rule)).toEqual(["github-token"]);
  });
});
