import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { makeProject } from "../../unit/cli/support/project.js";
import { GetOutputSchema } from "./output-schemas.js";
import { assertBuilt, BIN, cli, jsonValidator, usageLine } from "./support.js";

beforeAll(() => assertBuilt());

const VALUE = ["e2e", "value", String(Date.now())].join("-");

describe("secrets get (built bin)", () => {
  it("prints the value when piped, and metadata only with --json", () => {
    const r = cli(["get", "env://E2E_SECRET"], { env: { E2E_SECRET: VALUE } });
    expect(r).toMatchObject({ code: 0, stdout: VALUE, stderr: "" });
    const j = cli(["get", "env://E2E_SECRET", "--json"], { env: { E2E_SECRET: VALUE } });
    expect(j.code).toBe(0);
    expect(j.stdout).not.toContain(VALUE);
    const doc = JSON.parse(j.stdout);
    expect(jsonValidator(GetOutputSchema)(doc)).toEqual([]);
    expect(doc).toMatchObject({ reference: "env://E2E_SECRET", provider: "env" });
    // The cache's expiry, named as such: not a provider-supplied expiry.
    expect(doc.cachedUntil).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(doc).not.toHaveProperty("expiresAt");
  });

  it("on a terminal asks for --reveal first", () => {
    const which = spawnSync("script", ["--version"]);
    if (which.error)
      throw new Error("the `script` tool (util-linux) is needed to give the CLI a terminal");
    const run = (extra: string) =>
      spawnSync(
        "script",
        ["-qec", `${process.execPath} ${BIN} get env://E2E_SECRET ${extra}`, "/dev/null"],
        {
          env: { ...process.env, E2E_SECRET: VALUE },
          encoding: "utf8",
        },
      );
    const refused = run("");
    expect(refused.status).toBe(2);
    expect(refused.stdout).toMatch(/refusing to print a secret to a terminal: pass --reveal/);
    expect(refused.stdout).not.toContain(VALUE);
    const shown = run("--reveal");
    expect(shown.status).toBe(0);
    expect(shown.stdout).toContain(VALUE);
  });

  it("exits 1 for a missing secret and 2 for a malformed reference, in one line", () => {
    const missing = cli(["get", "env://NOT_SET_ANYWHERE"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split("\n")).toHaveLength(1);
    expect(missing.stderr).toMatch(/\[NOT_FOUND\]/);
    expect(usageLine(cli(["get", "nope://"]))).toMatch(/secrets:/);
  });
});

describe("secrets run (built bin)", () => {
  it("injects references and forwards the exit code", () => {
    const r = cli(
      [
        "run",
        "--env",
        "A=env://E2E_SECRET",
        "--",
        process.execPath,
        "-e",
        "process.stdout.write(process.env.A === process.env.E2E_SECRET ? 'same' : 'diff'); process.exit(7)",
      ],
      { env: { E2E_SECRET: VALUE } },
    );
    expect(r).toMatchObject({ code: 7, stdout: "same" });
  });

  it("--redact masks the values in stdout and stderr", () => {
    const r = cli(
      [
        "run",
        "--redact",
        "--env",
        "A=env://E2E_SECRET",
        "--",
        process.execPath,
        "-e",
        "console.log('out', process.env.A); console.error('err ' + process.env.A)",
      ],
      { env: { E2E_SECRET: VALUE } },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("out [REDACTED]\n");
    expect(r.stderr).toBe("err [REDACTED]\n");
  });

  it("--redact masks a value written in two pieces", () => {
    const half = Math.floor(VALUE.length / 2);
    const script = `const v = process.env.A; process.stdout.write("x " + v.slice(0, ${half})); setTimeout(() => process.stdout.write(v.slice(${half}) + " y\\n"), 300);`;
    const r = cli(
      ["run", "--redact", "--env", "A=env://E2E_SECRET", "--", process.execPath, "-e", script],
      { env: { E2E_SECRET: VALUE } },
    );
    expect(r.stdout).toBe("x [REDACTED] y\n");
  });

  it("reads references from a config with --from", () => {
    const dir = makeProject({
      "app.json": JSON.stringify({ references: { B: "env://E2E_SECRET" } }),
    });
    const r = cli(
      [
        "run",
        "--from",
        "app.json",
        "--",
        process.execPath,
        "-e",
        "process.stdout.write(String(process.env.B.length))",
      ],
      { cwd: dir, env: { E2E_SECRET: VALUE } },
    );
    expect(r).toMatchObject({ code: 0, stdout: String(VALUE.length) });
  });

  it("sends audit events to the config's sink, without values", () => {
    const dir = makeProject({
      "secrets.config.json": JSON.stringify({ audit: { sink: "file:audit.jsonl" } }),
    });
    const r = cli(["run", "--env", "A=env://E2E_SECRET", "--", "true"], {
      cwd: dir,
      env: { E2E_SECRET: VALUE },
    });
    expect(r.code).toBe(0);
    const events = readFileSync(join(dir, "audit.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(
      events.some(
        (e) => e.type === "fetch" && e.reference === "env://E2E_SECRET" && e.provider === "env",
      ),
    ).toBe(true);
    expect(JSON.stringify(events)).not.toContain(VALUE);
  });

  it("forwards signals to the child and reports the child's signal", async () => {
    const child = spawn(
      process.execPath,
      [
        BIN,
        "run",
        "--env",
        "A=env://E2E_SECRET",
        "--",
        process.execPath,
        "-e",
        "process.on('SIGTERM', () => { console.log('child got SIGTERM'); process.exit(42) }); console.log('ready'); setInterval(() => {}, 1000)",
      ],
      {
        env: { ...process.env, E2E_SECRET: VALUE },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    await new Promise<void>((resolve) => {
      child.stdout.on("data", (d) => {
        out += d;
        if (out.includes("ready")) resolve();
      });
    });
    child.kill("SIGTERM");
    const code = await new Promise((resolve) => child.on("close", (c) => resolve(c)));
    expect(out).toContain("child got SIGTERM");
    expect(code).toBe(42);
    const killed = cli(
      [
        "run",
        "--env",
        "A=env://E2E_SECRET",
        "--",
        process.execPath,
        "-e",
        "process.kill(process.pid, 'SIGKILL')",
      ],
      { env: { E2E_SECRET: VALUE } },
    );
    expect(killed.signal).toBe("SIGKILL");
  });

  it("fails cleanly on a missing command, a missing secret and bad --env", () => {
    const nocmd = cli(["run", "--env", "A=env://E2E_SECRET", "--", "no-such-command-xyz"], {
      env: { E2E_SECRET: VALUE },
    });
    expect(nocmd.code).toBe(127);
    expect(nocmd.stderr).toMatch(/cannot run no-such-command-xyz: command not found/);
    const missing = cli(["run", "--env", "A=env://NOT_SET_ANYWHERE", "--", "true"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /could not resolve A \(env:\/\/NOT_SET_ANYWHERE\): \[NOT_FOUND\]/,
    );
    expect(usageLine(cli(["run", "--env", "oops", "--", "true"]))).toMatch(
      /--env expects NAME=reference/,
    );
    expect(usageLine(cli(["run", "--", "true"]))).toMatch(/nothing to inject/);
  });
});
