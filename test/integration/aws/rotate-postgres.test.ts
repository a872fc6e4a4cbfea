// @stand-ins: aws, postgres
/**
 * Runs examples/rotate-postgres as a user would (`node examples/rotate-postgres/...`
 * against the built package): a PostgreSQL role's password in moto, rotated
 * while a loop opens new connections through withSecret. Then checks the
 * outcome independently, with pg and the official AWS client.
 */

import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { closedPort, expectCleanFailure } from "../../support/dependency-down.js";
import { expectReadmeOutput } from "../../support/readme-output.js";
import { standIn } from "../../support/stand-ins.js";
import { aws, seedConfig, uniquePrefix } from "./support/moto.js";

const run = promisify(execFile);
const root = new URL("../../../", import.meta.url).pathname;

beforeAll(() => {
  if (!existsSync(join(root, "dist/providers/aws/index.js"))) {
    throw new Error("dist/ has no AWS provider: run `npm run build` first (`npm test` does).");
  }
});

function env(name: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    AWS_REGION: aws().region,
    AWS_ENDPOINT_URL: aws().endpoint,
    AWS_ACCESS_KEY_ID: aws().credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: aws().credentials.secretAccessKey,
    ADMIN_DATABASE_URL: standIn("postgres").url,
    SECRET_NAME: name,
  };
}

interface Login {
  username: string;
  password: string;
  host: string;
  port: number;
  dbname: string;
}

async function login(l: Login, password: string): Promise<string> {
  const db = new pg.Client({
    host: l.host,
    port: l.port,
    database: l.dbname,
    user: l.username,
    password,
    connectionTimeoutMillis: 5000,
  });
  try {
    await db.connect();
    const { rows } = await db.query("select current_user");
    return `ok:${rows[0]?.current_user}`;
  } catch (err) {
    return `refused:${(err as { code?: string }).code}`;
  } finally {
    await db.end().catch(() => {});
  }
}

describe("examples/rotate-postgres", () => {
  it("rotates the role's password: the retired one refused, the new one works, zero failed queries in the loop", async () => {
    const name = `${uniquePrefix()}/app/db`;
    const setup = await run(process.execPath, ["examples/rotate-postgres/setup.mjs"], {
      cwd: root,
      env: env(name),
    });
    expect(setup.stdout).toMatch(/role app_\w+ created/);

    const { stdout, stderr } = await run(process.execPath, ["examples/rotate-postgres/main.mjs"], {
      cwd: root,
      env: { ...env(name), HOLD_MS: "600" },
      timeout: 60_000,
    });
    const same = (t: string) =>
      t
        .replaceAll(name, "demo/app/db")
        .replace(/\bapp_[0-9a-f]{8}\b/g, "app_<id>")
        .replace(
          /app loop: \d+ queries ok, (\d+) failed, \d+ retried after a refused login, \d+ inside/,
          "app loop: <n> queries ok, $1 failed, <n> retried after a refused login, <n> inside",
        );
    expectReadmeOutput("rotate-postgres", setup.stdout, 0, same);
    expectReadmeOutput("rotate-postgres", stdout, 1, same);
    expect(stdout).toContain("[rotate] generate: done");
    expect(stdout).toContain("[rotate] deploy: done");
    expect(stdout).toContain("[rotate] verify: done");
    expect(stdout).toContain("[rotate] finish: done");
    expect(stdout).toContain("pool connection opened before the rotation: still works");
    expect(stdout).toContain("retired password: refused by PostgreSQL (28P01)");
    expect(stdout).toContain("new password (AWSCURRENT): accepted");
    const loop =
      /app loop: (\d+) queries ok, (\d+) failed, (\d+) retried after a refused login, (\d+) inside the rotation window/.exec(
        stdout,
      );
    expect(loop, stdout).not.toBeNull();
    const [, okCount, failed, retried, inWindow] = (loop as RegExpExecArray).map(Number);
    expect(failed).toBe(0);
    expect(okCount).toBeGreaterThan(0);
    // The loop did run inside the window, where the AWSCURRENT password was refused.
    expect(inWindow).toBeGreaterThan(0);
    expect(retried).toBeGreaterThan(0);
    expect(stderr).not.toContain("query failed");

    // Independently: labels and logins, through the official client and pg.
    const sm = new SecretsManagerClient(seedConfig());
    try {
      const versions = await sm.send(new ListSecretVersionIdsCommand({ SecretId: name }));
      const stages = (versions.Versions ?? []).flatMap((v) => v.VersionStages ?? []).sort();
      expect(stages).toEqual(["AWSCURRENT", "AWSPREVIOUS"]);
      const read = async (stage: string) =>
        JSON.parse(
          (await sm.send(new GetSecretValueCommand({ SecretId: name, VersionStage: stage })))
            .SecretString as string,
        ) as Login;
      const current = await read("AWSCURRENT");
      const previous = await read("AWSPREVIOUS");
      expect(current.password).not.toBe(previous.password);
      expect(await login(current, current.password)).toBe(`ok:${current.username}`);
      expect(await login(current, previous.password)).toBe("refused:28P01");
      for (const v of [current.password, previous.password]) {
        expect(`${stdout}${stderr}${setup.stdout}${setup.stderr}`).not.toContain(v);
      }
    } finally {
      sm.destroy();
    }
  });

  it("with Secrets Manager unreachable, one line and exit 1, no stack, no hang", async () => {
    await expectCleanFailure(
      "rotate-postgres",
      { ...env("demo/app/db"), AWS_ENDPOINT_URL: `http://127.0.0.1:${await closedPort()}` },
      /^cannot rotate: aws: could not reach the endpoint for secret "demo\/app\/db".*ECONNREFUSED/,
    );
  });
});
