// Starts the cloud stand-ins on free 127.0.0.1 ports, seeds them, and stops them by pid.
// Used by the vitest globalSetup (test/support/stand-ins/global-setup.ts) and, outside vitest,
// by benchmarks and scripts:  const s = await startStandIn("aws"); ...; await s.stop();
// Types: start.d.mts. Tools come from scripts/emulators/install (into .tools/).
import { spawn, spawnSync } from "node:child_process";
import { generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import {
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { get as httpsGet } from "node:https";
import { createServer, connect as netConnect } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const STAND_IN_NAMES = /** @type {const} */ ([
  "aws",
  "vault",
  "gcp",
  "azure",
  "toxiproxy",
  "redis",
  "postgres",
]);

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const TOOLS_DIR = process.env.SECRETS_LOADER_TOOLS ?? join(REPO, ".tools");
const BIN = join(TOOLS_DIR, "bin");
const RUN_DIR = join(TOOLS_DIR, "run");
const READY_TIMEOUT_MS = Number(process.env.SECRETS_LOADER_STAND_IN_TIMEOUT_MS ?? 60_000);
const HOST = "127.0.0.1";

/** Thrown when a stand-in cannot run on this machine at all (not a start failure). */
export class StandInUnavailableError extends Error {
  /** @param {string} name @param {string} reason */
  constructor(name, reason) {
    super(`${name} stand-in is not available: ${reason}`);
    this.name = "StandInUnavailableError";
    this.standIn = name;
  }
}

/**
 * Why a stand-in is unavailable here, or undefined if it can run. Every stand-in can run now;
 * kept so a future one that needs something this machine lacks can say so.
 * @param {string} _name
 */
export function unavailableReason(_name) {
  return undefined;
}

// ---------------------------------------------------------------- processes

/** @type {Set<{pid:number, file:string, tmpDirs:string[]}>} */
const live = new Set();
let hooksInstalled = false;

function installExitHooks() {
  if (hooksInstalled) return;
  hooksInstalled = true;
  cleanLeftovers();
  // Children run in their own process group, so they never see the terminal's Ctrl-C:
  // kill them ourselves on every way out of this process.
  process.on("exit", killAllSync);
  for (const sig of /** @type {const} */ (["SIGINT", "SIGTERM", "SIGHUP"])) {
    process.on(sig, () => {
      killAllSync();
      process.exit(128 + (sig === "SIGINT" ? 2 : sig === "SIGTERM" ? 15 : 1));
    });
  }
}

function killAllSync() {
  for (const p of live) killGroupSync(p.pid, "SIGKILL");
  for (const p of live) cleanupRecord(p);
  live.clear();
}

/** @param {number} pid @param {NodeJS.Signals} sig */
function killGroupSync(pid, sig) {
  try {
    process.kill(-pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}

/** @param {number} pid */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return /** @type {NodeJS.ErrnoException} */ (e).code === "EPERM";
  }
}

/** @param {{file:string, tmpDirs:string[]}} rec */
function cleanupRecord(rec) {
  for (const d of rec.tmpDirs) rmSync(d, { recursive: true, force: true });
  rmSync(rec.file, { force: true });
}

/**
 * Kills processes recorded by an earlier run whose owner is gone (crash, SIGKILL), checking
 * /proc/<pid>/cmdline so a recycled pid is never killed.
 */
export function cleanLeftovers() {
  if (!existsSync(RUN_DIR)) return 0;
  pruneLogs();
  let killed = 0;
  for (const f of readdirSync(RUN_DIR)) {
    if (!f.endsWith(".json")) continue;
    const file = join(RUN_DIR, f);
    let rec;
    try {
      rec = JSON.parse(readFileSync(file, "utf8"));
    } catch {
      rmSync(file, { force: true });
      continue;
    }
    if ([...live].some((p) => p.pid === rec.pid)) continue; // ours, still running
    if (alive(rec.ownerPid) && rec.ownerPid !== process.pid) continue; // another live run owns it
    if (alive(rec.pid)) {
      let cmd = "";
      try {
        cmd = readFileSync(`/proc/${rec.pid}/cmdline`, "utf8");
      } catch {}
      if (cmd.includes(rec.marker)) {
        killGroupSync(rec.pid, "SIGKILL");
        killed++;
      }
    }
    for (const d of rec.tmpDirs ?? []) rmSync(d, { recursive: true, force: true });
    rmSync(file, { force: true });
  }
  return killed;
}

/** Logs of failed starts are kept for a day. */
function pruneLogs() {
  const dir = join(RUN_DIR, "logs");
  if (!existsSync(dir)) return;
  const cutoff = Date.now() - 24 * 3600_000;
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    try {
      if (statSync(p).mtimeMs < cutoff) rmSync(p, { force: true });
    } catch {}
  }
}

/** A port on 127.0.0.1 that was free a moment ago (and, with span 2, so was port+1). */
async function freePort(span = 1) {
  for (let i = 0; i < 50; i++) {
    const port = await listenOnce(0);
    let ok = true;
    for (let k = 1; k < span; k++) {
      if (
        port + k > 65535 ||
        !(await listenOnce(port + k).then(
          () => true,
          () => false,
        ))
      )
        ok = false;
    }
    if (ok) return port;
  }
  throw new Error("no free port pair found on 127.0.0.1");
}

/** @param {number} port @returns {Promise<number>} */
function listenOnce(port) {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.once("error", rej);
    srv.listen(port, HOST, () => {
      const addr = srv.address();
      const p = typeof addr === "object" && addr ? addr.port : port;
      srv.close(() => res(p));
    });
  });
}

