/** The Vault provider's options against the environment (no I/O). */

import { describe, expect, it } from "vitest";
import { resolveVaultOptions } from "../../../providers/vault/options.js";
import { SecretsError } from "../../../src/index.js";

const invalid = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e as SecretsError;
  }
  throw new Error("expected a ConfigError");
};

describe("resolveVaultOptions", () => {
  it("reads VAULT_ADDR, VAULT_TOKEN and VAULT_NAMESPACE with no options", () => {
    const r = resolveVaultOptions(
      {},
      { VAULT_ADDR: "http://127.0.0.1:8200/", VAULT_TOKEN: "tok-env-7d1", VAULT_NAMESPACE: "team" },
    );
    expect(r.address).toBe("http://127.0.0.1:8200");
    expect(r.namespace).toBe("team");
    expect(r.auth).toEqual({ method: "token", token: "tok-env-7d1" });
  });

  it("prefers options to the environment, and a token file to VAULT_TOKEN", () => {
    const env = { VAULT_ADDR: "http://a:1", VAULT_TOKEN: "tok-env-7d1", VAULT_NAMESPACE: "x" };
    const r = resolveVaultOptions(
      { address: "http://b:2", namespace: "y", auth: { method: "token", tokenFile: "/t" } },
      env,
    );
    expect(r).toMatchObject({ address: "http://b:2", namespace: "y" });
    expect(r.auth).toEqual({ method: "token", tokenFile: "/t" });
  });

  it("refuses a missing or bad address, a bad renewAt and incomplete logins, naming no value", () => {
    for (const [options, env, text] of [
      [{}, {}, /no server address/],
      [{ address: "not a url" }, {}, /not a URL/],
      [{ address: "http://a:1", renewAt: 1.5 }, {}, /renewAt/],
      [{ address: "http://a:1", auth: { method: "approle", roleId: "r" } }, {}, /exactly one of/],
      [
        {
          address: "http://a:1",
          auth: { method: "approle", roleId: "r", secretId: "s", secretIdFile: "/f" },
        },
        {},
        /exactly one of/,
      ],
      [{ address: "http://a:1", auth: { method: "jwt", role: "r" } }, {}, /jwtFile or auth.jwt/],
      [{ address: "http://a:1", auth: { method: "kubernetes" } }, {}, /auth.role/],
      [{ address: "http://a:1", auth: { method: "ldap" } }, {}, /unknown auth.method/],
    ] as const) {
      const err = invalid(() =>
        resolveVaultOptions(options as Parameters<typeof resolveVaultOptions>[0], env),
      );
      expect(SecretsError.is(err, "INVALID_CONFIG")).toBe(true);
      expect(err.message).toMatch(text);
    }
  });
});
