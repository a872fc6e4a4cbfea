/**
 * No login token left behind: an AppRole login whose answer arrives after the
 * caller's deadline, or while close() runs, is still read in the bounded
 * background window and its token revoked (revoke-self with that token).
 * OpenBao behind Toxiproxy; live tokens of the test's own role are counted
 * through OpenBao's API (`auth/token/accessors` + `lookup-accessor`).
 */
// @stand-ins: toxiproxy

import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Secrets } from "../../../src/index.js";
import { proxyTo, type ToxiProxy } from "../../support/toxiproxy.js";
import { api, bao, fakeValue, putKv2, uniquePrefix, vaultSecrets } from "./support/bao.js";

const prefix = uniquePrefix();
const REF = `vault://secret/${prefix}/app#key`;
const role = `late-login-${randomUUID().slice(0, 8)}`;
let roleId = "";
let proxy: ToxiProxy;

beforeAll(async () => {
  await putKv2(`${prefix}/app`, { key: fakeValue("login") });
  // Tokens that would outlive the test by far if left behind.
  await api("POST", `auth/approle/role/${role}`, {
    token_policies: [bao().policy],
    token_ttl: "1h",
    token_max_ttl: "2h",
  });
  roleId = (await api<{ data: { role_id: string } }>("GET", `auth/approle/role/${role}/role-id`))
    .data.role_id;
  proxy = await proxyTo(bao().address);
});

afterAll(async () => {
  await proxy?.close();
  for (const accessor of await liveAccessors()) {
    await api("POST", "auth/token/revoke-accessor", { accessor }).catch(() => undefined);
  }
});

let current: Secrets | undefined;
afterEach(async () => {
  await proxy.heal();
  await current?.close();
  current = undefined;
});

/** Accessors of live tokens issued to this test's AppRole, through OpenBao's own API. */
async function liveAccessors(): Promise<string[]> {
  const list = await api<{ data: { keys: string[] } }>("LIST", "auth/token/accessors");
  const mine: string[] = [];
  for (const accessor of list.data.keys) {
    const info = await api<{ data: { meta?: { role_name?: string } | null } }>(
      "POST",
      "auth/token/lookup-accessor",
      { accessor },
    ).catch(() => undefined);
    if (info?.data.meta?.role_name === role) mine.push(accessor);
  }
  return mine;
}

/** `timeout` is the client's: the login (held in the client's memo) issues under it. */
async function client(timeout?: number) {
  const secretId = (
    await api<{ data: { secret_id: string } }>("POST", `auth/approle/role/${role}/secret-id`, {})
  ).data.secret_id;
  const c = vaultSecrets(
    { address: proxy.url, auth: { method: "approle", roleId, secretId } },
    timeout === undefined ? {} : { timeout },
  );
  current = c.secrets;
  return c.secrets;
}

const elapsed = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("vault login tokens: nothing left behind", () => {
  it("revokes the token of a login answer that arrives after the caller's deadline", async () => {
    const secrets = await client(1_000);
    expect(await liveAccessors()).toEqual([]);
    await proxy.latency(1_500);
    await expect(secrets.getSecret(REF)).rejects.toMatchObject({
      code: "UNAVAILABLE",
    });
    // The login answer arrives at ~1.5 s; the provider reads it and revokes its
    // token (revoke-self meets the same latency), without waiting for close().
    await expect.poll(liveAccessors, { timeout: 8_000, interval: 500 }).toEqual([]);
    await proxy.heal();
    const t0 = process.hrtime.bigint();
    await secrets.close();
    console.log(`[login] close() after a late login answer: ${Math.round(elapsed(t0))} ms`);
    expect(await liveAccessors()).toEqual([]);
  });

  it("revokes the token of a login answer that arrives while close() runs", async () => {
    const secrets = await client();
    await proxy.latency(1_000);
    const read = secrets.getSecret(REF, { timeout: 5_000 }).catch((e: unknown) => e);
    await sleep(200);
    const t0 = process.hrtime.bigint();
    const result = await secrets.close();
    const ms = elapsed(t0);
    console.log(`[login] close() during a login in flight: ${Math.round(ms)} ms`);
    expect(await read).toMatchObject({ code: "CLIENT_CLOSED" });
    expect(ms).toBeLessThan(3_000 + 250);
    expect(result.timedOut).toBe(false);
    await proxy.heal();
    expect(await liveAccessors()).toEqual([]);
  });
});