/** @param {string} file @param {number} n */
function tail(file, n = 30) {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-n).join("\n");
  } catch {
    return "(no log)";
  }
}

/**
 * Spawns one process in its own group, logs to .tools/run/logs, records a pid file.
 * @param {string} name @param {string} cmd @param {string[]} args
 * @param {{env?: NodeJS.ProcessEnv, uid?: number, gid?: number, tmpDirs?: string[], cwd?: string, marker?: string}} [opts]
 */
function launch(name, cmd, args, opts = {}) {
  installExitHooks();
  mkdirSync(join(RUN_DIR, "logs"), { recursive: true });
  const log = join(RUN_DIR, "logs", `${name}-${process.pid}-${Date.now()}.log`);
  const fd = openSync(log, "w");
  const child = spawn(cmd, args, {
    detached: true,
    stdio: ["ignore", fd, fd],
    env: { ...process.env, ...opts.env },
    uid: opts.uid,
    gid: opts.gid,
    cwd: opts.cwd,
  });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`${name}: could not spawn ${cmd}`);
  const pid = child.pid;
  let exited = /** @type {null | string} */ (null);
  child.on("exit", (code, sig) => {
    exited = `exited with ${sig ?? `code ${code}`}`;
  });
  child.on("error", (e) => {
    exited = `failed to start: ${e.message}`;
  });
  child.unref();
  const file = join(RUN_DIR, `${pid}.json`);
  const rec = { pid, file, tmpDirs: opts.tmpDirs ?? [] };
  writeFileSync(
    file,
    JSON.stringify({
      pid,
      ownerPid: process.pid,
      name,
      // What /proc/<pid>/cmdline must contain before a leftover is killed: the command, or a
      // more specific argument when the command is a generic one such as node.
      marker: opts.marker ?? cmd,
      tmpDirs: rec.tmpDirs,
      log,
    }),
  );
  live.add(rec);
  return {
    pid,
    log,
    exited: () => exited,
    /** Stops the group: SIGTERM, then SIGKILL after a grace period. Keeps the log on request. */
    async stop(graceMs = 5000, keepLog = false) {
      if (!live.has(rec)) return;
      killGroupSync(pid, "SIGTERM");
      const until = Date.now() + graceMs;
      while (alive(pid) && Date.now() < until) await sleep(50);
      if (alive(pid)) killGroupSync(pid, "SIGKILL");
      // A group may outlive its leader briefly; one more sweep.
      killGroupSync(pid, "SIGKILL");
      live.delete(rec);
      cleanupRecord(rec);
      if (!keepLog && !process.env.SECRETS_LOADER_KEEP_LOGS) rmSync(log, { force: true });
    },
  };
}

/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `probe` until it returns true; fails fast if the process exits.
 * @param {string} name @param {ReturnType<typeof launch>} proc @param {() => Promise<boolean>} probe
 */
async function waitReady(name, proc, probe, timeoutMs = READY_TIMEOUT_MS) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const ex = proc.exited();
    if (ex) throw new StartError(name, `${ex} before it was ready`, proc.log);
    try {
      if (await probe()) return;
    } catch {
      // not up yet
    }
    await sleep(150);
  }
  throw new StartError(name, `not ready after ${timeoutMs} ms`, proc.log);
}

