import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigFileError, loadConfig } from "../../../src/cli/config/load.js";
import { checkProviderOptions } from "../../../src/cli/config/provider-options.js";
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

  it('takes requireShortLived true, false or "strict", and names them when wrong', () => {
    expect(
      validateConfig({ policy: { requireShortLived: "strict" } }, "x.json").policy
        .requireShortLived,
    ).toBe("strict");
    const err = errorOf(() => validateConfig({ policy: { requireShortLived: "yes" } }, "x.json"));
    expect(err.message).toContain("policy.requireShortLived");
    expect(err.message).toContain('"strict"');
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

  // A key pasted where a reference or a whole config belongs must never be
  // echoed: built at run time so this file holds none.
  const pasted = () => `${"sk"}${"_live_"}${"Zq81xVbT0pLmA2cRw9YuE4kN"}`;
  const chunks = (text: string) =>
    Array.from({ length: text.length - 4 }, (_, i) => text.slice(i, i + 5));

  it("does not echo a key pasted as a reference", () => {
    const key = pasted();
    const err = errorOf(() => validateConfig({ references: { A: key } }, "c.json"));
    expect(err.message).toMatch(/references\.A: "sk_l…\(\d+ characters\)" is not a reference URI/);
    for (const c of chunks(key.slice(4))) expect(err.message).not.toContain(c);
    const bad = errorOf(() => validateConfig({ references: { B: { ref: key } } }, "c.json"));
    expect(bad.keyPath).toBe("references.B.ref");
    for (const c of chunks(key.slice(4))) expect(bad.message).not.toContain(c);
  });

  it("takes keys.prefixes, validated, and never echoes a key pasted as a prefix", () => {
    expect(validateConfig({ keys: { prefixes: ["acme_live_"] } }, "c.json").keys).toEqual({
      prefixes: ["acme_live_"],
    });
    expect(validateConfig({ keys: {} }, "c.json").keys).toEqual({ prefixes: [] });
    const bad = errorOf(() => validateConfig({ keys: { prefixes: ["acme_live"] } }, "c.json"));
    expect(bad.keyPath).toBe("keys.prefixes.0");
    expect(bad.message).toMatch(/ending in "_".*Fix: use an array of key prefixes/);
    const key = pasted();
    const leaked = errorOf(() => validateConfig({ keys: { prefixes: [key] } }, "c.json"));
    for (const c of chunks(key.slice(4))) expect(leaked.message).not.toContain(c);
    expect(errorOf(() => validateConfig({ keys: { prefix: [] } }, "c.json")).message).toMatch(
      /prefixes/,
    );
    expect(
      validateConfig({ scan: { allowlist: { rules: ["issued-api-key"] } } }, "c.json").scan
        .allowlist.rules,
    ).toEqual(["issued-api-key"]);
  });

  it("reports malformed JSON by line and column, quoting none of it", async () => {
    const key = pasted();
    const dir = project({ "secrets.config.json": `${key}\n` });
    const err = await errorOfAsync(() => loadConfig(dir));
    expect(err.message).toMatch(/not valid JSON \(at line 1, column 1: [a-z ]+\)/);
    for (const c of chunks(key)) expect(err.message).not.toContain(c);
    const later = project({
      "secrets.config.json": `{\n  "references": {\n    "A": ${key}\n  }\n}`,
    });
    const at = await errorOfAsync(() => loadConfig(later));
    expect(at.message).toMatch(/at line 3, column 10: [a-z ]+\)/);
    for (const c of chunks(key)) expect(at.message).not.toContain(c);
  });

  it("says an explicitly named file is not valid JSON, with its own fix", async () => {
    const key = pasted();
    const dir = project({ ".env": `STRIPE_KEY=${key}\n` });
    const err = await errorOfAsync(() => loadConfig(dir, join(dir, ".env")));
    expect(err.message).toMatch(
      /\.env: not valid JSON \(at line 1, column 1: [a-z ]+\)\. Fix: pass a JSON config file/,
    );
    for (const c of chunks(key)) expect(err.message).not.toContain(c);
    const truncated = project({ "c.json": '{"policy": {' });
    expect((await errorOfAsync(() => loadConfig(dir, join(truncated, "c.json")))).message).toMatch(
      /not valid JSON \(ends early: [a-z ]+\)/,
    );
  });
});

