/**
 * `policy.requireShortLived` against OpenBao: a root token, a periodic token
 * without a max TTL and an orphan root token are refused before any read (the
 * only request that reaches the server is the token's own `lookup-self`,
 * counted at a proxy); a TTL'd token and AppRole/JWT logins are accepted.
 */

import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { VaultProviderOptions } from "../../../providers/vault/index.js";
import { PolicyViolationError, type Secrets } from "../../../src/index.js";
import { signVaultJwt } from "../../support/stand-ins.js";
import { api, approle, bao, fakeValue, putKv2, uniquePrefix, vaultSecrets } from "./support/bao.js";

const prefix = uniquePrefix();
const value = fakeValue("short-lived");
const REF = `vault://secret/${prefix}/app#key`;
const jwtRole = `jwt-sl-${prefix}`;

/** Every request path that reaches the server through the proxy. */
let seen: string[] = [];
let proxy: Server;
let proxyAddress = "";

beforeAll(async () => {
  await putKv2(`${prefix}/app`, { key: value });
  await api("POST", `auth/jwt/role/${jwtRole}`, {
    role_type: "jwt",
    bound_audiences: [bao().jwt.audience],
    user_claim: "sub",
    token_policies: [bao().policy],
    token_ttl: "5m",
    token_max_ttl: "10m",
  });
  const target = new URL(bao().address);
  proxy = createServer(async (req, res) => {
    seen.push(`${req.method} ${(req.url ?? "").split("?")[0]}`);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (typeof v === "string" && k !== "host" && k !== "connection") headers[k] = v;
    }
    const up = await fetch(new URL(req.url ?? "/", target), {
      method: req.method ?? "GET",
      headers,
      ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
      signal: AbortSignal.timeout(10_000),
    });
    res.writeHead(up.status, {
      "content-type": up.headers.get("content-type") ?? "application/json",
    });
    res.end(Buffer.from(await up.arrayBuffer()));
  });
  proxy.listen(0, "127.0.0.1");
  await once(proxy, "listening");
  proxyAddress = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterAll(async () => {
  proxy.closeAllConnections();
  await new Promise((r) => proxy.close(r));
});

let open: Secrets[] = [];
afterEach(async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
  seen = [];
});

function client(provider: VaultProviderOptions): Secrets {
  const { secrets } = vaultSecrets(
    { address: proxyAddress, ...provider },
    { policy: { requireShortLived: true } },
  );
  open.push(secrets);
  return secrets;
}

const create = async (path: string, body: Record<string, unknown>) =>
  (await api<{ auth: { client_token: string } }>("POST", path, body)).auth.client_token;

describe("vault under policy.requireShortLived", () => {
  const refused: Array<[string, () => Promise<string>, RegExp]> = [
    ["the root token", async () => bao().token, /a Vault root token/],
    [
      "a periodic token without an explicit max TTL",
      () => create("auth/token/create", { policies: [bao().policy], period: "1h" }),
      /periodic Vault token without an explicit max TTL/,
    ],
    [
      "an orphan non-expiring (root-policy) token",
      () => create("auth/token/create-orphan", { policies: ["root"] }),
      /root token/,
    ],
  ];
  for (const [name, token, what] of refused) {
    it(`refuses ${name} before any read`, async () => {
      const secrets = client({ auth: { method: "token", token: await token() } });
      const err = await secrets.getSecret(REF).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PolicyViolationError);
      expect((err as Error).message).toMatch(what);
      expect((err as Error).message).toMatch(/approle/);
      expect((err as Error).message).not.toContain(value);
      expect(seen).toEqual(["GET /v1/auth/token/lookup-self"]);
      await expect(secrets.load({ a: REF })).rejects.toThrow(what);
      expect(seen).toEqual(["GET /v1/auth/token/lookup-self"]); // memoised with the token
    });
  }

  it("accepts a token with a TTL (one lookup-self, then the reads)", async () => {
    const token = await create("auth/token/create", { policies: [bao().policy], ttl: "1h" });
    const secrets = client({ auth: { method: "token", token } });
    await expect(secrets.getSecret(REF)).resolves.toBe(value);
    expect(seen[0]).toBe("GET /v1/auth/token/lookup-self");
    expect(seen.filter((s) => s.endsWith("lookup-self"))).toHaveLength(1);
  });

  it('a token that may not look itself up is unknown: read under true, refused under "strict"', async () => {
    const token = await create("auth/token/create", {
      policies: [bao().policy],
      no_default_policy: true,
      ttl: "1h",
    });
    const lax = client({ auth: { method: "token", token } });
    await expect(lax.getSecret(REF)).resolves.toBe(value);
    const { secrets: strict } = vaultSecrets(
      { address: proxyAddress, auth: { method: "token", token } },
      { policy: { requireShortLived: "strict" } },
    );
    open.push(strict);
    await expect(strict.getSecret(REF)).rejects.toThrow(/may not look itself up/);
  });

  it("accepts AppRole and JWT logins with a TTL, at no extra request", async () => {
    const { roleId, secretId } = approle();
    const a = client({ auth: { method: "approle", roleId, secretId } });
    await expect(a.getSecret(REF)).resolves.toBe(value);
    const j = client({ auth: { method: "jwt", role: jwtRole, jwt: async () => signVaultJwt() } });
    await expect(j.getSecret(REF)).resolves.toBe(value);
    expect(seen.some((s) => s.endsWith("lookup-self"))).toBe(false);
  });

  it("costs nothing with the policy off: no lookup-self", async () => {
    const { secrets } = vaultSecrets({ address: proxyAddress });
    open.push(secrets);
    await expect(secrets.getSecret(REF)).resolves.toBe(value);
    expect(seen.some((s) => s.endsWith("lookup-self"))).toBe(false);
  });
});
