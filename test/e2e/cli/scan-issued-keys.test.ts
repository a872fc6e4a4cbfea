/**
 * `secrets scan` finds the API keys a project issues with secrets-loader/keys, once their
 * prefix is registered under `keys.prefixes`, and confirms each by its checksum: a
 * look-alike is never reported. Real scans with the built bin; keys minted at run time.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { mintKey } from "../../../src/keys/format.js";
import { commitAll, gitInit, makeProject } from "../../unit/cli/support/project.js";
import { ScanOutputSchema } from "./output-schemas.js";
import { assertBuilt, cli, jsonValidator, sarifValidator, usageLine } from "./support.js";

beforeAll(() => assertBuilt());

const PREFIX = "acme_live_";
const registered = (prefixes: string[] = [PREFIX], extra: object = {}) =>
  JSON.stringify({ keys: { prefixes }, ...extra });

/** Changes one character of the random part, keeping the shape (a typo). */
function typo(key: string): string {
  const i = PREFIX.length + 5;
  return key.slice(0, i) + (key[i] === "Q" ? "R" : "Q") + key.slice(i + 1);
}

/** A random-looking string of the right shape whose checksum is not one. */
function lookAlike(): string {
  const key = mintKey(PREFIX);
  const last = key.at(-1) === "0" ? "1" : "0";
  return key.slice(0, -1) + last;
}

function findings(dir: string, args: string[] = []) {
  const r = cli(["scan", "--json", ...args], { cwd: dir });
  const doc = JSON.parse(r.stdout);
  expect(jsonValidator(ScanOutputSchema)(doc)).toEqual([]);
  return { code: r.code, doc, out: r.stdout + r.stderr };
}

describe("secrets scan: issued API keys (keys.prefixes)", () => {
  it("reports a registered key with only its prefix and length, never the rest", () => {
    const key = mintKey(PREFIX);
    const dir = makeProject({
      "secrets.config.json": registered(),
      "src/client.ts": `// call the API\nconst apiKey = process.env.KEY ?? "${key}";\n`,
      "notes.md": `Use ${key} for the demo.\n`,
    });
    const { code, doc, out } = findings(dir);
    expect(code).toBe(1);
    expect(doc.findings).toEqual([
      expect.objectContaining({
        rule: "issued-api-key",
        title: "API key issued by this project",
        file: "notes.md",
        line: 1,
        column: 5,
        match: `${PREFIX}… (${key.length} chars)`,
      }),
      expect.objectContaining({
        rule: "issued-api-key",
        file: "src/client.ts",
        line: 2,
        column: 36,
      }),
    ]);
    expect(out).not.toContain(key.slice(PREFIX.length));
  });

  it("zero false positives: typos and look-alikes with a bad checksum are not reported", () => {
    const keys = Array.from({ length: 20 }, () => mintKey(PREFIX));
    const lines = [...keys.map(typo), ...Array.from({ length: 200 }, lookAlike)];
    const dir = makeProject({
      "secrets.config.json": registered(),
      "fixtures.txt": `${lines.join("\n")}\n`,
    });
    const { code, doc } = findings(dir);
    expect(doc.findings).toEqual([]);
    expect(code).toBe(0);
  });

  it("only registered prefixes count; keys inside longer words do not", () => {
    const other = mintKey("other_live_");
    const key = mintKey(PREFIX);
    const dir = makeProject({
      "secrets.config.json": registered(),
      "a.txt": `${other}\nx${key}\n${key}Z\n`,
    });
    const { doc } = findings(dir);
    expect(doc.findings.filter((f: { rule: string }) => f.rule === "issued-api-key")).toEqual([]);
  });

  it("without a registration the format is not looked for", () => {
    const dir = makeProject({ "a.txt": `${mintKey(PREFIX)}\n` });
    const { doc } = findings(dir);
    expect(doc.findings.filter((f: { rule: string }) => f.rule === "issued-api-key")).toEqual([]);
  });

  it("several prefixes, one of them a prefix of another", () => {
    const live = mintKey("acme_live_");
    const liveEu = mintKey("acme_live_eu_");
    const dir = makeProject({
      "secrets.config.json": registered(["acme_live_", "acme_live_eu_"]),
      "a.txt": `${live}\n${liveEu}\n`,
    });
    const { doc } = findings(dir);
    expect(doc.findings.map((f: { match: string }) => f.match)).toEqual([
      `acme_live_… (${live.length} chars)`,
      `acme_live_eu_… (${liveEu.length} chars)`,
    ]);
  });

  it("can be turned off by rule id, and allowlisted like any finding", () => {
    const dir = makeProject({
      "secrets.config.json": registered([PREFIX], {
        scan: { allowlist: { rules: ["issued-api-key"] } },
      }),
      "a.txt": `${mintKey(PREFIX)}\n`,
    });
    expect(cli(["scan"], { cwd: dir }).code).toBe(0);
  });

  it("finds keys in history and staged changes too", () => {
    const dir = makeProject({ "secrets.config.json": registered(), "a.ts": "x\n" });
    gitInit(dir);
    commitAll(dir, "init", "2024-01-01T00:00:00Z");
    writeFileSync(join(dir, "a.ts"), `x\nconst k = "${mintKey(PREFIX)}";\n`);
    commitAll(dir, "leak", "2024-02-01T00:00:00Z");
    writeFileSync(join(dir, "a.ts"), "x\n");
    commitAll(dir, "fix", "2024-03-01T00:00:00Z");
    const history = findings(dir, ["--history"]);
    expect(history.code).toBe(1);
    expect(history.doc.findings).toEqual([
      expect.objectContaining({ rule: "issued-api-key", file: "a.ts", line: 2 }),
    ]);
  });

  it("--sarif lists the rule and stays valid SARIF 2.1.0", () => {
    const dir = makeProject({
      "secrets.config.json": registered(),
      "a.txt": `${mintKey(PREFIX)}\n`,
    });
    const r = cli(["scan", "--sarif"], { cwd: dir });
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(sarifValidator()(doc)).toEqual([]);
    expect(doc.runs[0].results[0]).toMatchObject({ ruleId: "issued-api-key" });
    expect(
      doc.runs[0].tool.driver.rules.some((r: { id: string }) => r.id === "issued-api-key"),
    ).toBe(true);
  });

  it("an invalid prefix in the config is a usage error naming the key path", () => {
    const dir = makeProject({ "secrets.config.json": registered(["Acme-Live"]) });
    expect(usageLine(cli(["scan"], { cwd: dir }))).toMatch(/keys\.prefixes\.0/);
    const typoKey = makeProject({
      "secrets.config.json": JSON.stringify({ keys: { prefix: [] } }),
    });
    expect(usageLine(cli(["scan"], { cwd: typoKey }))).toMatch(/keys\.prefix.*prefixes/);
  });
});
