/** Runs the core examples exactly as their READMEs say, and checks their output. */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { expectReadmeOutput } from "../support/readme-output.js";

const root = new URL("../..", import.meta.url).pathname;
const run = (args: string[], env: Record<string, string | undefined> = process.env) =>
  spawnSync(process.execPath, args, { cwd: root, encoding: "utf8", env, timeout: 30_000 });

describe("examples", () => {
  it("basic-env loads its configuration and prints no value", () => {
    const r = run(["--env-file=examples/basic-env/demo.env", "examples/basic-env/main.mjs"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("Loaded 3 secrets: DATABASE_URL, PAYMENT_API_KEY, FEATURE_FLAGS");
    expect(r.stdout).toContain("Connecting with [REDACTED]");
    expect(r.stderr).toContain("[secrets] fetched env://PAYMENT_API_KEY");
    const demo = readFileSync(
      new URL("../../examples/basic-env/demo.env", import.meta.url),
      "utf8",
    );
    for (const line of demo.split("\n").filter((l) => l.includes("="))) {
      const value = line.slice(line.indexOf("=") + 1);
      expect(r.stdout + r.stderr).not.toContain(value);
    }
  });

  it("basic-env fails start-up with one error listing every missing reference", () => {
    const env = {
      ...process.env,
      DATABASE_URL: undefined,
      PAYMENT_API_KEY: undefined,
      FEATURE_FLAGS: "{}",
    };
    const r = run(["examples/basic-env/main.mjs"], env);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("Failed to load 2 of 3 secret(s)");
    expect(r.stderr).toContain("DATABASE_URL (env://DATABASE_URL): [NOT_FOUND]");
    expect(r.stderr).toContain("PAYMENT_API_KEY (env://PAYMENT_API_KEY): [NOT_FOUND]");
  });

  it("basic-env prints what its README shows, for both of the README's commands", () => {
    const readme = readFileSync(
      new URL("../../examples/basic-env/README.md", import.meta.url),
      "utf8",
    );
    const shown = [...readme.matchAll(/```text\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
    expect(shown).toHaveLength(2);
    const timings = (text: string) => text.replace(/ in \d+ ms$/gm, " in <n> ms");
    const lines = (text: string) =>
      timings(text)
        .split("\n")
        .filter((l) => l !== "");
    // The usage log (stderr) comes from concurrent fetches: its order may vary; stdout's may not.
    const compare = (r: { stdout: string; stderr: string }, block: string) => {
      const expected = lines(block);
      expect(lines(r.stdout)).toEqual(expected.filter((l) => lines(r.stdout).includes(l)));
      expect([...lines(r.stdout), ...lines(r.stderr)].sort()).toEqual([...expected].sort());
    };
    const ok = run(["--env-file=examples/basic-env/demo.env", "examples/basic-env/main.mjs"]);
    expect(ok.status, ok.stderr).toBe(0);
    compare(ok, shown[0] ?? "");
    const env = {
      ...process.env,
      DATABASE_URL: "postgres://db.internal/app",
      FEATURE_FLAGS: "{}",
      PAYMENT_API_KEY: undefined,
    };
    const failed = run(["examples/basic-env/main.mjs"], env);
    expect(failed.status).toBe(1);
    compare(failed, shown[1] ?? "");
  });

  it("custom-provider registers a provider and reports typed errors", () => {
    const r = run(["examples/custom-provider/main.mjs"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("stripe key: 24 characters; database user: app");
    expect(r.stdout).toContain("missing key -> NOT_FOUND");
    expect(r.stdout).toContain("malformed reference -> INVALID_REFERENCE");
    expect(r.stdout).not.toContain("demo-stripe-key-not-real");
    expectReadmeOutput("custom-provider", r.stdout);
  });

  it("custom-provider passes the conformance suite under node's own test runner", () => {
    const r = run(["--test", "examples/custom-provider/conformance.test.mjs"]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    // Five cases run (the fifth: a create() that never settles); the rest are named unsupported.
    expect(r.stdout).toMatch(/# pass 5\b|ℹ pass 5\b/);
    expect(r.stdout).toMatch(/# fail 0\b|ℹ fail 0\b/);
    // Cases the backend cannot show are reported by name, never passed silently.
    expect(r.stdout).toContain("(unsupported: a local file has no per-key permissions)");
  });

  it("npm run doctor (the README's first command) passes on this repository", () => {
    const r = run(["dist/src/cli/main.js", "doctor", "--json"]);
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { checks: Array<{ item: number; status: string }> };
    expect(doc.checks).toHaveLength(11);
    expect(doc.checks.filter((c) => c.status === "fail")).toEqual([]);
    // No leaked key in the tree or in history (two documentation examples in history are allowlisted in secrets.config.json).
    expect(doc.checks.find((c) => c.item === 1)?.status).toBe("pass");
    expect(doc.checks.find((c) => c.item === 2)?.status).toBe("pass");
  });
});
