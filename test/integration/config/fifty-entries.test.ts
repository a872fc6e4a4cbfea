// @stand-ins: aws, vault
/**
 * defineConfig over three real backends: 50 entries from the environment,
 * AWS Secrets Manager (moto, official SDK) and Vault KV v2 (OpenBao) in ONE
 * `config.load()`, with the provider calls it took counted at the provider
 * contract and, for AWS, on the wire. A failing load names every bad entry at
 * once, with no value in its message, cause, inspect or JSON.
 */

import { inspect } from "node:util";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { awsProvider } from "../../../providers/aws/index.js";
import { envProvider } from "../../../providers/env/index.js";
import { vaultProvider } from "../../../providers/vault/index.js";
import { type ConfigEntry, ConfigLoadError, defineConfig } from "../../../src/config/index.js";
import { createSecrets, type Secrets } from "../../../src/index.js";
import {
  type ConfiguredProvider,
  defineProvider,
  type ProviderOperations,
} from "../../../src/provider/index.js";
import { aws, fakeValue, seedConfig, uniquePrefix } from "../aws/support/moto.js";
import { type RecordingProxy, startRecordingProxy } from "../aws/support/recording-proxy.js";
import { bao, putKv2 } from "../vault/support/bao.js";

const prefix = uniquePrefix();
const values: string[] = [];
const keep = (v: string) => {
  values.push(v);
  return v;
};
const env: Record<string, string> = {};
let proxy: RecordingProxy;
let sm: SecretsManagerClient;

