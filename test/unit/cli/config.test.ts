import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigFileError, loadConfig } from "../../../src/cli/config/load.js";
import { validateConfig } from "../../../src/cli/config/validate.js";

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "secrets-config-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

async function errorOfAsync(fn: () => Promise<unknown>): Promise<ConfigFileError> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof ConfigFileError) return err;
    throw err;
  }
  throw new Error("expected a ConfigFileError");
}

function errorOf(fn: () => unknown): ConfigFileError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigFileError) return err;
    throw err;
  }
  throw new Error("expected a ConfigFileError");
}

function makeEmpty(): string {
  // A directory with no config above it either (tmp is outside any project).
  return project({});
}

describe("config", () => {
  it("fills defaults", () => {
    const c = validateConfig({}, "x.json");
    expect(c.policy).toEqual({ requireShortLived: false, rotationMaxDays: 90 });
    expect(c.references).toEqual({});
    expect(c.scan.allowlist.paths).toEqual([]);
  });

  it("finds secrets.config.json before package.json, searching upwards", async () => {
    const dir = project({
      "secrets.config.json": JSON.stringify({ policy: { rotationMaxDays: 30 } }),
      "package.json": JSON.stringify({ name: "x", secrets: { policy: { rotationMaxDays: 60 } } }),
      "sub/deeper/.keep": "",
    });
    const { config, file } = await loadConfig(join(dir, "sub", "deeper"));
    expect(config.policy.rotationMaxDays).toBe(30);
    expect(file).toBe(join(dir, "secrets.config.json"));
  });

  it("reads the secrets key of package.json", async () => {
    const dir = project({
      "package.json": JSON.stringify({ name: "x", secrets: { references: { A: "env://A" } } }),
    });
    expect((await loadConfig(dir)).config.references).toEqual({ A: "env://A" });
  });

  it("names the file, the key path and the fix", async () => {
    const dir = project({
      "secrets.config.json": JSON.stringify({ policy: { rotationMaxDays: "90d" } }),
    });
    const err = await errorOfAsync(() => loadConfig(dir));
    expect(err.file).toBe(join(dir, "secrets.config.json"));
    expect(err.keyPath).toBe("policy.rotationMaxDays");
    expect(err.message).toMatch(/Fix: use a whole number of days/);
    expect(err.message.split("\n")).toHaveLength(1);
  });

  it("suggests the right name for a misspelt key", () => {
    const err = errorOf(() => validateConfig({ polcy: {} }, "c.json"));
    expect(err.message).toBe('c.json: polcy: unknown key. Fix: rename it to "policy"');
    const nested = errorOf(() => validateConfig({ scan: { allowlist: { path: [] } } }, "c.json"));
    expect(nested.keyPath).toBe("scan.allowlist.path");
    expect(nested.fix).toBe('rename it to "paths"');
  });

  it("rejects malformed JSON with its position", async () => {
    const dir = project({ "secrets.config.json": '{ "policy": { , } }' });
    const err = await errorOfAsync(() => loadConfig(dir));
    expect(err.message).toMatch(/secrets\.config\.json: not valid JSON/);
  });

  it("rejects invalid references and unknown rule ids", () => {
    expect(
      errorOf(() => validateConfig({ references: { A: "aws-sm://" } }, "c.json")).keyPath,
    ).toBe("references.A");
    expect(
      errorOf(() => validateConfig({ references: { A: "not a uri" } }, "c.json")).message,
    ).toMatch(/not a reference URI/);
    expect(
      errorOf(() => validateConfig({ scan: { allowlist: { rules: ["nope"] } } }, "c.json")).keyPath,
    ).toBe("scan.allowlist.rules.0");
    expect(
      errorOf(() => validateConfig({ scan: { allowlist: { regexes: ["("] } } }, "c.json")).message,
    ).toMatch(/not a valid regular expression/);
  });

  it("reports a missing --config file, and gives defaults without a file", async () => {
    const err = await errorOfAsync(() => loadConfig(".", "/nonexistent/secrets.json"));
    expect(err.message).toMatch(/file not found/);
    const none = await loadConfig(makeEmpty());
    expect(none.file).toBeUndefined();
    expect(none.config).toEqual(validateConfig({}, "x"));
  });
});
