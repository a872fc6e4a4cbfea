/**
 * No lease left behind, no close() without bound: OpenBao's database engine
 * behind Toxiproxy. A lease-issuing answer that arrives after the caller's
 * deadline, or while close() runs, is still read, handed to the lease keeper
 * and revoked; with Vault black-holed, close() settles within its budget and
 * lists every lease it could not revoke. Live leases are counted through
 * OpenBao's own API (`LIST sys/leases/lookup/<prefix>`).
 */
// @stand-ins: toxiproxy

import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Secrets } from "../../../src/index.js";
import { proxyTo, type ToxiProxy } from "../../support/toxiproxy.js";
import { api, bao, tokenWithPolicy, vaultSecrets } from "./support/bao.js";

const connection = `pg-${randomUUID().slice(0, 8)}`;
const role = `late-${randomUUID().slice(0, 8)}`;
const PATH = `database/creds/${role}`;
const REF = `vault://${PATH}`;
let appToken = "";
let proxy: ToxiProxy;

beforeAll(async () => {
  const p = bao().postgres;
  await api("POST", `database/config/${connection}`, {
    plugin_name: "postgresql-database-plugin",
    connection_url: `postgresql://{{username}}:{{password}}@${p.host}:${p.port}/${p.database}?sslmode=disable`,
    username: p.adminUser,
    password: p.adminPassword,
    allowed_roles: [role],
  });
  await api("POST", `database/roles/${role}`, {
    db_name: connection,
    creation_statements: [
      `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';`,
    ],
    // An hour, as the probe: a lease left behind would outlive the test by far.
    default_ttl: "1h",
    max_ttl: "2h",
  });
  appToken = await tokenWithPolicy(
    [
      'path "database/creds/*" { capabilities = ["read"] }',
      'path "sys/leases/renew" { capabilities = ["update"] }',
      'path "sys/leases/revoke" { capabilities = ["update"] }',
    ].join("\n"),
  );
  proxy = await proxyTo(bao().address);
});

afterAll(async () => {
  await proxy?.close();
  // Whatever a failing test left: revoke as root so the next run starts clean.
  for (const id of await liveLeases()) {
    await api("PUT", "sys/leases/revoke", { lease_id: id }).catch(() => undefined);
  }
});

let current: Secrets | undefined;
let restoreClocks = () => {};
/** Moves Date.now() (for the client and the provider's expiry stamps alike), until afterEach. */
function stepWallClock(ms: number) {
  const realNow = Date.now;
  Date.now = () => realNow() + ms;
  const undo = restoreClocks;
  restoreClocks = () => {
    Date.now = realNow;
    undo();
  };
}
/** Stops performance.now() (a suspended VM), until afterEach. */
function freezeMonotonicClock() {
  const real = performance.now;
  const frozen = performance.now();
  performance.now = () => frozen;
  const undo = restoreClocks;
  restoreClocks = () => {
    performance.now = real;
    undo();
  };
}
afterEach(async () => {
  restoreClocks();
  restoreClocks = () => {};
  await proxy.heal();
  await current?.close();
  current = undefined;
});

/** Lease ids OpenBao holds for this test's role, through its own API. */
async function liveLeases(): Promise<string[]> {
  try {
    const r = await api<{ data: { keys: string[] } }>("LIST", `sys/leases/lookup/${PATH}/`);
    return r.data.keys.map((k) => `${PATH}/${k}`);
  } catch (err) {
    if (String(err).includes("404")) return [];
    throw err;
  }
}

function client(closeTimeout?: number) {
  const c = vaultSecrets(
    { address: proxy.url, auth: { method: "token", token: appToken } },
    closeTimeout === undefined ? {} : { closeTimeout },
  );
  current = c.secrets;
  return c;
}

/** ms since `t0`, on a clock the tests never replace. */
const elapsed = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A client that has looked the mount up (so the read itself meets the latency), its first lease revoked. */
async function warmed(closeTimeout?: number) {
  const c = client(closeTimeout);
  await c.secrets.getSecret(`${REF}#username`);
  c.secrets.invalidate(REF);
  await sleep(300);
  return c;
}

