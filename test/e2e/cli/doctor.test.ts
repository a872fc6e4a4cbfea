import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { FAKES } from "../../unit/cli/support/fakes.js";
import { commitAll, gitInit, makeProject } from "../../unit/cli/support/project.js";
import { DoctorOutputSchema } from "./output-schemas.js";
import {
  assertBuilt,
  BIN,
  cli,
  hasAnsi,
  jsonValidator,
  sarifValidator,
  usageLine,
} from "./support.js";

beforeAll(() => assertBuilt());

// Made at run time, so that no scanner mistakes this file for a leak.
const E2E_VALUE = `doctor-${randomUUID()}`;

function cleanProject(): string {
  const dir = makeProject({
    "src/server.ts":
      'import { createSecrets } from "secrets-loader";\nexport const s = createSecrets({ onEvent: (e) => console.log(e.type) });\n',
    "secrets.config.json": JSON.stringify({
      references: { API_KEY: "env://DOCTOR_E2E_KEY" },
      audit: { sink: "stderr" },
    }),
    ".github/workflows/ci.yml":
      "jobs:\n  gate:\n    steps:\n      - run: npx secrets scan --history\n      - run: npx secrets doctor --strict\n",
  });
  gitInit(dir);
  commitAll(dir, "init");
  return dir;
}

