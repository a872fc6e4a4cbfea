import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { envProvider } from "../../providers/env/index.js";
import { createEnvProvider } from "../../providers/env/runtime.js";
import type { Secrets } from "../../src/api.js";
import {
  ConfigError,
  InvalidReferenceError,
  InvalidValueError,
  NotFoundError,
} from "../../src/errors.js";
import { createSecrets, parseReference } from "../../src/index.js";
import type { CallContext } from "../../src/provider/index.js";

let secrets: Secrets | undefined;
afterEach(async () => {
  await secrets?.close();
});

const ctx: CallContext = {
  name: "env",
  policy: {},
  emit: () => {},
  signal: new AbortController().signal,
  memo: () => Promise.reject(new Error("no memo in this test")),
};

function dotenv(contents: string): string {
  const dir = mkdtempSync(join(tmpdir(), "sl-env-"));
  const file = join(dir, ".env");
  writeFileSync(file, contents);
  return file;
}

describe("env provider", () => {
  it("reads process.env at fetch time by default", async () => {
    process.env.SL_ENV_LIVE = "live-one";
    const p = createEnvProvider();
    expect((await p.getSecret(parseReference("env://SL_ENV_LIVE"), ctx)).value).toBe("live-one");
    process.env.SL_ENV_LIVE = "live-two";
    expect((await p.getSecret(parseReference("env://SL_ENV_LIVE"), ctx)).value).toBe("live-two");
  });

  it("reports unset and empty variables as not found, naming where it looked", async () => {
    const p = createEnvProvider({ env: { EMPTY: "" } });
    await expect(p.getSecret(parseReference("env://UNSET_X"), ctx)).rejects.toThrow(
      /UNSET_X is not set in the environment/,
    );
    await expect(p.getSecret(parseReference("env://EMPTY"), ctx)).rejects.toThrow(/set but empty/);
    await expect(p.getSecret(parseReference("env://EMPTY"), ctx)).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it("reads dotenv files with the dotenv parser; the environment wins unless override", async () => {
    const file = dotenv('FROM_FILE="file value"\nBOTH=file\n# comment\nMULTI="line1\\nline2"\n');
    const p = createEnvProvider({ env: { BOTH: "env" }, dotenvPath: file });
    expect((await p.getSecret(parseReference("env://FROM_FILE"), ctx)).value).toBe("file value");
    expect((await p.getSecret(parseReference("env://BOTH"), ctx)).value).toBe("env");
    expect((await p.getSecret(parseReference("env://MULTI"), ctx)).value).toBe("line1\nline2");
    const o = createEnvProvider({ env: { BOTH: "env" }, dotenvPath: file, override: true });
    expect((await o.getSecret(parseReference("env://BOTH"), ctx)).value).toBe("file");
    await expect(p.getSecret(parseReference("env://NOT_IN_FILE"), ctx)).rejects.toThrow(
      /or .*\.env/,
    );
  });

  it("later dotenv files win over earlier ones", async () => {
    const a = dotenv("K=a\n");
    const b = dotenv("K=b\n");
    const p = createEnvProvider({ env: {}, dotenvPath: [a, b] });
    expect((await p.getSecret(parseReference("env://K"), ctx)).value).toBe("b");
  });

  it("names a missing dotenv file", async () => {
    const p = createEnvProvider({ env: {}, dotenvPath: "/nonexistent/.env" });
    const err = await p.getSecret(parseReference("env://K"), ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain("/nonexistent/.env");
    expect((err as Error).cause).toBeDefined();
  });

  it("refuses public-prefixed names even when handed a pre-parsed reference", async () => {
    const p = createEnvProvider({ env: { NEXT_PUBLIC_KEY: "x" } });
    const forged = {
      ...parseReference("env://KEY"),
      path: "NEXT_PUBLIC_KEY",
      raw: "env://NEXT_PUBLIC_KEY",
    };
    await expect(p.getSecret(forged, ctx)).rejects.toBeInstanceOf(InvalidReferenceError);
  });

  it("supports #field on JSON, and json / binary types through the client", async () => {
    secrets = createSecrets({
      providers: {
        env: envProvider({
          env: {
            CFG: '{"db":{"password":"pw-9876","port":5432},"list":["a","b"]}',
            BIN: Buffer.from([0, 1, 2, 255]).toString("base64"),
            PLAIN: "not json",
          },
        }),
      },
    });
    expect(await secrets.getSecret("env://CFG#db.password")).toBe("pw-9876");
    expect(await secrets.getSecret("env://CFG#db.port")).toBe("5432");
    expect(await secrets.getSecret("env://CFG#db.port", { type: "json" })).toBe(5432);
    expect(await secrets.getSecret("env://CFG#list.1")).toBe("b");
    expect(await secrets.getSecret("env://CFG#db")).toBe('{"password":"pw-9876","port":5432}');
    expect(await secrets.getSecret("env://CFG", { type: "json" })).toEqual({
      db: { password: "pw-9876", port: 5432 },
      list: ["a", "b"],
    });
    const bin = await secrets.getSecret("env://BIN", { type: "binary" });
    expect([...bin]).toEqual([0, 1, 2, 255]);
    bin[0] = 99; // callers get a copy
    expect([...(await secrets.getSecret("env://BIN", { type: "binary" }))]).toEqual([0, 1, 2, 255]);
    await expect(secrets.getSecret("env://PLAIN", { type: "json" })).rejects.toBeInstanceOf(
      InvalidValueError,
    );
    await expect(secrets.getSecret("env://PLAIN", { type: "binary" })).rejects.toThrow(
      /not base64/,
    );
    await expect(secrets.getSecret("env://CFG#db.user")).rejects.toThrow(
      /field "db.user" is missing \(fields here: password, port\)/,
    );
    await expect(secrets.getSecret("env://PLAIN#x")).rejects.toThrow(/not valid JSON/);
  });
});