describe("vault leases: nothing left behind", () => {
  it("revokes the lease of an answer that arrives after the caller's deadline", async () => {
    const { secrets } = await warmed();
    const before = (await liveLeases()).length;
    await proxy.latency(1_500);
    await expect(secrets.getSecret(`${REF}#username`, { timeout: 1_000 })).rejects.toMatchObject({
      code: "UNAVAILABLE",
    });
    // The answer arrives at ~1.5 s; the client reads it and revokes its lease.
    await sleep(1_500);
    await proxy.heal();
    const t0 = process.hrtime.bigint();
    const result = await secrets.close();
    const ms = elapsed(t0);
    console.log(`[leases] close() after a late answer: ${Math.round(ms)} ms`);
    expect((await liveLeases()).length).toBe(before);
    expect(result.leftLive).toEqual([]);
  });

  it("revokes the lease of an answer still being read when close() is called", async () => {
    // The rest of the read (~1.2 s) plus the revocation through the same 1.5 s latency fit the
    // 3 s default with little to spare: a 5 s budget keeps this test steady on a loaded machine.
    const { secrets } = await warmed(5_000);
    const before = (await liveLeases()).length;
    await proxy.latency(1_500);
    const pending = secrets.getSecret(`${REF}#username`, { timeout: 5_000 });
    pending.catch(() => undefined);
    await sleep(300);
    const t0 = process.hrtime.bigint();
    const result = await secrets.close();
    const ms = elapsed(t0);
    console.log(`[leases] close() during the read (1.5 s latency): ${Math.round(ms)} ms`);
    await expect(pending).rejects.toMatchObject({ code: "CLIENT_CLOSED" });
    expect((await liveLeases()).length).toBe(before);
    expect(result.leftLive).toEqual([]);
    expect(ms).toBeLessThan(5_000 + 250);
  });

  it("settles close() within its budget with Vault black-holed, listing every lease", async () => {
    const { secrets } = client(1_500);
    const a = (await secrets.getCredentials("vault", { path: PATH })) as { username: string };
    expect(typeof a.username).toBe("string");
    const ids = (await liveLeases()).filter((id) => id.startsWith(PATH));
    await proxy.blackHole();
    const t0 = process.hrtime.bigint();
    const result = await secrets.close();
    const ms = elapsed(t0);
    console.log(`[leases] close() with Vault black-holed (budget 1500 ms): ${Math.round(ms)} ms`);
    expect(ms).toBeLessThan(1_500 + 250);
    expect(result.timedOut).toBe(true);
    const listed = result.leftLive.map((l) => l.lease);
    expect(listed.length).toBe(1);
    expect(ids).toContain(listed[0]);
    // Twice is safe: the same result.
    expect(await secrets.close()).toBe(result);
    await proxy.heal();
    await api("PUT", "sys/leases/revoke", { lease_id: listed[0] });
  });

  it("revokes on close() after the wall clock stepped forward past the lease's end", async () => {
    const before = (await liveLeases()).length;
    const { secrets } = client();
    await secrets.getSecret(`${REF}#username`);
    expect((await liveLeases()).length).toBe(before + 1);
    // NTP or an operator moves the wall clock 2 h ahead; the monotonic clock did not move.
    stepWallClock(2 * 3_600_000);
    const t0 = process.hrtime.bigint();
    const result = await secrets.close();
    console.log(`[leases] close() after a +2 h wall-clock step: ${Math.round(elapsed(t0))} ms`);
    expect((await liveLeases()).length).toBe(before);
    expect(result.leftLive).toEqual([]);
  });

  it("after a simulated suspend (monotonic clock frozen, wall clock past the TTL) fetches anew, and revokes both leases", async () => {
    const before = (await liveLeases()).length;
    const { secrets, events } = client();
    freezeMonotonicClock();
    const first = await secrets.getSecret(`${REF}#username`);
    // The VM sleeps for 2 h: performance.now() stood still, Date.now() moved on (for the
    // provider's own expiry stamps too).
    stepWallClock(2 * 3_600_000);
    const second = await secrets.getSecret(`${REF}#username`);
    expect(second).not.toBe(first);
    expect(events.filter((e) => e.type === "fetch")).toHaveLength(2);
    const t0 = process.hrtime.bigint();
    const result = await secrets.close();
    console.log(`[leases] close() after a simulated suspend: ${Math.round(elapsed(t0))} ms`);
    expect((await liveLeases()).length).toBe(before);
    expect(result.leftLive).toEqual([]);
  });

  it("retries a revocation that fails at first (Vault unreachable) until it succeeds within close()'s budget", async () => {
    const before = (await liveLeases()).length;
    const { secrets, events } = client();
    await secrets.getSecret(`${REF}#username`);
    await proxy.down(); // connections refused
    setTimeout(() => void proxy.up(), 600);
    const t0 = process.hrtime.bigint();
    const result = await secrets.close();
    console.log(
      `[leases] close() with Vault refusing connections for 600 ms: ${Math.round(elapsed(t0))} ms`,
    );
    expect((await liveLeases()).length).toBe(before);
    expect(result.leftLive).toEqual([]);
    expect(events.filter((e) => e.type === "lease" && e.action === "revoked")).toHaveLength(1);
  });
});