/** Counts every call a provider answers, by method, at the provider contract. */
function counting(p: ProviderOperations, calls: Record<string, number>): ProviderOperations {
  return new Proxy(p, {
    get(target, key, receiver) {
      const v = Reflect.get(target, key, receiver);
      if (typeof v !== "function" || (key !== "getSecret" && key !== "getSecrets")) return v;
      return (...args: unknown[]) => {
        calls[key] = (calls[key] ?? 0) + 1;
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/** The same provider, its operations counted: one declaration wrapping the other's `create`. */
function counted(input: ConfiguredProvider, calls: Record<string, number>): ConfiguredProvider {
  const { declaration, options } = input;
  const wrapped = defineProvider<unknown>({
    ...declaration,
    create: async (ctx, o) => counting(await declaration.create(ctx, o), calls),
  });
  return wrapped(options);
}

beforeAll(async () => {
  const cfg = seedConfig();
  sm = new SecretsManagerClient(cfg);
  proxy = await startRecordingProxy(cfg.endpoint);
  // 20 environment variables, 10 AWS secrets of two fields, 5 Vault secrets of two fields.
  for (let i = 0; i < 20; i++)
    env[`CFG_ENV_${i}`] = i % 2 ? String(1000 + i) : keep(fakeValue(`env${i}`));
  for (let i = 0; i < 10; i++) {
    await sm.send(
      new CreateSecretCommand({
        Name: `${prefix}/svc${i}`,
        SecretString: JSON.stringify({
          url: `https://svc${i}.example.test`,
          key: keep(fakeValue(`aws${i}`)),
        }),
      }),
    );
  }
  for (let i = 0; i < 5; i++) {
    await putKv2(`${prefix}/app${i}`, { user: `user${i}`, password: keep(fakeValue(`vault${i}`)) });
  }
});

afterAll(async () => {
  sm.destroy();
  await proxy.close();
});

const clients: Secrets[] = [];
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
});

function threeBackends(calls: Record<string, Record<string, number>>): Secrets {
  const info = aws();
  calls.env = {};
  calls.aws = {};
  calls.vault = {};
  const secrets = createSecrets({
    builtins: false,
    providers: {
      env: counted(envProvider({ env }), calls.env),
      aws: counted(
        awsProvider({
          region: info.region,
          endpoint: proxy.url,
          credentials: info.credentials,
          env: {},
        }),
        calls.aws,
      ),
      vault: counted(
        vaultProvider({ address: bao().address, auth: { method: "token", token: bao().token } }),
        calls.vault,
      ),
    },
  });
  clients.push(secrets);
  return secrets;
}

function spec(): Record<string, ConfigEntry> {
  const s: Record<string, ConfigEntry> = {};
  for (let i = 0; i < 20; i++) {
    s[`ENV_${i}`] =
      i % 2
        ? { ref: `env://CFG_ENV_${i}`, schema: z.coerce.number().int().min(1000) }
        : `CFG_ENV_${i}`;
  }
  for (let i = 0; i < 10; i++) {
    s[`AWS_URL_${i}`] = { ref: `aws-sm://${prefix}/svc${i}#url`, schema: z.string().url() };
    s[`AWS_KEY_${i}`] = { ref: `aws-sm://${prefix}/svc${i}#key`, schema: z.string().min(20) };
  }
  for (let i = 0; i < 5; i++) {
    s[`VAULT_USER_${i}`] = `vault://secret/${prefix}/app${i}#user`;
    s[`VAULT_PASSWORD_${i}`] = {
      ref: `vault://secret/${prefix}/app${i}#password`,
      schema: z.string(),
    };
  }
  return s;
}

describe("defineConfig over env, AWS and Vault", () => {
  it("loads 50 entries in one call, and counts the provider calls it took", async () => {
    const calls: Record<string, Record<string, number>> = {};
    const secrets = threeBackends(calls);
    const config = defineConfig(spec());
    expect(config.entries).toHaveLength(50);
    proxy.reset();
    const loaded = (await config.load(secrets)) as Record<string, unknown>;
    expect(Object.keys(loaded)).toHaveLength(50);
    expect(loaded.ENV_1).toBe(1001);
    expect(loaded.AWS_URL_3).toBe("https://svc3.example.test");
    expect(loaded.VAULT_USER_4).toBe("user4");
    expect(Object.isFrozen(loaded)).toBe(true);
    // 50 entries, 35 distinct secrets: AWS reads its 10 in one BatchGetSecretValue; the env and
    // Vault providers have no batch read, so each variable and each path is one call.
    console.log(
      `provider calls for 50 entries: ${JSON.stringify(calls)}; AWS on the wire: ${JSON.stringify(proxy.calls.map((c) => c.operation))}`,
    );
    expect(proxy.count("BatchGetSecretValue")).toBe(1);
    expect(proxy.count("GetSecretValue")).toBe(0);
    expect(calls.aws).toEqual({ getSecrets: 1 });
    expect(calls.vault).toEqual({ getSecret: 5 });
    expect(calls.env).toEqual({ getSecret: 20 });
    // A second load is answered from the cache: no provider call at all.
    const before = JSON.stringify(calls);
    await config.load(secrets);
    expect(JSON.stringify(calls)).toBe(before);
  });

  it("a failing load names every bad entry across backends, with no value anywhere", async () => {
    const calls: Record<string, Record<string, number>> = {};
    const secrets = threeBackends(calls);
    const config = defineConfig({
      ...spec(),
      // A URL where a number is expected, a secret that is not there, a field not in the secret,
      // a value too short for its schema, an env variable that is not set.
      ENV_1: { ref: "env://CFG_ENV_0", schema: z.coerce.number() },
      AWS_URL_0: { ref: `aws-sm://${prefix}/svc0#key`, schema: z.string().url() },
      AWS_GONE: `aws-sm://${prefix}/no-such-secret`,
      VAULT_NOFIELD: `vault://secret/${prefix}/app0#nope`,
      VAULT_PASSWORD_1: {
        ref: `vault://secret/${prefix}/app1#password`,
        schema: z.string().max(5),
      },
      ENV_MISSING: "CFG_NOT_SET_ANYWHERE",
    });
    const err = await config.load(secrets).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigLoadError);
    const failures = (err as ConfigLoadError).failures;
    expect(failures.map((f) => `${f.name}:${f.code}`).sort()).toEqual(
      [
        "AWS_GONE:NOT_FOUND",
        "AWS_URL_0:INVALID_VALUE",
        "ENV_1:INVALID_VALUE",
        "ENV_MISSING:NOT_FOUND",
        "VAULT_NOFIELD:INVALID_VALUE",
        "VAULT_PASSWORD_1:INVALID_VALUE",
      ].sort(),
    );
    const causes: string[] = [];
    for (let c = (err as Error).cause; c; c = (c as Error).cause) {
      causes.push(inspect(c, { depth: 20 }));
      if (c instanceof AggregateError)
        for (const e of c.errors) causes.push(inspect(e, { depth: 20 }));
    }
    const text = [String(err), inspect(err, { depth: 20 }), JSON.stringify(err), ...causes].join(
      "\n",
    );
    for (const v of values) expect(text).not.toContain(v);
  });
});