describe("config input validation", () => {
  it("reports provider option types as sentences with the key path, from each provider's declaration", async () => {
    const check = (providers: Record<string, Record<string, unknown>>) =>
      errorOfAsync(() =>
        checkProviderOptions(validateConfig({ providers }, "c.json").providers, "c.json"),
      );
    const dotenv = await check({ env: { dotenvPath: 5 } });
    expect(dotenv.keyPath).toBe("providers.env.dotenvPath");
    expect(dotenv.problem).toMatch(/^must be a file path or an array of file paths/);
    const region = await check({ aws: { region: 5 } });
    expect(region.keyPath).toBe("providers.aws.region");
    expect(region.problem).toMatch(/^must be a string \(an AWS region/);
    const attempts = await check({ aws: { maxAttempts: 1.5 } });
    expect(attempts.message).toMatch(/providers\.aws\.maxAttempts: must be a whole number/);
    // Every built-in's options are checked now, not only env's and aws's.
    const vault = await check({ vault: { auth: { method: "approle" } } });
    expect(vault.keyPath).toBe("providers.vault.auth.roleId");
    const gcp = await check({ gcp: { concurrency: "many" } });
    expect(gcp.keyPath).toBe("providers.gcp.concurrency");
    const azure = await check({ azure: { azureCli: "yes" } });
    expect(azure.keyPath).toBe("providers.azure.azureCli");
    for (const e of [dotenv, region, attempts, vault, gcp, azure])
      expect(e.message).not.toMatch(/iterable|is not a function|Invalid input/);
    // Unknown options of a known provider pass through.
    const providers = { aws: { region: "eu-west-1", extra: 1 }, vault: { x: 1 } };
    await checkProviderOptions(validateConfig({ providers }, "c.json").providers, "c.json");
    expect(validateConfig({ providers }, "c.json").providers).toEqual(providers);
  });

  it("reads a config file that starts with a UTF-8 byte order mark", async () => {
    const dir = project({
      "secrets.config.json": `\uFEFF${JSON.stringify({ references: { A: "env://A" } })}`,
    });
    expect((await loadConfig(dir)).config.references).toEqual({ A: "env://A" });
    const explicit = project({ "app.json": `\uFEFF{"policy": {"rotationMaxDays": 7}}` });
    expect((await loadConfig(dir, join(explicit, "app.json"))).config.policy.rotationMaxDays).toBe(
      7,
    );
  });

  it("refuses __proto__, constructor and prototype as names instead of dropping them", () => {
    for (const name of ["__proto__", "constructor", "prototype"]) {
      const asRef = errorOf(() =>
        validateConfig(
          JSON.parse(`{"references": {"${name}": "env://A", "B": "env://B"}}`),
          "c.json",
        ),
      );
      expect(asRef.keyPath).toBe(`references.${name}`);
      expect(asRef.problem).toMatch(/reserves/);
      const asProvider = errorOf(() =>
        validateConfig(JSON.parse(`{"providers": {"${name}": {}}}`), "c.json"),
      );
      expect(asProvider.keyPath).toBe(`providers.${name}`);
    }
  });

  it("refuses an unknown scheme, naming it and the known ones", () => {
    const err = errorOf(() =>
      validateConfig({ references: { A: "vualt://secret/app#key" } }, "c.json"),
    );
    expect(err.keyPath).toBe("references.A");
    expect(err.problem).toMatch(/^unknown scheme "vualt" \(known: env, aws-sm, .*vault/);
  });
});

describe("config with provider modules", () => {
  it("leaves the schemes of a config's provider modules to the client", () => {
    const config = validateConfig(
      {
        providers: { mem: { module: "./mem-provider.js" } },
        references: { A: "mem://key" },
      },
      "c.json",
    );
    expect(config.references).toEqual({ A: "mem://key" });
  });
});