describe("secrets doctor (built bin)", () => {
  it("prints a table grouped by item and exits 0 without fails", () => {
    const dir = cleanProject();
    const r = cli(["doctor"], { cwd: dir, env: { DOCTOR_E2E_KEY: E2E_VALUE, NO_COLOR: "1" } });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    for (let n = 1; n <= 11; n++)
      expect(r.stdout).toMatch(new RegExp(`^ ?${n}\\. .+  (PASS|WARN|FAIL|MANUAL)$`, "m"));
    expect(r.stdout).toMatch(/API_KEY \(env:\/\/DOCTOR_E2E_KEY\) resolved in \d+ ms/);
    expect(r.stdout).not.toContain(E2E_VALUE);
    expect(hasAnsi(r.stdout)).toBe(false);
    expect(r.stdout).toMatch(/Summary: \d+ pass, \d+ warn, 0 fail, \d+ manual -> exit 0/);
  });

  it("--json matches the schema; an unresolvable reference fails with exit 1", () => {
    const dir = cleanProject();
    const r = cli(["doctor", "--json"], { cwd: dir });
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(jsonValidator(DoctorOutputSchema)(doc)).toEqual([]);
    const item11 = doc.checks.find((c: { item: number }) => c.item === 11);
    expect(item11.status).toBe("fail");
    expect(item11.results[0].evidence).toMatch(/\[NOT_FOUND\]/);
  });

  it("--strict turns warnings into exit 1", () => {
    const dir = makeProject({ "a.ts": "export {};\n" });
    expect(cli(["doctor"], { cwd: dir }).code).toBe(0);
    const strict = cli(["doctor", "--strict", "--json"], { cwd: dir });
    expect(strict.code).toBe(1);
    expect(JSON.parse(strict.stdout).summary.fail).toBe(0);
  });

  it("--sarif-file writes SARIF from the same run that prints the table: no passes, real locations, stable fingerprints", () => {
    const dir = makeProject({
      "src/a.ts": `const k = "${(FAKES.stripe_live as () => string)()}";\n`,
      "secrets.config.json": JSON.stringify({ references: { API_KEY: "env://DOCTOR_E2E_KEY" } }),
    });
    const env = { DOCTOR_E2E_KEY: E2E_VALUE };
    const run = (out: string) => {
      const r = cli(["doctor", "--sarif-file", out], { cwd: dir, env });
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/Summary: \d+ pass, \d+ warn, \d+ fail, \d+ manual -> exit 1/);
      return JSON.parse(readFileSync(join(dir, out), "utf8"));
    };
    const first = run("one.sarif");
    expect(sarifValidator()(first)).toEqual([]);
    const results = first.runs[0].results as Array<{
      kind: string;
      level: string;
      ruleId: string;
      locations?: Array<{ physicalLocation: { artifactLocation: { uri: string } } }>;
      partialFingerprints: Record<string, string>;
    }>;
    expect(results.length).toBeGreaterThan(0);
    expect(results.every((x) => x.kind === "fail" && x.level !== "none")).toBe(true);
    // Item 11 resolved (a pass): not an alert.
    expect(results.some((x) => x.ruleId === "doctor/references-resolve")).toBe(false);
    for (const x of results)
      for (const l of x.locations ?? [])
        expect(existsSync(join(dir, l.physicalLocation.artifactLocation.uri))).toBe(true);
    const second = run("two.sarif");
    const prints = (d: typeof first) =>
      (d.runs[0].results as typeof results).map((x) => x.partialFingerprints["secretsLoader/v1"]);
    expect(prints(second)).toEqual(prints(first));
    expect(JSON.stringify(first)).not.toContain(E2E_VALUE);
    expect(
      usageLine(cli(["doctor", "--sarif-file", join(dir, "no/such/dir/x.sarif")], { cwd: dir })),
    ).toMatch(/cannot write --sarif-file .*: ENOENT/);
  });

  it("a key pasted into the config never reaches stderr", () => {
    const key = (FAKES.stripe_live as () => string)();
    const chunks = (t: string) => Array.from({ length: t.length - 4 }, (_, i) => t.slice(i, i + 5));
    const asRef = makeProject({
      "secrets.config.json": JSON.stringify({ references: { STRIPE: key } }),
    });
    const line = usageLine(cli(["doctor"], { cwd: asRef }));
    expect(line).toMatch(/references\.STRIPE: "sk_l…\(\d+ characters\)" is not a reference URI/);
    for (const c of chunks(key.slice(4))) expect(line).not.toContain(c);
    const asFile = makeProject({ "secrets.config.json": `${key}\n`, "pasted.json": `${key}\n` });
    const runs = [
      cli(["doctor"], { cwd: asFile }),
      cli(["doctor", "--config", "pasted.json"], { cwd: asFile }),
      cli(["run", "--from", "pasted.json", "--", "true"], { cwd: asFile }),
    ];
    for (const r of runs) {
      expect(usageLine(r)).toMatch(/not valid JSON \(at line 1, column 1: [a-z ]+\)/);
      for (const c of chunks(key)) expect(r.stderr).not.toContain(c);
    }
  });

  it("--sarif is valid SARIF 2.1.0 and carries findings with locations", () => {
    const dir = makeProject({
      "src/a.ts": `const k = "${(FAKES.stripe_live as () => string)()}";\n`,
    });
    const r = cli(["doctor", "--sarif"], { cwd: dir });
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(sarifValidator()(doc)).toEqual([]);
    const fail = doc.runs[0].results.find((x: { level: string }) => x.level === "error");
    expect(fail.ruleId).toBe("doctor/no-keys-in-source");
    expect(fail.locations[0].physicalLocation.artifactLocation.uri).toBe("src/a.ts");
    expect(doc.runs[0].tool.driver.rules).toHaveLength(11);
  });

  it("--fix-hooks installs the pre-commit hook and item 7 then passes", () => {
    const dir = makeProject({ "a.ts": "" });
    gitInit(dir);
    const r = cli(["doctor", "--fix-hooks", "--json"], { cwd: dir });
    expect(r.stderr).toMatch(/pre-commit hook created: \.git\/hooks\/pre-commit/);
    expect(existsSync(join(dir, ".git/hooks/pre-commit"))).toBe(true);
    expect(JSON.parse(r.stdout).checks[6].status).toBe("pass");
    const notGit = makeProject({});
    expect(usageLine(cli(["doctor", "--fix-hooks"], { cwd: notGit }))).toMatch(
      /needs a git repository/,
    );
  });

  it("shows progress and colours on a terminal only", () => {
    const dir = makeProject({ "a.ts": "export {};\n" });
    const tty = spawnSync(
      "script",
      ["-qec", `${process.execPath} ${BIN} doctor ${dir}`, "/dev/null"],
      {
        encoding: "utf8",
        env: { PATH: process.env.PATH, TERM: "xterm" },
      },
    );
    if (tty.error)
      throw new Error("the `script` tool (util-linux) is needed to give the CLI a terminal");
    expect(tty.stdout).toContain("\r\u001b[2K"); // the progress line, cleared when done
    expect(hasAnsi(tty.stdout)).toBe(true);
    const piped = cli(["doctor", dir]);
    expect(piped.stderr).toBe("");
    expect(hasAnsi(piped.stdout)).toBe(false);
  });

  it("reports an unknown provider in the config as a usage error", () => {
    const dir = makeProject({ "secrets.config.json": JSON.stringify({ providers: { nope: {} } }) });
    expect(usageLine(cli(["doctor"], { cwd: dir }))).toMatch(
      /secrets\.config\.json: providers\.nope: no such provider \(built-in: env, aws, vault, gcp, azure/,
    );
  });

  it("takes a directory argument and rejects a file", () => {
    const dir = makeProject({ "a.ts": "" });
    expect(cli(["doctor", dir, "--json"]).code).toBe(0);
    writeFileSync(join(dir, "f.txt"), "");
    expect(usageLine(cli(["doctor", join(dir, "f.txt")]))).toMatch(/not a directory/);
  });
});
