/**
 * Items 5, 8 and 9 recognise `secrets-loader/keys` in the app's code: per-key `allowedIps`,
 * `createKeyLimiter`, and a usage log (`jsonLinesLogger`), each with its file and line; and
 * examples/issue-api-keys passes them.
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateConfig } from "../../../src/cli/config/validate.js";
import { DoctorContext } from "../../../src/cli/doctor/context.js";
import { type ItemReport, runChecks } from "../../../src/cli/doctor/run.js";
import { makeProject } from "./support/project.js";

const ROOT = new URL("../../..", import.meta.url).pathname;

async function doctor(dir: string): Promise<ItemReport[]> {
  const ctx = new DoctorContext(dir, validateConfig({}, "test.json"), undefined, {
    env: {},
    offline: true,
  });
  try {
    return await runChecks(ctx);
  } finally {
    await ctx.close();
  }
}
const item = (items: ItemReport[], n: number) => items.find((i) => i.item === n) as ItemReport;

/** The line of `needle` in `file` (1-based). */
function lineOf(file: string, needle: string | RegExp): number {
  const lines = readFileSync(file, "utf8").split("\n");
  const i = lines.findIndex((l) =>
    typeof needle === "string" ? l.includes(needle) : needle.test(l),
  );
  if (i === -1) throw new Error(`${needle} not in ${file}`);
  return i + 1;
}

describe("doctor items 5, 8 and 9 on secrets-loader/keys", () => {
  it("examples/issue-api-keys passes all three, with file and line", async () => {
    const dir = join(ROOT, "examples/issue-api-keys");
    const items = await doctor(dir);
    const server = join(dir, "server.mjs");
    expect(item(items, 5)).toMatchObject({ status: "pass" });
    expect(item(items, 5).results).toEqual([
      expect.objectContaining({
        status: "pass",
        file: "server.mjs",
        line: lineOf(server, /allowedIps,? (owner|})/),
        evidence: expect.stringMatching(/allowedIps\) at server\.mjs:\d+$/),
      }),
    ]);
    expect(item(items, 8)).toMatchObject({ status: "pass" });
    expect(item(items, 8).results[0]).toMatchObject({
      file: "server.mjs",
      line: lineOf(server, "createKeyLimiter({"),
    });
    expect(item(items, 9)).toMatchObject({ status: "pass" });
    expect(item(items, 9).results[0]).toMatchObject({
      file: "server.mjs",
      line: lineOf(server, "jsonLinesLogger(usageLog)"),
      evidence: expect.stringContaining("createAnomalyWatcher at server.mjs:"),
    });
  });

  it("mentions in comments, or without the keys import, are not evidence", async () => {
    const dir = makeProject({
      "src/app.ts": [
        'import { createKeyring } from "secrets-loader/keys";',
        "// TODO: createKeyLimiter({ ... }) and allowedIps: [...]",
        " * jsonLinesLogger(process.stdout)",
        'const note = "allowedIps";',
      ].join("\n"),
      "src/other.ts": "const allowedIps: string[] = []; createKeyLimiter(); jsonLinesLogger(x);\n",
    });
    const items = await doctor(dir);
    expect(item(items, 5).status).toBe("manual");
    expect(item(items, 8).status).toBe("manual");
    expect(item(items, 9).status).toBe("warn");
  });

  it("adapter imports count, and each use is found in its own file", async () => {
    const dir = makeProject({
      "src/limits.ts":
        'import { createKeyLimiter } from "secrets-loader/keys";\n\nexport const limiter = createKeyLimiter({ limits: [] });\n',
      "src/issue.ts":
        'import { withApiKey } from "secrets-loader/keys/http";\nawait keys.issueKey({ prefix: "a_", scopes: [], allowedIps: ["10.0.0.0/8"] });\n',
    });
    const items = await doctor(dir);
    expect(item(items, 5).results[0]).toMatchObject({
      status: "pass",
      file: "src/issue.ts",
      line: 2,
    });
    expect(item(items, 8).results[0]).toMatchObject({
      status: "pass",
      file: "src/limits.ts",
      line: 3,
    });
    expect(item(items, 9).status).toBe("warn");
  });
});
