/** Runs examples/typed-config exactly as its README says, and checks its output. */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { expectReadmeOutput } from "../support/readme-output.js";

const root = new URL("../..", import.meta.url).pathname;
const run = (args: string[], env: Record<string, string | undefined> = {}) =>
  spawnSync(process.execPath, args, {
    cwd: root,
    encoding: "utf8",
    env: { PATH: process.env.PATH, ...env },
    timeout: 30_000,
  });
const DEMO = "--env-file=examples/typed-config/demo.env";
const demoValues = readFileSync(
  new URL("../../examples/typed-config/demo.env", import.meta.url),
  "utf8",
)
  .split("\n")
  .filter((l) => /^[A-Z_]+=/.test(l))
  .map((l) => l.slice(l.indexOf("=") + 1))
  .filter((v) => v.length >= 8);

describe("examples/typed-config", () => {
  it("main.mjs loads, validates and reads the config synchronously, printing no value", () => {
    const r = run([DEMO, "examples/typed-config/main.mjs"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("port 3000 (number); checkout true; beta search,wishlist");
    expect(r.stdout).toContain("log level (not set); frozen: true");
    expect(r.stdout).toContain("database host db.internal:5432");
    expect(r.stdout).toContain("calling payments with [REDACTED]");
    expect(r.stdout).toContain("session secret: 30 characters");
    expectReadmeOutput("typed-config", r.stdout, 0);
    for (const v of demoValues.filter((v) => !v.startsWith("postgres"))) {
      expect(r.stdout).not.toContain(v);
    }
  });

  it("main.mjs fails start-up with one error naming every bad entry, and no value", () => {
    const bad = "postgres-but-not-a-url";
    const r = run([DEMO, "examples/typed-config/main.mjs"], {
      DATABASE_URL: bad,
      PORT: "eighty",
      FEATURE_FLAGS: '{"checkout":"yes"}',
      PAYMENT_API_KEY: "",
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^Configuration failed: 4 of 6 entries:/);
    expect(r.stderr).toContain("- DATABASE_URL (env://DATABASE_URL): [INVALID_VALUE]");
    expect(r.stderr).toContain("- PORT (env://PORT): [INVALID_VALUE]");
    expect(r.stderr).toContain("at checkout: ");
    expect(r.stderr).toContain("- PAYMENT_API_KEY (env://PAYMENT_API_KEY): [NOT_FOUND]");
    expect(r.stderr).not.toContain(bad);
    expect(r.stderr).not.toContain("eighty");
  });

  it("t3-env.mjs hands the loaded values to createEnv({ runtimeEnv }), JSON as text, bytes as base64", () => {
    const r = run([DEMO, "examples/typed-config/t3-env.mjs"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("t3-env: port 3000 (number); checkout true; signing key 22 bytes\n");
    expectReadmeOutput("typed-config", r.stdout, 1);
  });

  it("secrets run --config-module injects the same entries, masked with --redact", () => {
    const r = run([
      DEMO,
      "dist/src/cli/main.js",
      "run",
      "--redact",
      "--config-module",
      "examples/typed-config/config.mjs",
      "--",
      process.execPath,
      "-e",
      "console.log(process.env.PAYMENT_API_KEY, process.env.PORT, process.env.FEATURE_FLAGS)",
    ]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("[REDACTED] 3000");
    expect(r.stdout).not.toContain("demo-payment-key-not-real-000");
  });
});
