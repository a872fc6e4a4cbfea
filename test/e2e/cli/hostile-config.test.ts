/**
 * Config and reference input that a hostile or careless user gives the
 * built bin: values pasted where references belong (they must never be
 * echoed, in any output, SARIF included), wrong option types, a byte order
 * mark, and names JavaScript reserves.
 */

import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { makeProject } from "../../unit/cli/support/project.js";
import { assertBuilt, type CliRun, cli, usageLine } from "./support.js";

beforeAll(() => assertBuilt());

const token = (n = 18) => randomBytes(n).toString("base64url").replace(/[-_]/g, "x");

interface Hostile {
  label: string;
  input: string;
  /** Parts that must appear in no output. */
  secrets: string[];
}

/** Values of the shapes that get pasted where a reference belongs, built at run time. */
function hostileInputs(): Hostile[] {
  const slack = [`T${token(6)}`, `B${token(6)}`, token(18)];
  const sig = token(24);
  const pw = token(12);
  const slashy = `p/ss@w${token(10)}`;
  const apiKey = token(16);
  const blobToken = token(16);
  const afterNewline = `sk_${"live"}_${token(16)}`;
  return [
    {
      label: "Slack webhook URL",
      input: `https://hooks.slack.com/services/${slack.join("/")}`,
      secrets: slack,
    },
    {
      label: "Azure SAS URL",
      input: `https://acct.blob.core.windows.net/c/b.txt?sv=2022-11-02&ss=b&sp=r&sig=${sig}`,
      secrets: [sig],
    },
    {
      label: "URL with ?password=",
      input: `postgres://db.test:5432/app?user=app&password=${pw}`,
      secrets: [pw],
    },
    {
      label: "password with / and @ after ://",
      input: `postgres://app:${slashy}@db.test/app`,
      secrets: [slashy, slashy.slice(6)],
    },
    {
      label: "JSON blob with a URL",
      input: JSON.stringify({ url: `https://api.test/v1?key=${apiKey}`, token: blobToken }),
      secrets: [apiKey, blobToken],
    },
    {
      label: "env://X then a newline and a value",
      input: `env://X\n${afterNewline}`,
      secrets: [afterNewline, afterNewline.slice(8)],
    },
  ];
}

function expectNothingOf(h: Hostile, texts: Record<string, string>): void {
  for (const [where, text] of Object.entries(texts)) {
    for (const s of h.secrets) expect(text, `${h.label}: ${where}`).not.toContain(s);
  }
}

const outputs = (r: CliRun) => ({ stdout: r.stdout, stderr: r.stderr });

describe("a value where a reference belongs is never echoed", () => {
  it("in the config: doctor (table, --json, --sarif, --sarif-file) and run --from", () => {
    for (const h of hostileInputs()) {
      const dir = makeProject({
        "secrets.config.json": JSON.stringify({ references: { APP_SECRET: h.input } }),
      });
      const table = cli(["doctor", "--offline", "."], { cwd: dir });
      const json = cli(["doctor", "--offline", "--json", "."], { cwd: dir });
      const sarif = cli(["doctor", "--offline", "--sarif", "--sarif-file", "out.sarif", "."], {
        cwd: dir,
      });
      const run = cli(["run", "--from", "secrets.config.json", "--", "true"], { cwd: dir });
      for (const r of [table, json, sarif, run]) {
        expect(r.code, `${h.label}: ${r.stderr}`).toBe(2);
        expectNothingOf(h, outputs(r));
      }
      const file = join(dir, "out.sarif");
      if (existsSync(file)) expectNothingOf(h, { sarifFile: readFileSync(file, "utf8") });
    }
  });

  it("on the command line: get, get --json and run --env", () => {
    for (const h of hostileInputs()) {
      const get = cli(["get", h.input]);
      const json = cli(["get", "--json", h.input]);
      const run = cli(["run", "--env", `A=${h.input}`, "--", "true"]);
      for (const r of [get, json, run]) {
        expect(r.code, `${h.label}: ${r.stderr}`).not.toBe(0);
        expectNothingOf(h, outputs(r));
      }
    }
  });
});

describe("config input", () => {
  it("option types read as sentences with their key path", () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ env: { dotenvPath: 5 } }, /providers\.env\.dotenvPath: must be a file path/],
      [{ aws: { region: 5 } }, /providers\.aws\.region: must be a string/],
    ];
    for (const [providers, message] of cases) {
      const dir = makeProject({ "secrets.config.json": JSON.stringify({ providers }) });
      const r = cli(["get", "env://HOME"], { cwd: dir });
      const line = usageLine(r);
      expect(line).toMatch(message);
      expect(line).not.toMatch(/iterable|is not a function/);
    }
  });

  it("a config file with a UTF-8 byte order mark is read", () => {
    const dir = makeProject({
      "secrets.config.json": `\uFEFF${JSON.stringify({ references: { A: "env://BOM_VALUE" } })}`,
    });
    const r = cli(["run", "--from", "secrets.config.json", "--", "sh", "-c", 'printf %s "$A"'], {
      cwd: dir,
      env: { BOM_VALUE: "bom-ok" },
    });
    expect(r).toMatchObject({ code: 0, stdout: "bom-ok" });
  });

  it("__proto__ as a reference or provider name is refused, not dropped", () => {
    for (const text of [
      '{"references": {"__proto__": "env://A"}}',
      '{"providers": {"__proto__": {"region": "x"}}}',
    ]) {
      const dir = makeProject({ "secrets.config.json": text });
      expect(usageLine(cli(["doctor", "--offline", "."], { cwd: dir }))).toMatch(
        /__proto__: "__proto__" is a name JavaScript reserves/,
      );
    }
  });

  it("an unknown scheme is an error naming it and the known ones", () => {
    const dir = makeProject({
      "secrets.config.json": JSON.stringify({ references: { A: "vualt://secret/app#key" } }),
    });
    expect(usageLine(cli(["doctor", "--offline", "."], { cwd: dir }))).toMatch(
      /references\.A: unknown scheme "vualt" \(known: env, aws-sm, aws-ssm, [^)]*vault/,
    );
  });
});