class StartError extends Error {
  /** @param {string} name @param {string} what @param {string} log */
  constructor(name, what, log) {
    super(`${name} stand-in failed to start: ${what}\n--- last lines of ${log} ---\n${tail(log)}`);
    this.name = "StandInStartError";
    this.log = log;
  }
}

const PORT_CLASH = /address already in use|EADDRINUSE|bind: address|Errno 98/i;

/**
 * Starts a process on a fresh port, retrying with another port when it loses a port race.
 * @template T
 * @param {string} name @param {number} span
 * @param {(port: number) => {proc: ReturnType<typeof launch>, probe: () => Promise<boolean>, info: T}} make
 */
async function startOnFreePort(name, span, make) {
  let last;
  for (let attempt = 1; attempt <= 5; attempt++) {
    const port = await freePort(span);
    const { proc, probe, info } = make(port);
    try {
      await waitReady(name, proc, probe);
      return { proc, info, port };
    } catch (e) {
      last = e;
      await proc.stop(1000, true);
      if (!PORT_CLASH.test(tail(proc.log, 50))) throw e;
    }
  }
  throw last;
}

/** @param {string} url @param {RequestInit} [init] */
async function httpOk(url, init) {
  const r = await fetch(url, { ...init, signal: AbortSignal.timeout(2000) });
  await r.arrayBuffer();
  return r.ok;
}

/** @param {string} tool */
function tool(tool) {
  const p = join(BIN, tool);
  if (!existsSync(p)) {
    throw new Error(
      `${tool} is not installed under ${BIN}: run scripts/emulators/install (or npm run emulators:install)`,
    );
  }
  return p;
}

// ---------------------------------------------------------------- stand-ins

async function startAws() {
  const moto = tool("moto_server");
  const { proc, info } = await startOnFreePort("aws (moto)", 1, (port) => ({
    proc: launch("moto", moto, ["-H", HOST, "-p", String(port)]),
    probe: () => httpOk(`http://${HOST}:${port}/`),
    info: {
      endpoint: `http://${HOST}:${port}`,
      region: "us-east-1",
      credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    },
  }));
  return { info, stop: () => proc.stop() };
}

async function startGcp() {
  const drongo = tool("drongo");
  const projectId = "secrets-loader-test";
  const { proc, info } = await startOnFreePort("gcp (drongo)", 1, (port) => ({
    proc: launch("drongo", drongo, ["server", "--host", HOST, "--port", String(port)]),
    probe: () => httpOk(`http://${HOST}:${port}/drongo/health`),
    info: {
      host: HOST,
      port,
      projectId,
      transport: /** @type {const} */ ("rest"),
      protocol: /** @type {const} */ ("http"),
      apiEndpoint: `http://${HOST}:${port}`,
    },
  }));
  return { info, stop: () => proc.stop() };
}

function findPostgresBin() {
  const base = "/usr/lib/postgresql";
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((v) => existsSync(join(base, v, "bin", "postgres")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!versions[0]) {
    throw new Error(
      "PostgreSQL server binaries not found under /usr/lib/postgresql: run scripts/emulators/install",
    );
  }
  return join(base, versions[0], "bin");
}

/** postgres refuses to run as root: run it as the Debian `postgres` user then. */
function postgresUser() {
  if (process.getuid?.() !== 0) return {};
  const id = (flag) => spawnSync("id", [flag, "postgres"], { encoding: "utf8" });
  const u = id("-u");
  const g = id("-g");
  if (u.status !== 0 || g.status !== 0) {
    throw new Error(
      "running as root but no `postgres` user exists (apt-get install -y postgresql)",
    );
  }
  return { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) };
}

/**
 * A PostgreSQL server of its own: a fresh data directory (initdb) in a temp dir, a free
 * 127.0.0.1 port, a random superuser password (scram-sha-256 over TCP), run as the `postgres`
 * user when this process is root (postgres refuses root), stopped by pid and its data removed.
 * Used by the Vault stand-in (its database engine) and as the `postgres` stand-in.
 * @param {string} [label] names the process in logs and errors
 */
