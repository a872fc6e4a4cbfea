import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Scanner } from "../../../src/cli/scan/engine.js";
import { ScanInputError, scanTree } from "../../../src/cli/scan/tree.js";
import { walkFiles } from "../../../src/cli/scan/walk.js";
import { FAKES } from "./support/fakes.js";
import { gitInit, makeProject } from "./support/project.js";

const files = (dir: string) => [...walkFiles(dir)].map((f) => f.rel).sort();

describe("walkFiles", () => {
  it("honours .gitignore at every level, with negation", () => {
    const dir = makeProject({
      ".gitignore": "*.log\nbuild/\n!keep.log\n",
      "a.ts": "",
      "x.log": "",
      "keep.log": "",
      "build/out.js": "",
      "src/.gitignore": "generated.ts\n",
      "src/generated.ts": "",
      "src/main.ts": "",
    });
    expect(files(dir)).toEqual([".gitignore", "a.ts", "keep.log", "src/.gitignore", "src/main.ts"]);
  });

  it("honours the repository's .gitignore when scanning a subfolder", () => {
    const dir = makeProject({
      ".gitignore": "secret.txt\n",
      "sub/secret.txt": "",
      "sub/ok.txt": "",
    });
    gitInit(dir);
    expect(files(join(dir, "sub"))).toEqual(["ok.txt"]);
  });

  it("never enters .git and does not follow symlinks (so loops are harmless)", () => {
    const dir = makeProject({ "a.txt": "" });
    gitInit(dir);
    mkdirSync(join(dir, "loop"));
    symlinkSync(join(dir, "loop"), join(dir, "loop", "again"));
    symlinkSync(join(dir, "a.txt"), join(dir, "link.txt"));
    const skipped: string[] = [];
    const seen = [...walkFiles(dir, { onSkip: (s) => skipped.push(`${s.file}:${s.reason}`) })].map(
      (f) => f.rel,
    );
    expect(seen).toEqual(["a.txt"]);
    expect(skipped.sort()).toEqual(["link.txt:symlink", "loop/again:symlink"]);
  });
});

describe("scanTree", () => {
  const scanner = new Scanner();

  it("skips binaries and files over the size limit", () => {
    const key = (FAKES.stripe_live as () => string)();
    const dir = makeProject({ "a.ts": `k="${key}"`, "big.txt": `k="${key}"\n${"x".repeat(2000)}` });
    const bin = Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(`k="${key}"`)]);
    writeFileSync(join(dir, "img.bin"), bin);
    const r = scanTree([dir], scanner, { maxFileSize: 1000 });
    expect(r.findings.map((f) => f.file)).toEqual([`${dir}/a.ts`]);
    expect(r.skipped.map((s) => `${s.file.slice(dir.length + 1)}:${s.reason}`).sort()).toEqual([
      "big.txt:too-large",
      "img.bin:binary",
    ]);
  });

  it("decodes UTF-16 files with a byte-order mark instead of skipping them as binary", () => {
    const key = (FAKES.stripe_live as () => string)();
    const dir = makeProject();
    const text = `const k = "${key}";\n`;
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    const be = Buffer.from(le).swap16();
    writeFileSync(join(dir, "le.ts"), le);
    writeFileSync(join(dir, "be.ts"), be);
    const r = scanTree([dir], scanner);
    expect(r.skipped).toEqual([]);
    expect(
      r.findings.map((f) => `${f.file.slice(dir.length + 1)}:${f.line}:${f.column}`).sort(),
    ).toEqual(["be.ts:1:12", "le.ts:1:12"]);
  });

  it("throws a one-line input error for a missing path or a symlink loop", () => {
    const dir = makeProject();
    symlinkSync(join(dir, "l1"), join(dir, "l2"));
    symlinkSync(join(dir, "l2"), join(dir, "l1"));
    expect(() => scanTree([join(dir, "missing")], scanner)).toThrow(ScanInputError);
    expect(() => scanTree([join(dir, "l1")], scanner)).toThrow(/symlink loop/);
  });
});

describe("allowlisted paths", () => {
  it("match relative, ./-prefixed and absolute paths, never paths outside the working directory", async () => {
    const { safeIgnores, scanSetup } = await import("../../../src/cli/scan/setup.js");
    const { validateConfig } = await import("../../../src/cli/config/validate.js");
    const ig = (await import("ignore")).default().add(["fixtures/"]);
    expect(safeIgnores(ig, "fixtures/a.ts")).toBe(true);
    expect(safeIgnores(ig, "./fixtures/a.ts")).toBe(true);
    expect(safeIgnores(ig, join(process.cwd(), "fixtures/a.ts"))).toBe(true);
    expect(safeIgnores(ig, "/elsewhere/fixtures/a.ts")).toBe(false);
    expect(safeIgnores(ig, "../x/fixtures/a.ts")).toBe(false);
    const setup = scanSetup(
      validateConfig({ scan: { allowlist: { paths: ["fixtures/"] } } }, "c.json"),
    );
    const dir = makeProject({ "src/a.ts": `k="${(FAKES.stripe_live as () => string)()}"` });
    const r = scanTree([dir], setup.scanner, { exclude: setup.excluded });
    expect(r.findings.filter(setup.keep)).toHaveLength(1);
  });
});
