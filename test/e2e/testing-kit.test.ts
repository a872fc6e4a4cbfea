/**
 * secrets-loader/testing from the built package under node's own runner (the
 * kit's tests and examples/testing-your-app), and the example under vitest.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

const root = new URL("../..", import.meta.url).pathname;
const run = (args: string[]) =>
  spawnSync(process.execPath, args, {
    cwd: root,
    encoding: "utf8",
    env: { PATH: process.env.PATH },
    timeout: 60_000,
  });
const passed = (out: string, n: number) => {
  expect(out).toMatch(new RegExp(`(# |ℹ )pass ${n}\\b`));
  expect(out).toMatch(/(# |ℹ )fail 0\b/);
};

describe("secrets-loader/testing", () => {
  it("its own tests pass under node:test", () => {
    const r = run(["--test", "test/node/testing-kit.test.mjs"]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    passed(r.stdout, 5);
  });

  it("examples/testing-your-app passes under node:test", () => {
    const r = run(["--test", "examples/testing-your-app/app.node.test.mjs"]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    passed(r.stdout, 3);
  });

  it("examples/testing-your-app passes under vitest", () => {
    const r = run([
      "node_modules/vitest/vitest.mjs",
      "run",
      "--config",
      "examples/testing-your-app/vitest.config.mjs",
    ]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Tests\s+.*3 passed/);
  });
});
