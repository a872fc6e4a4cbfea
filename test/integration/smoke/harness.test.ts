// Tests of the harness itself: selection rules, readable errors, start failures with the log
// tail, and clean-up after a crashed run. Starts no stand-in for the whole file ("harness" is
// not a stand-in name); the crash test starts one moto in a child process and kills it.
import { spawn } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, inject, it } from "vitest";
import { TOOLS_DIR } from "../../../scripts/emulators/start.mjs";
import { forcedStandIns, standInsForFile } from "../../support/stand-ins/select.js";
import { standIn } from "../../support/stand-ins.js";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const INTEGRATION = join(ROOT, "test", "integration");
const START = join(ROOT, "scripts", "emulators", "start.mjs");

describe("stand-in selection", () => {
  it("follows the folder, smoke file and @stand-ins rules", () => {
    const dir = mkdtempSync(join(tmpdir(), "sl-select-"));
    try {
      const declared = join(dir, "cross.test.ts");
      writeFileSync(declared, "// @stand-ins: aws, vault\nimport 'x';\n");
      expect(standInsForFile(join(INTEGRATION, "aws", "x.test.ts"), INTEGRATION)).toEqual(["aws"]);
      expect(standInsForFile(join(INTEGRATION, "vault", "a", "b.test.ts"), INTEGRATION)).toEqual([
        "vault",
      ]);
      expect(standInsForFile(join(INTEGRATION, "smoke", "gcp.test.ts"), INTEGRATION)).toEqual([
        "gcp",
      ]);
      expect(standInsForFile(join(INTEGRATION, "smoke", "harness.test.ts"), INTEGRATION)).toEqual(
        [],
      );
      expect(standInsForFile(declared, INTEGRATION).sort()).toEqual(["aws", "vault"]);
      writeFileSync(declared, "// @stand-ins: aws, toxiproxy\n");
      expect(standInsForFile(declared, INTEGRATION).sort()).toEqual(["aws", "toxiproxy"]);

      writeFileSync(declared, "// @stand-ins: aws, s3\n");
      expect(() => standInsForFile(declared, INTEGRATION)).toThrow(/unknown stand-in "s3"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("SECRETS_LOADER_STAND_INS forces a set and rejects unknown names", () => {
    expect(forcedStandIns(undefined)).toBeUndefined();
    expect(forcedStandIns("all")).toEqual([
      "aws",
      "vault",
      "gcp",
      "azure",
      "toxiproxy",
      "redis",
      "postgres",
    ]);
    expect(forcedStandIns("aws, gcp")).toEqual(["aws", "gcp"]);
    expect(() => forcedStandIns("aws,nope")).toThrow(/unknown stand-in "nope"/);
  });
});

describe("standIn()", () => {
  it("explains a stand-in that was not started for this run", () => {
    // Whether azure was requested depends on SECRETS_LOADER_STAND_INS.
    if (inject("secretsLoaderStandIns").requested.includes("azure")) {
      expect(standIn("azure").vaultUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    } else {
      expect(() => standIn("azure")).toThrow(
        /not started for this run.*test\/integration\/azure\//s,
      );
    }
  });
});

/** Runs a snippet in a fresh node process (its own TOOLS dir / crash behaviour). */
function nodeScript(code: string, env: NodeJS.ProcessEnv = {}) {
  return spawn(process.execPath, ["--input-type=module", "-e", code], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

describe("start failures", () => {
  it("name the stand-in and show its last log lines", async () => {
    const tools = mkdtempSync(join(tmpdir(), "sl-tools-"));
    try {
      mkdirSync(join(tools, "bin"));
      const fake = join(tools, "bin", "moto_server");
      writeFileSync(
        fake,
        "#!/bin/sh\necho 'moto boot line'\necho 'Traceback: broken on purpose' >&2\nexit 3\n",
      );
      chmodSync(fake, 0o755);
      const child = nodeScript(
        `import { startStandIn } from ${JSON.stringify(START)};
         try { await startStandIn("aws"); process.exit(0); }
         catch (e) { process.stdout.write(e.message); process.exit(1); }`,
        { SECRETS_LOADER_TOOLS: tools },
      );
      let out = "";
      child.stdout.on("data", (d) => {
        out += d;
      });
      const code = await new Promise((r) => child.on("exit", r));
      expect(code).toBe(1);
      expect(out).toMatch(/^aws \(moto\) stand-in failed to start: exited with code 3/);
      expect(out).toContain("moto boot line");
      expect(out).toContain("Traceback: broken on purpose");
    } finally {
      rmSync(tools, { recursive: true, force: true });
    }
  });
});

describe("clean-up after a crashed run", () => {
  it("the next run kills what a SIGKILLed run left behind", async () => {
    const child = nodeScript(
      `import { startStandIn } from ${JSON.stringify(START)};
       await startStandIn("aws");
       const { readdirSync, readFileSync } = await import("node:fs");
       const dir = ${JSON.stringify(join(TOOLS_DIR, "run"))};
       const mine = readdirSync(dir).filter((f) => f.endsWith(".json"))
         .map((f) => JSON.parse(readFileSync(dir + "/" + f, "utf8")))
         .filter((r) => r.ownerPid === process.pid);
       process.stdout.write(JSON.stringify(mine.map((r) => r.pid)) + "\\n");
       setInterval(() => {}, 1000);`,
    );
    const pids: number[] = await new Promise((res, rej) => {
      let buf = "";
      child.stdout.on("data", (d) => {
        buf += d;
        if (buf.includes("\n")) res(JSON.parse(buf));
      });
      child.on("exit", (c) => rej(new Error(`child exited early (${c})`)));
    });
    expect(pids).toHaveLength(1);
    const [pid] = pids as [number];
    // A killed orphan may linger as a zombie until init reaps it: that counts as gone.
    const alive = (p: number) => {
      try {
        return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${p}/stat`, "utf8"));
      } catch {
        return false;
      }
    };
    child.kill("SIGKILL"); // no exit hooks run: moto is left behind, as after a crash
    await new Promise((r) => child.on("exit", r));
    expect(alive(pid)).toBe(true);
    expect(readFileSync(`/proc/${pid}/cmdline`, "utf8")).toContain("moto_server");

    const { cleanLeftovers } = await import("../../../scripts/emulators/start.mjs");
    expect(cleanLeftovers()).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    expect(alive(pid)).toBe(false);
    expect(existsSync(join(TOOLS_DIR, "run", `${pid}.json`))).toBe(false);
  });
});
