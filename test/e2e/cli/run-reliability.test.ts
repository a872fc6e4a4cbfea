/**
 * `secrets run` and `secrets get` as a hostile user would drive them: values
 * printed in every spelling under --redact, broken pipes, signals to the
 * process group, and a runner killed while its child holds secrets.
 */

import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { MIN_MASKED_LENGTH } from "../../../src/cli/masking.js";
import { makeProject } from "../../unit/cli/support/project.js";
import { assertBuilt, BIN, cli } from "./support.js";

beforeAll(() => assertBuilt());

const rand = (n = 12) => randomBytes(n).toString("base64url");

function fakePem(): string {
  const body = Array.from({ length: 5 }, () => randomBytes(48).toString("base64"));
  const label = ["PRIVATE", "KEY"].join(" ");
  return [`-----BEGIN ${label}-----`, ...body, `-----END ${label}-----`].join("\n");
}

/** Fails when `text` holds the value, or a line of it of the masked length or more. */
function expectNoLeak(text: string, value: string, label = ""): void {
  expect(text, `${label}: whole value`).not.toContain(value);
  for (const line of value.split(/\r?\n/)) {
    if (line.length >= MIN_MASKED_LENGTH) expect(text, `${label}: a line`).not.toContain(line);
  }
}

/** A child script (run with node) that prints the value of $S in many spellings, on both streams. */
const PRINT_EVERY_FORM = `
const v = process.env.S;
const out = (s) => process.stdout.write(s);
const err = (s) => process.stderr.write(s);
const lines = v.split(/\\r?\\n/);
for (const line of lines) out(line + "\\n");
out("one line: " + lines[Math.floor(lines.length / 2)] + " end\\n");
out(JSON.stringify({ level: "info", msg: "loaded", value: v }) + "\\n");
err(JSON.stringify({ nested: JSON.stringify({ value: v }) }) + "\\n");
out("b64 " + Buffer.from(v).toString("base64") + "\\n");
for (const user of ["u", "us", "usr"]) out("Authorization: Basic " + Buffer.from(user + ":" + v).toString("base64") + "\\n");
out("url https://x.test/?t=" + encodeURIComponent(v) + "&f=" + new URLSearchParams({ v }).toString() + "\\n");
const half = Math.floor(v.length / 2);
out("split " + v.slice(0, half));
err(v.slice(half) + "\\n");
out("late " + v.slice(0, half));
setTimeout(() => { out(v.slice(half) + " done\\n"); }, 400);
`;

function runPrinting(value: string, extraEnv: NodeJS.ProcessEnv = {}) {
  const dir = makeProject({ "print.cjs": PRINT_EVERY_FORM });
  return cli(
    ["run", "--redact", "--env", "S=env://LEAK_VALUE", "--", process.execPath, "print.cjs"],
    {
      cwd: dir,
      env: { LEAK_VALUE: value, ...extraEnv },
    },
  );
}