export async function startPostgres(label = "postgres") {
  const bin = findPostgresBin();
  const owner = postgresUser();
  const dir = mkdtempSync(join(tmpdir(), "secrets-loader-pg-"));
  const data = join(dir, "data");
  const adminUser = "sl_admin";
  const adminPassword = `pg-${randomBytes(12).toString("hex")}`;
  writeFileSync(join(dir, "pw"), adminPassword);
  if (owner.uid !== undefined) {
    chownSync(dir, owner.uid, /** @type {number} */ (owner.gid));
    chownSync(join(dir, "pw"), owner.uid, /** @type {number} */ (owner.gid));
  }
  const init = spawnSync(
    join(bin, "initdb"),
    [
      "-D",
      data,
      "-U",
      adminUser,
      `--pwfile=${join(dir, "pw")}`,
      "--auth-host=scram-sha-256",
      "--auth-local=trust",
      "-E",
      "UTF8",
      "--no-sync",
    ],
    { encoding: "utf8", uid: owner.uid, gid: owner.gid, cwd: dir },
  );
  rmSync(join(dir, "pw"), { force: true });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${label} initdb failed:\n${(init.stdout + init.stderr).slice(-2000)}`);
  }
  const { proc, port } = await startOnFreePort(label, 1, (port) => ({
    proc: launch(
      "postgres",
      join(bin, "postgres"),
      ["-D", data, "-h", HOST, "-p", String(port), "-k", dir, "-c", "fsync=off"],
      { ...owner, tmpDirs: [dir], cwd: dir },
    ),
    probe: async () =>
      spawnSync(join(bin, "pg_isready"), ["-h", HOST, "-p", String(port), "-t", "1"]).status === 0,
    info: undefined,
  }));
  const url = `postgresql://${adminUser}:${encodeURIComponent(adminPassword)}@${HOST}:${port}/postgres`;
  return {
    info: { host: HOST, port, database: "postgres", adminUser, adminPassword, url },
    stop: () => proc.stop(),
  };
}

async function startVault() {
  const bao = tool("bao");
  const pg = await startPostgres("vault (postgres)");
  try {
    const token = `root-${randomUUID()}`;
    const { proc, info } = await startOnFreePort("vault (openbao)", 2, (port) => ({
      proc: launch(
        "openbao",
        bao,
        [
          "server",
          "-dev",
          `-dev-root-token-id=${token}`,
          `-dev-listen-address=${HOST}:${port}`,
          "-dev-no-store-token",
        ],
        { env: { BAO_ADDR: `http://${HOST}:${port}`, HOME: tmpdir() } },
      ),
      probe: () => httpOk(`http://${HOST}:${port}/v1/sys/health`),
      info: { address: `http://${HOST}:${port}`, token },
    }));
    try {
      const seeded = await seedVault(info.address, token, pg.info);
      return {
        info: { ...info, ...seeded },
        stop: async () => {
          await proc.stop();
          await pg.stop();
        },
      };
    } catch (e) {
      await proc.stop(1000, true);
      throw new StartError("vault (openbao)", `seeding failed: ${e}`, proc.log);
    }
  } catch (e) {
    await pg.stop();
    throw e;
  }
}

/**
 * Seeds OpenBao with what the Vault provider tests need.
 * @param {string} address @param {string} token
 * @param {{host:string, port:number, database:string, adminUser:string, adminPassword:string}} pg
 */
