// The Azure stand-in as a harness process: it is pid-tracked like the others, so a run killed
// outright leaves nothing behind once the next run starts.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { cleanLeftovers, TOOLS_DIR } from "../../../scripts/emulators/start.mjs";

const START = fileURLToPath(new URL("../../../scripts/emulators/start.mjs", import.meta.url));

it("a SIGKILLed run's Azure stand-in and its key material are cleaned up by the next run", async () => {
  const child = spawn(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `import { startStandIn } from ${JSON.stringify(START)};
       import { readdirSync, readFileSync } from "node:fs";
       await startStandIn("azure");
       const dir = ${JSON.stringify(join(TOOLS_DIR, "run"))};
       const mine = readdirSync(dir).filter((f) => f.endsWith(".json"))
         .map((f) => JSON.parse(readFileSync(dir + "/" + f, "utf8")))
         .filter((r) => r.ownerPid === process.pid);
       process.stdout.write(JSON.stringify(mine) + "\\n");
       setInterval(() => {}, 1000);`,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const recs: { pid: number; tmpDirs: string[] }[] = await new Promise((res, rej) => {
    let buf = "";
    child.stdout.on("data", (d) => {
      buf += d;
      if (buf.includes("\n")) res(JSON.parse(buf));
    });
    child.on("exit", (c) => rej(new Error(`child exited early (${c})`)));
  });
  expect(recs).toHaveLength(1);
  const [{ pid, tmpDirs }] = recs as [{ pid: number; tmpDirs: string[] }];
  child.kill("SIGKILL");
  await new Promise((r) => child.on("exit", r));
  expect(readFileSync(`/proc/${pid}/cmdline`, "utf8")).toContain("test/support/azure/server.ts");
  expect(tmpDirs.every((d) => existsSync(d))).toBe(true);

  expect(cleanLeftovers()).toBeGreaterThanOrEqual(1);
  const alive = () => {
    try {
      return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
    } catch {
      return false;
    }
  };
  for (let i = 0; i < 50 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
  expect(alive()).toBe(false);
  expect(tmpDirs.some((d) => existsSync(d))).toBe(false);
});