describe("secrets run --redact: the value in every spelling", () => {
  it("masks a PEM line by line, a line of it, JSON, base64, URL-encoded, split in time and across streams", () => {
    const pem = fakePem();
    const r = runPrinting(pem);
    expect(r.code).toBe(0);
    const both = `${r.stdout}${r.stderr}`;
    expectNoLeak(both, pem, "pem");
    expect(both).not.toContain(JSON.stringify(pem).slice(1, -1));
    expect(both).not.toContain(encodeURIComponent(pem));
    expect(both).not.toContain(Buffer.from(pem).toString("base64").slice(4, -4));
    expect(r.stdout).toContain("[REDACTED] done\n");
  });

  it("leak corpus: no output holds a value or a line of it of the masked length or more", () => {
    const corpus: Record<string, string> = {
      short: "abc",
      justShort: "x".repeat(MIN_MASKED_LENGTH - 1),
      exact: rand(6).slice(0, MIN_MASKED_LENGTH),
      unicode: `pässwörd-日本語-🔑-${rand()}`,
      multiline: `first-line-${rand()}\nsecond-line-${rand()}\r\nab\nthird-${rand()}`,
      json: JSON.stringify({ user: "app", password: `pw-${rand()}`, url: "https://db.test/x" }),
      base64: randomBytes(30).toString("base64"),
      // A value that is a substring of the runner's own words and of common output.
      substring: "undefined",
      quotes: `a"b\\c'd</script>-${rand()}`,
      pem: fakePem(),
    };
    for (const [label, value] of Object.entries(corpus)) {
      const r = runPrinting(value);
      expect(r.code, `${label}: ${r.stderr}`).toBe(0);
      const both = `${r.stdout}${r.stderr}`;
      if (value.length >= MIN_MASKED_LENGTH) expectNoLeak(both, value, label);
      else expect(both, label).toContain(value); // short values are left alone in free text
    }
    // The other commands never print a value at all: get --json, and the
    // doctor resolving every one of them (table, --json, SARIF).
    const env: NodeJS.ProcessEnv = {};
    const references: Record<string, string> = {};
    for (const [label, value] of Object.entries(corpus)) {
      env[`LEAK_${label.toUpperCase()}`] = value;
      references[`LEAK_${label.toUpperCase()}`] = `env://LEAK_${label.toUpperCase()}`;
    }
    const dir = makeProject({ "secrets.config.json": JSON.stringify({ references }) });
    const outputs = [
      ...Object.keys(references).map((name) =>
        cli(["get", "--json", `env://${name}`], { cwd: dir, env }),
      ),
      cli(["doctor", "--json", "."], { cwd: dir, env }),
      cli(["doctor", "--sarif", "."], { cwd: dir, env }),
      cli(["doctor", "."], { cwd: dir, env }),
    ];
    const all = outputs.map((r) => `${r.stdout}${r.stderr}`).join("\n");
    expect(all).toMatch(/LEAK_PEM \(env:\/\/LEAK_PEM\) resolved/);
    for (const [label, value] of Object.entries(corpus)) {
      if (value.length >= MIN_MASKED_LENGTH) expectNoLeak(all, value, `${label} (get, doctor)`);
    }
  });

  it("injects a binary reference as base64 and masks it", () => {
    const bytes = Buffer.concat([Buffer.from(`bin-${rand()}`), Buffer.from([0, 1, 2, 255])]);
    const dir = makeProject({
      "app.json": JSON.stringify({ references: { B: { ref: "env://BIN_VALUE", type: "binary" } } }),
      "show.cjs":
        "const b = process.env.B; console.log(JSON.stringify({ isBase64: /^[A-Za-z0-9+/]+=*$/.test(b), len: Buffer.from(b, 'base64').length })); console.log('value ' + b);",
    });
    const r = cli(["run", "--redact", "--from", "app.json", "--", process.execPath, "show.cjs"], {
      cwd: dir,
      env: { BIN_VALUE: bytes.toString("base64") },
    });
    expect(r.code, r.stderr).toBe(0);
    const [meta, shown] = r.stdout.trim().split("\n");
    expect(JSON.parse(meta as string)).toEqual({ isBase64: true, len: bytes.length });
    expect(shown).toBe("value [REDACTED]");
  });
});

describe("standard streams", () => {
  it('"audit": {"sink": "stdout"} leaves the stdout of get and run to the data', () => {
    const value = `v-${rand()}`;
    const dir = makeProject({
      "secrets.config.json": JSON.stringify({ audit: { sink: "stdout" } }),
    });
    const got = cli(["get", "env://AUDIT_VALUE"], { cwd: dir, env: { AUDIT_VALUE: value } });
    expect(got.code).toBe(0);
    expect(got.stdout).toBe(value);
    expect(got.stderr).toMatch(/"type":"fetch"/);
    const json = cli(["get", "--json", "env://AUDIT_VALUE"], {
      cwd: dir,
      env: { AUDIT_VALUE: value },
    });
    expect(() => JSON.parse(json.stdout)).not.toThrow();
    const ran = cli(
      [
        "run",
        "--env",
        "A=env://AUDIT_VALUE",
        "--",
        process.execPath,
        "-e",
        "process.stdout.write('data')",
      ],
      { cwd: dir, env: { AUDIT_VALUE: value } },
    );
    expect(ran.stdout).toBe("data");
    expect(ran.stderr).toMatch(/"type":"fetch"/);
    expect(`${got.stderr}${ran.stderr}`).not.toContain(value);
  });

  it("a reader that goes away (| head -1) ends get and run quietly", () => {
    const big = Array.from({ length: 4000 }, (_, i) => `line ${i} ${"y".repeat(20)}`).join("\n");
    const dir = makeProject({ "big.txt": big });
    const sh = (cmd: string, env: NodeJS.ProcessEnv = {}) =>
      spawnSync("bash", ["-c", `set -o pipefail; ${cmd}`], {
        cwd: dir,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, BIG: big, ...env },
        encoding: "utf8",
        timeout: 30_000,
      });
    const node = `"${process.execPath}" "${BIN}"`;
    const get = sh(`${node} get env://BIG | head -1`);
    expect(get.stdout).toBe("line 0 yyyyyyyyyyyyyyyyyyyy\n");
    expect(get.stderr).toBe("");
    for (const redact of ["", "--redact"]) {
      const run = sh(`${node} run ${redact} --env A=env://BIG -- yes | head -1`);
      expect(run.stdout).toBe("y\n");
      expect(run.stderr, redact).toBe("");
      // With pipefail the runner's status shows: the child died of SIGPIPE.
      expect(run.status, redact).toBe(141);
    }
  });
});

