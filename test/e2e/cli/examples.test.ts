import { spawnSync } from "node:child_process";
import { chmodSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectReadmeOutput } from "../../support/readme-output.js";
import { FAKES } from "../../unit/cli/support/fakes.js";
import { commitAll, gitInit, makeProject } from "../../unit/cli/support/project.js";
import { assertBuilt, BIN, sarifValidator } from "./support.js";

const root = resolve(fileURLToPath(new URL("../../..", import.meta.url)));
const counter = join(root, "examples/nextjs/counter-example");

function node(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, args, {
    cwd: root,
    encoding: "utf8",
    env: { PATH: process.env.PATH, ...env },
    timeout: 60_000,
  });
}

beforeAll(() => assertBuilt());
afterAll(() => {
  rmSync(join(counter, ".env.local"), { force: true });
  rmSync(join(counter, "out"), { recursive: true, force: true });
});

// The Next.js example itself is built and served by test/frameworks/next.test.ts.
describe("examples/nextjs", () => {
  it("the counter-example fails the doctor's item 3", () => {
    const r = node(["examples/nextjs/counter-example/run.mjs"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ 3\. No keys in client-side code.*FAIL$/m);
    expect(r.stdout).toMatch(/fail\s+NEXT_PUBLIC_WEATHER_API_KEY in \.env\.local/);
    expect(r.stdout).toMatch(
      /fail\s+out\/static\/app\.js:1 stripe-secret-key sk_live_… \(\d+ chars\)/,
    );
    expect(r.stdout).toContain("secrets doctor exit code: 1");
    expectReadmeOutput("nextjs", r.stdout);
    const key = readFileSync(join(counter, ".env.local"), "utf8").split("=")[1]?.trim() ?? "";
    expect(key.length).toBeGreaterThan(20);
    expect(r.stdout).not.toContain(key.slice(4));
  });
});

describe("examples/ci-gate", () => {
  const gate = (dir: string, sarif: string, env: NodeJS.ProcessEnv = {}) =>
    spawnSync("bash", [join(root, "examples/ci-gate/gate.sh"), dir, sarif], {
      encoding: "utf8",
      env: { PATH: process.env.PATH, SECRETS_BIN: `${process.execPath} ${BIN}`, ...env },
      timeout: 60_000,
    });

  it("passes a compliant project with --strict and writes valid SARIF", () => {
    const dir = makeProject({
      "secrets.config.json": JSON.stringify({
        references: { API_KEY: "env://GATE_API_KEY" },
        audit: { sink: "stderr" },
      }),
      ".github/workflows/ci.yml":
        "jobs:\n  gate:\n    steps:\n      - run: examples/ci-gate/gate.sh\n      - run: npx secrets scan --history\n",
      "src/app.ts": 'export const port = Number(process.env.PORT ?? "3000");\n',
    });
    gitInit(dir);
    commitAll(dir, "init");
    // Count the doctor runs through a wrapper: one run prints the table and writes the SARIF.
    const calls = join(dir, "calls.log");
    const wrapper = join(dir, "secrets-wrapper.sh");
    writeFileSync(
      wrapper,
      `#!/bin/sh\necho "$*" >> "${calls}"\nexec "${process.execPath}" "${BIN}" "$@"\n`,
    );
    chmodSync(wrapper, 0o755);
    const r = gate(dir, join(dir, "out.sarif"), {
      GATE_API_KEY: `gate-${Date.now()}`,
      SECRETS_BIN: wrapper,
    });
    expect(r.stdout).toMatch(/secrets doctor --strict exited 0/);
    expect(r.stdout).toMatch(/Summary: \d+ pass, \d+ warn, 0 fail, \d+ manual .*-> exit 0/);
    expect(r.status).toBe(0);
    expect(readFileSync(calls, "utf8").trim().split("\n")).toHaveLength(1);
    expect(sarifValidator()(JSON.parse(readFileSync(join(dir, "out.sarif"), "utf8")))).toEqual([]);
  });

  it("fails a project with a leaked key (exit 1) and reports it in the SARIF", () => {
    const dir = makeProject({
      "src/app.ts": `const k = "${(FAKES.stripe_live as () => string)()}";\n`,
    });
    const r = gate(dir, join(dir, "out.sarif"));
    expect(r.status).toBe(1);
    const sarif = JSON.parse(readFileSync(join(dir, "out.sarif"), "utf8"));
    expect(sarifValidator()(sarif)).toEqual([]);
    const errors = sarif.runs[0].results.filter((x: { level: string }) => x.level === "error");
    expect(errors.map((e: { ruleId: string }) => e.ruleId)).toContain("doctor/no-keys-in-source");
  });
});
