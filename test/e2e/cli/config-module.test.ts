/**
 * `--config-module`: `secrets run` validates a defineConfig() module's entries
 * and injects them (masked with --redact); `secrets doctor` checks them in
 * item 11, once each even when the JSON config names them too.
 */
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { makeProject } from "../../unit/cli/support/project.js";
import { assertBuilt, cli, usageLine } from "./support.js";

beforeAll(() => assertBuilt());

const MODULE = new URL("../../fixtures/config-module/app.config.mjs", import.meta.url).pathname;
const TS_MODULE = new URL("../../fixtures/config-module/app.config.ts", import.meta.url).pathname;
const NONE = new URL("../../fixtures/config-module/none.mjs", import.meta.url).pathname;
const TOKEN = ["cm", "token", randomBytes(6).toString("hex")].join("-");
const ENV = { CM_URL: "https://api.example.test/v1", CM_TOKEN: TOKEN };
const PRINT = `process.stdout.write([process.env.CM_URL, process.env.CM_TOKEN, process.env.CM_PORT ?? "unset"].join(" "))`;

describe("secrets run --config-module", () => {
  it("validates the entries, then injects them; --redact masks them", () => {
    const r = cli(["run", "--config-module", MODULE, "--", process.execPath, "-e", PRINT], {
      env: ENV,
    });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    // CM_PORT is absent and has a default: nothing is injected for it (the app applies its default).
    expect(r.stdout).toBe(`https://api.example.test/v1 ${TOKEN} unset`);
    const masked = cli(
      ["run", "--redact", "--config-module", MODULE, "--", process.execPath, "-e", PRINT],
      { env: ENV },
    );
    expect(masked.code).toBe(0);
    expect(masked.stdout).not.toContain(TOKEN);
    expect(masked.stdout).toContain("[REDACTED]");
  });

  it("a value failing its schema stops the run, naming the entry and never the value", () => {
    const bad = ["not", "a", "url", randomBytes(4).toString("hex")].join("-");
    const r = cli(["run", "--config-module", MODULE, "--", process.execPath, "-e", PRINT], {
      env: { ...ENV, CM_URL: bad, CM_PORT: "eighty" },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(
      /^secrets: configuration failed: CM_URL \(env:\/\/CM_URL\): \[INVALID_VALUE\]/,
    );
    expect(r.stderr).toContain("CM_PORT (env://CM_PORT): [INVALID_VALUE]");
    expect(r.stderr).not.toContain(bad);
    expect(r.stderr).not.toContain("eighty");
  });

  it("loads a .ts module on this Node (type stripping, Node >= 22.18)", () => {
    expect(process.features.typescript).toBeTruthy();
    const r = cli(["run", "--config-module", TS_MODULE, "--", process.execPath, "-e", PRINT], {
      env: { ...ENV, CM_PORT: "9000" },
    });
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(`https://api.example.test/v1 ${TOKEN} 9000`);
  });

  it("a missing file or a module without a config is a usage error", () => {
    expect(usageLine(cli(["run", "--config-module", "nope.mjs", "--", "true"]))).toBe(
      "secrets: --config-module nope.mjs: file not found",
    );
    expect(usageLine(cli(["run", "--config-module", NONE, "--", "true"]))).toMatch(
      /exports no defineConfig\(\) result; add: export default defineConfig/,
    );
  });
});

describe("secrets doctor --config-module", () => {
  it("checks the module's entries in item 11, once each when the JSON config names one too", () => {
    const dir = makeProject({
      "secrets.config.json": JSON.stringify({
        references: { API_TOKEN: "env://CM_TOKEN", OTHER: "env://CM_OTHER" },
      }),
    });
    const r = cli(["doctor", "--json", "--config-module", MODULE], {
      cwd: dir,
      env: { ...ENV, CM_OTHER: "other-value-x1" },
    });
    const doc = JSON.parse(r.stdout);
    const item11 = doc.checks.find((c: { item: number }) => c.item === 11);
    const evidence = item11.results.map((x: { evidence: string }) => x.evidence);
    // CM_TOKEN is named by both: checked once, under the JSON config's name.
    expect(evidence.filter((e: string) => e.includes("env://CM_TOKEN"))).toHaveLength(1);
    expect(evidence.some((e: string) => e.startsWith("API_TOKEN (env://CM_TOKEN) resolved"))).toBe(
      true,
    );
    expect(evidence.some((e: string) => e.startsWith("CM_URL (env://CM_URL) resolved"))).toBe(true);
    // Absent with a default: optional, so a warning rather than a failure.
    const port = item11.results.find((x: { evidence: string }) => x.evidence.startsWith("CM_PORT"));
    expect(port.status).toBe("warn");
    expect(item11.results).toHaveLength(4);
    expect(r.stdout).not.toContain(TOKEN);
  });
});
