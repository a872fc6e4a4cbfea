/**
 * `secrets scan` run as a user runs it on real repositories: one test per
 * problem found that way (issue 25), each against the built bin. Keys are
 * fakes built at run time; no output may hold one.
 */

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { mintKey } from "../../../src/keys/format.js";
import { FAKES, rand } from "../../unit/cli/support/fakes.js";
import { commitAll, git, gitInit, makeProject } from "../../unit/cli/support/project.js";
import { ScanOutputSchema } from "./output-schemas.js";
import { assertBuilt, cli, jsonValidator } from "./support.js";

const stripe = FAKES.stripe_live as () => string;
const ghp = FAKES.ghp as () => string;

beforeAll(() => assertBuilt());

interface Out {
  findings: Array<{ rule: string; file: string; context: string; confidence: string }>;
  other: Array<{ rule: string; file: string; context: string; confidence: string }>;
  skipped: Array<{ file: string; reason: string; commit?: string }>;
  notes?: string[];
  stats: { files: number; skipped: number };
}

function scanJson(dir: string, args: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const r = cli(["scan", ...args, "--json"], { cwd: dir, env });
  const out = JSON.parse(r.stdout) as Out;
  expect(jsonValidator(ScanOutputSchema)(out)).toEqual([]);
  return { code: r.code, out, stderr: r.stderr };
}

/** A file of about `mb` megabytes of ordinary lines with `line` first. */
function bigFile(line: string, mb: number): string {
  const filler = "const x = compute(a, b); // ordinary code, nothing secret here\n";
  return line + filler.repeat(Math.ceil((mb * 1024 * 1024) / filler.length));
}

describe("2. a tracked file that matches .gitignore is still read", () => {
  it("tree mode finds a key in a committed file that a later .gitignore rule matches", () => {
    const key = stripe();
    const dir = makeProject({ "config/prod.env": `STRIPE=${key}\n`, "src/a.ts": "export {};\n" });
    gitInit(dir);
    commitAll(dir, "config");
    writeFileSync(join(dir, ".gitignore"), "config/\n");
    commitAll(dir, "ignore config");
    const { code, out } = scanJson(dir);
    expect(code).toBe(1);
    expect(out.findings.map((f) => `${f.file} ${f.rule}`)).toEqual([
      "config/prod.env stripe-secret-key",
    ]);
  });
});

describe("3. nothing over the size limit is dropped silently", () => {
  it("--staged and --history list a block of added lines over the limit, with its commit", () => {
    const dir = makeProject({ "README.md": "# app\n" });
    gitInit(dir);
    commitAll(dir, "init");
    writeFileSync(join(dir, "dump.sql"), bigFile(`-- token ${ghp()}\n`, 6));
    git(dir, "add", "dump.sql");
    const staged = scanJson(dir, ["--staged"]);
    expect(staged.out.skipped).toEqual([
      expect.objectContaining({ file: "dump.sql", reason: "too-large" }),
    ]);
    expect(staged.out.stats.skipped).toBe(1);
    commitAll(dir, "dump");
    const history = scanJson(dir, ["--history"]);
    expect(history.out.skipped).toEqual([
      expect.objectContaining({
        file: "dump.sql",
        reason: "too-large",
        commit: expect.stringMatching(/^[0-9a-f]{40}$/),
      }),
    ]);
    const text = cli(["scan", "--history"], { cwd: dir });
    expect(text.stdout).toMatch(/skipped 1 too-large/);
    expect(text.stdout).toMatch(/skipped dump\.sql \(commit [0-9a-f]{12}\): too-large/);
  });

  it("the doctor's items 1 and 2 are not `pass` when something was skipped", () => {
    const dir = makeProject({ "README.md": "# app\n", "secrets.config.json": "{}\n" });
    gitInit(dir);
    writeFileSync(join(dir, "dump.sql"), bigFile("-- nothing\n", 6));
    commitAll(dir, "dump");
    const r = cli(["doctor", "--json", "--offline"], { cwd: dir });
    const doc = JSON.parse(r.stdout) as {
      checks: Array<{ item: number; status: string; results: Array<{ evidence: string }> }>;
    };
    for (const item of [1, 2]) {
      const check = doc.checks.find((c) => c.item === item);
      expect(check?.status, `item ${item}`).not.toBe("pass");
      expect(check?.results.map((x) => x.evidence).join("\n")).toMatch(/dump\.sql/);
    }
  });

  it("--values lists a build file over the limit", () => {
    const value = `v-${rand(28)}`;
    const dir = makeProject({
      "secrets.config.json": JSON.stringify({ references: { APP_TOKEN: "env://APP_TOKEN" } }),
      ".gitignore": "dist/\n",
      "dist/app.js": bigFile(`var t="${value}";\n`, 0.1),
    });
    const { out } = scanJson(dir, ["--values", "--max-file-size", "50000"], { APP_TOKEN: value });
    expect(out.skipped).toContainEqual(
      expect.objectContaining({ file: "dist/app.js", reason: "too-large" }),
    );
  });
});

describe("4. generic-secret-assignment reads quoted passwords with punctuation", () => {
  it("finds a password holding ? : ; , ( ) [ ] { } < > | \\ ` or a space", () => {
    const files: Record<string, string> = {};
    const chars = [
      "?",
      ":",
      ";",
      ",",
      "(",
      ")",
      "[",
      "]",
      "{",
      "}",
      "<",
      ">",
      "|",
      "\\\\",
      "`",
      " ",
    ];
    chars.forEach((c, i) => {
      files[`svc${i}/.env`] = `DB_PASSWORD="${rand(4)}${c}${rand(6)}7pRw"\n`;
    });
    const { out } = scanJson(makeProject(files));
    expect(out.findings.filter((f) => f.rule === "generic-secret-assignment")).toHaveLength(
      chars.length,
    );
  });
});