/** Starts `secrets run` in a process group of its own, with a child that reports its pid and counts SIGINTs. */
async function startRunner(redact: boolean): Promise<{
  runner: ChildProcess;
  childPid: number;
  output: () => string;
  closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}> {
  const dir = makeProject({
    "child.cjs": `
let n = 0;
process.on("SIGINT", () => { n++; setTimeout(() => { console.log("sigints " + n); process.exit(0); }, 500); });
process.on("SIGUSR2", () => console.log("tick"));
console.log("pid " + process.pid + " " + process.env.A.length);
setInterval(() => {}, 1000);
`,
  });
  const runner = spawn(
    process.execPath,
    [
      BIN,
      "run",
      ...(redact ? ["--redact"] : []),
      "--env",
      "A=env://RUN_VALUE",
      "--",
      process.execPath,
      "child.cjs",
    ],
    {
      cwd: dir,
      env: { PATH: process.env.PATH, RUN_VALUE: `r-${rand()}` },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    },
  );
  let out = "";
  runner.stdout?.on("data", (d) => (out += d));
  runner.stderr?.on("data", (d) => (out += d));
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    runner.on("close", (code, signal) => resolve({ code, signal })),
  );
  const childPid = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no pid line: ${out}`)), 15_000);
    const look = () => {
      const m = /pid (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      } else setTimeout(look, 20);
    };
    look();
  });
  return { runner, childPid, output: () => out, closed };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function gone(pid: number, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !alive(pid);
}

describe("signals and the child's lifetime", () => {
  it("Ctrl-C sent to the whole process group reaches the child once", async () => {
    for (const redact of [false, true]) {
      const r = await startRunner(redact);
      process.kill(-(r.runner.pid as number), "SIGINT");
      const end = await r.closed;
      expect(r.output(), `redact=${redact}`).toContain("sigints 1\n");
      expect(end.code).toBe(0);
    }
  });

  // Through a real terminal the kernel may merge a doubled SIGINT that is
  // still pending, so this shows the foreground path works; the process-group
  // test above is the one that tells once from twice.
  it("Ctrl-C typed on a terminal reaches the child, which keeps the terminal's group", async () => {
    const probe = spawnSync("script", ["--version"]);
    if (probe.error)
      throw new Error("the `script` tool (util-linux) is needed to give the CLI a terminal");
    const dir = makeProject({
      "child.cjs": `
let n = 0;
process.on("SIGINT", () => { n++; setTimeout(() => { console.log("sigints " + n); process.exit(0); }, 500); });
console.log("ready");
setInterval(() => {}, 1000);
`,
    });
    const command = `"${process.execPath}" "${BIN}" run --env A=env://TTY_VALUE -- "${process.execPath}" child.cjs`;
    const term = spawn("script", ["-qefc", command, "/dev/null"], {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TTY_VALUE: `t-${rand()}` },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    term.stdout.on("data", (d) => (out += d));
    const closed = new Promise((resolve) => term.on("close", resolve));
    const end = Date.now() + 15_000;
    while (!out.includes("ready") && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    term.stdin.write("\x03"); // what the Ctrl-C key sends
    await closed;
    expect(out).toContain("sigints 1");
  });

  it("a runner ended by SIGTERM, SIGHUP or SIGINT signals and reaps its child", async () => {
    for (const sig of ["SIGTERM", "SIGHUP", "SIGINT"] as const) {
      const r = await startRunner(false);
      r.runner.kill(sig);
      await r.closed;
      expect(await gone(r.childPid), `${sig}: child ${r.childPid} still running`).toBe(true);
    }
  });

  it("a runner whose stdout breaks signals and reaps its child", async () => {
    const r = await startRunner(true);
    r.runner.stdout?.destroy();
    // The runner notices on its next write: make the child print (it keeps running).
    process.kill(r.childPid, "SIGUSR2");
    await r.closed;
    expect(await gone(r.childPid)).toBe(true);
    expect(r.output()).not.toMatch(/\n\s+at /);
  });

  it("a child killed by SIGPIPE gives exit 141", () => {
    const r = cli(["run", "--env", "A=env://PIPE_VALUE", "--", "sh", "-c", "kill -PIPE $$"], {
      env: { PIPE_VALUE: `p-${rand()}` },
    });
    expect(r.code).toBe(141);
    expect(r.stderr).toBe("");
  });
});

describe("names that JavaScript reserves", () => {
  it("--env __proto__=... is refused, not dropped", () => {
    const r = cli(["run", "--env", "__proto__=env://X", "--", "true"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/__proto__.*reserved/);
  });
});