async function seedVault(address, token, pg) {
  /** @param {string} method @param {string} path @param {unknown} [body] */
  const api = async (method, path, body) => {
    const r = await fetch(`${address}/v1/${path}`, {
      method,
      headers: { "X-Vault-Token": token, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} /v1/${path} -> ${r.status} ${text.slice(0, 500)}`);
    return text ? JSON.parse(text) : {};
  };

  const policy = "secrets-loader-test";
  await api("PUT", `sys/policies/acl/${policy}`, {
    policy: [
      'path "secret/*" { capabilities = ["read", "list"] }',
      'path "kv1/*" { capabilities = ["read", "list"] }',
      'path "database/creds/*" { capabilities = ["read"] }',
      'path "sys/leases/renew" { capabilities = ["update"] }',
      'path "sys/leases/revoke" { capabilities = ["update"] }',
      'path "auth/token/renew-self" { capabilities = ["update"] }',
      'path "auth/token/revoke-self" { capabilities = ["update"] }',
    ].join("\n"),
  });

  // KV v2 is at secret/ in dev mode; add a KV v1 mount.
  const kv1Mount = "kv1";
  await api("POST", `sys/mounts/${kv1Mount}`, { type: "kv", options: { version: "1" } });

  // AppRole.
  await api("POST", "sys/auth/approle", { type: "approle" });
  const approleRole = "secrets-loader-test";
  await api("POST", `auth/approle/role/${approleRole}`, {
    token_policies: [policy],
    token_ttl: "1h",
    token_max_ttl: "4h",
  });
  const roleId = (await api("GET", `auth/approle/role/${approleRole}/role-id`)).data.role_id;
  const secretId = (await api("POST", `auth/approle/role/${approleRole}/secret-id`, {})).data
    .secret_id;

  // JWT auth, validated with a key pair made for this run.
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwtIssuer = "https://issuer.secrets-loader.test";
  const jwtAudience = "secrets-loader-tests";
  const jwtRole = "secrets-loader-test";
  await api("POST", "sys/auth/jwt", { type: "jwt" });
  await api("POST", "auth/jwt/config", {
    jwt_validation_pubkeys: [publicKey.export({ type: "spki", format: "pem" })],
    jwt_supported_algs: ["ES256"],
    bound_issuer: jwtIssuer,
  });
  await api("POST", `auth/jwt/role/${jwtRole}`, {
    role_type: "jwt",
    bound_audiences: [jwtAudience],
    user_claim: "sub",
    token_policies: [policy],
    token_ttl: "1h",
  });

  // Database engine wired to the harness's PostgreSQL.
  const dbRole = "readonly";
  await api("POST", "sys/mounts/database", { type: "database" });
  await api("POST", "database/config/postgres", {
    plugin_name: "postgresql-database-plugin",
    connection_url: `postgresql://{{username}}:{{password}}@${pg.host}:${pg.port}/${pg.database}?sslmode=disable`,
    username: pg.adminUser,
    password: pg.adminPassword,
    allowed_roles: [dbRole],
    verify_connection: true,
  });
  await api("POST", `database/roles/${dbRole}`, {
    db_name: "postgres",
    creation_statements: [
      `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';`,
      `GRANT pg_read_all_data TO "{{name}}";`,
    ],
    default_ttl: "1h",
    max_ttl: "4h",
  });

  return {
    policy,
    kv2Mount: "secret",
    kv1Mount,
    approle: { mount: "approle", roleName: approleRole, roleId, secretId },
    jwt: {
      mount: "jwt",
      role: jwtRole,
      issuer: jwtIssuer,
      audience: jwtAudience,
      algorithm: "ES256",
      privateKeyPem: /** @type {string} */ (privateKey.export({ type: "pkcs8", format: "pem" })),
    },
    database: { mount: "database", role: dbRole, connectionName: "postgres" },
    postgres: pg,
  };
}

/**
 * Toxiproxy's server: the fault-injection proxy that tests put between an SDK and a stand-in.
 * Only its HTTP API listens here; each test creates its own proxies (on 127.0.0.1:0).
 */
async function startToxiproxy() {
  const server = tool("toxiproxy-server");
  const { proc, info } = await startOnFreePort("toxiproxy", 1, (port) => ({
    // LOG_LEVEL=warn: at info it logs every proxied connection, which a soak test turns into
    // megabytes of log.
    proc: launch("toxiproxy", server, ["-host", HOST, "-port", String(port)], {
      env: { LOG_LEVEL: process.env.SECRETS_LOADER_TOXIPROXY_LOG_LEVEL ?? "warn" },
    }),
    probe: () => httpOk(`http://${HOST}:${port}/version`),
    info: { apiUrl: `http://${HOST}:${port}`, host: HOST },
  }));
  return { info, stop: () => proc.stop() };
}

/**
 * Redis (Debian's redis-server, installed by scripts/emulators/install): one server per run, in
 * memory only (no RDB snapshot, no AOF), for the API-key limiter and anomaly watcher tests.
 */
async function startRedis() {
  const server = findOnPath("redis-server");
  if (!server) {
    throw new Error(
      "redis-server not found on PATH: run scripts/emulators/install (Debian: apt-get install -y redis-server)",
    );
  }
  const dir = mkdtempSync(join(tmpdir(), "secrets-loader-redis-"));
  const { proc, info } = await startOnFreePort("redis", 1, (port) => ({
    proc: launch(
      "redis",
      server,
      [
        "--port",
        String(port),
        "--bind",
        HOST,
        "--save",
        "",
        "--appendonly",
        "no",
        "--daemonize",
        "no",
        // Its working directory (where it would write anything) is the run's temp dir.
        "--dir",
        dir,
      ],
      { tmpDirs: [dir], cwd: dir, marker: `${HOST}:${port}` },
    ),
    probe: () => redisPing(port),
    info: { url: `redis://${HOST}:${port}`, host: HOST, port },
  }));
  return { info, stop: () => proc.stop() };
}

/** @param {string} name */
function findOnPath(name) {
  for (const d of [...(process.env.PATH ?? "").split(":"), "/usr/bin", "/usr/sbin"]) {
    if (d && existsSync(join(d, name))) return join(d, name);
  }
  return undefined;
}

/** Sends PING over a plain TCP connection; true on +PONG. @param {number} port */
function redisPing(port) {
  return new Promise((res) => {
    const sock = netConnect({ host: HOST, port });
    let buf = "";
    const done = (/** @type {boolean} */ ok) => {
      sock.destroy();
      res(ok);
    };
    sock.setTimeout(2000, () => done(false));
    sock.on("error", () => done(false));
    sock.on("connect", () => sock.write("PING\r\n"));
    sock.on("data", (d) => {
      buf += d.toString("latin1");
      if (buf.includes("\r\n")) done(buf.startsWith("+PONG"));
    });
  });
}

/**
 * Azure: the harness's own HTTPS stand-in for Entra ID and the Key Vault secrets data plane
 * (test/support/azure/server.ts, run by this Node as its own process). Its per-run CA is at
 * info.caFile; test processes trust it through NODE_EXTRA_CA_CERTS (see the global setup).
 */
async function startAzure() {
  const server = join(REPO, "test/support/azure/server.ts");
  const { prepareAzureStandIn } = await import("../../test/support/azure/prepare.ts");
  const { proc, info } = await startOnFreePort("azure", 1, (port) => {
    const dir = mkdtempSync(join(tmpdir(), "secrets-loader-azure-"));
    const { configFile, info } = prepareAzureStandIn(dir, port);
    const ca = readFileSync(info.caFile);
    return {
      proc: launch("azure", process.execPath, [server, configFile], {
        tmpDirs: [dir],
        marker: server,
      }),
      probe: () => httpsOk(`${info.control.url}/health`, ca),
      info,
    };
  });
  return { info, stop: () => proc.stop() };
}

/** @param {string} url @param {Buffer} ca */
function httpsOk(url, ca) {
  return new Promise((res) => {
    const req = httpsGet(url, { ca, timeout: 2000 }, (r) => {
      r.resume();
      r.on("end", () => res(r.statusCode === 200));
    });
    req.on("error", () => res(false));
    req.on("timeout", () => req.destroy());
  });
}

// ---------------------------------------------------------------- public API

/**
 * Starts one stand-in and resolves once it answers (and is seeded).
 * @param {"aws" | "vault" | "gcp" | "azure" | "toxiproxy" | "redis" | "postgres"} name
 */
export async function startStandIn(name) {
  const why = unavailableReason(name);
  if (why) throw new StandInUnavailableError(name, why);
  switch (name) {
    case "aws":
      return startAws();
    case "vault":
      return startVault();
    case "gcp":
      return startGcp();
    case "toxiproxy":
      return startToxiproxy();
    case "azure":
      return startAzure();
    case "redis":
      return startRedis();
    case "postgres":
      return startPostgres();
    default:
      throw new Error(`unknown stand-in "${name}" (known: ${STAND_IN_NAMES.join(", ")})`);
  }
}

/**
 * Starts several stand-ins in parallel; if any fails, stops the others and throws.
 * Unavailable ones are reported in `unavailable`, not thrown.
 * @param {Iterable<"aws" | "vault" | "gcp" | "azure" | "toxiproxy" | "redis" | "postgres">} names
 */
export async function startStandIns(names) {
  cleanLeftovers();
  const wanted = [...new Set(names)];
  /** @type {Record<string, {error: string}>} */
  const unavailable = {};
  const runnable = wanted.filter((n) => {
    const why = unavailableReason(n);
    if (why) unavailable[n] = { error: new StandInUnavailableError(n, why).message };
    return !why;
  });
  const results = await Promise.allSettled(runnable.map((n) => startStandIn(n)));
  const started = /** @type {Record<string, {info: unknown, stop(): Promise<void>}>} */ ({});
  const errors = [];
  results.forEach((r, i) => {
    const n = /** @type {string} */ (runnable[i]);
    if (r.status === "fulfilled") started[n] = r.value;
    else errors.push(r.reason instanceof Error ? r.reason.message : String(r.reason));
  });
  const stopAll = async () => {
    await Promise.allSettled(Object.values(started).map((s) => s.stop()));
  };
  if (errors.length) {
    await stopAll();
    throw new Error(errors.join("\n\n"));
  }
  return {
    info: Object.fromEntries(Object.entries(started).map(([n, s]) => [n, s.info])),
    unavailable,
    stop: stopAll,
  };
}