describe("5. --values finds build output at any depth", () => {
  it("apps/web/.next/static, apps/web/.next/server and packages/ui/dist in a monorepo; not node_modules", () => {
    const value = `v-${rand(28)}`;
    const dir = makeProject({
      "secrets.config.json": JSON.stringify({ references: { APP_TOKEN: "env://APP_TOKEN" } }),
      ".gitignore": ".next/\ndist/\nnode_modules/\n",
      "apps/web/.next/static/chunks/app.js": `var t="${value}";\n`,
      "apps/web/.next/server/app/page.js": `var t="${value}";\n`,
      "packages/ui/dist/index.js": `var t="${value}";\n`,
      "node_modules/x/dist/index.js": `var t="${value}";\n`,
    });
    const { out } = scanJson(dir, ["--values"], { APP_TOKEN: value });
    expect(out.findings.map((f) => f.file).sort()).toEqual([
      "apps/web/.next/server/app/page.js",
      "apps/web/.next/static/chunks/app.js",
      "packages/ui/dist/index.js",
    ]);
  });
});

describe("6. --since git cannot represent", () => {
  const repo = () => {
    const dir = makeProject({ "a.ts": "export {};\n" });
    gitInit(dir);
    commitAll(dir, "init", "2020-01-01T00:00:00Z");
    return dir;
  };
  it("before 1970 or overflowing git's parser: exit 2 and a sentence", () => {
    const dir = repo();
    for (const since of [
      "57 years ago",
      "2000000000 seconds ago",
      "1969-12-31",
      "99999999999999999999 days ago",
    ]) {
      const r = cli(["scan", "--history", "--since", since], { cwd: dir });
      expect(r.code, since).toBe(2);
      expect(r.stderr, since).toMatch(/1970|too large/);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
  });
  it("a date before the first commit scans all history and says so", () => {
    const dir = repo();
    const r = cli(["scan", "--history", "--since", "2000-01-01"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/in 1 commits/);
    expect(r.stderr).toMatch(/before the first commit \(2020-01-01\): scanned all history/);
  });
});

describe("7. the issued-key rule accepts any non-alphanumeric boundary", () => {
  it("finds a key right after %20 and after _", () => {
    const a = mintKey("acme_live_");
    const b = mintKey("acme_live_");
    const dir = makeProject({
      "secrets.config.json": JSON.stringify({ keys: { prefixes: ["acme_live_"] } }),
      "curl.sh": `curl "https://api.acme.io/?auth=Bearer%20${a}"\n`,
      "env.sh": `export KEY_${b}=1\n`,
    });
    const { out } = scanJson(dir);
    expect(out.findings.map((f) => `${f.file} ${f.rule}`).sort()).toEqual([
      "curl.sh issued-api-key",
      "env.sh issued-api-key",
    ]);
  });
});

describe("8. an untracked .env file is scanned in its own class", () => {
  it("a git-ignored .env.local with a live key is listed as present on this machine, not committed", () => {
    const key = stripe();
    const dir = makeProject({ ".gitignore": ".env*.local\n", "src/a.ts": "export {};\n" });
    gitInit(dir);
    commitAll(dir, "init");
    writeFileSync(join(dir, ".env.local"), `NEXT_PUBLIC_STRIPE_SECRET_KEY=${key}\n`);
    const { code, out } = scanJson(dir);
    expect(code).toBe(0);
    expect(out.findings).toEqual([]);
    expect(out.other).toEqual([
      expect.objectContaining({ file: ".env.local", rule: "stripe-secret-key", context: "local" }),
    ]);
    const text = cli(["scan"], { cwd: dir });
    expect(text.stdout).toMatch(/\.env\.local:1:\d+.*present on this machine, not committed/);
    expect(text.stdout + text.stderr).not.toContain(key.slice(8));
  });
});

describe("9. no noise from examples, fixtures and code expressions", () => {
  it("README examples and test dummies are listed apart, code expressions not at all; live keys count anywhere", () => {
    const key = stripe();
    const dir = makeProject({
      "node_modules/axios/README.md":
        "auth: {\n  username: 'janedoe',\n  password: 's00pers3cret'\n}\n",
      "node_modules/ioredis/README.md":
        "new Redis('redis://:password-for-30001@10.0.0.1:30001/0')\n",
      "node_modules/react-dom/index.js":
        'var internalEventHandlesSetKey = "__reactHandles$" + randomKey;\n',
      "node_modules/@babel/core/lib/f.js":
        'const featuresKey = "@babel/plugin-class-features/featuresKey";\n',
      "test/auth.test.js":
        "login({ email: 'a@b.co', password: 'password1' });\nlogin({ password: 'wrongPassword1' });\n",
      "test/billing.test.js": `const stripe = new Stripe("${key}");\n`,
    });
    const { code, out } = scanJson(dir, ["--no-gitignore"]);
    expect(code).toBe(1);
    expect(out.findings.map((f) => `${f.file} ${f.rule} ${f.context}`)).toEqual([
      "test/billing.test.js stripe-secret-key test-fixture",
    ]);
    expect(out.other.map((f) => `${f.file} ${f.context}`).sort()).toEqual([
      "node_modules/axios/README.md docs-example",
      "node_modules/ioredis/README.md docs-example",
      "test/auth.test.js test-fixture",
      "test/auth.test.js test-fixture",
    ]);
    const text = cli(["scan", "--no-gitignore"], { cwd: dir });
    const [counted, apart] = text.stdout.split("Also found, not counted");
    expect(counted).toMatch(/stripe-secret-key/);
    expect(apart).not.toMatch(/Rotate|revoke at/i);
  });
});
