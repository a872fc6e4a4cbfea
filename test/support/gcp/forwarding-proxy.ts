/**
 * A thin forwarding proxy in front of the harness's drongo (Secret Manager REST v1). It forwards
 * every request and adds only what drongo lacks, shaped as in the public reference
 * (https://cloud.google.com/secret-manager/docs/reference/rest):
 *
 * - version aliases: `versionAliases` on a secret (create and PATCH with an update mask naming
 *   it, https://cloud.google.com/secret-manager/docs/reference/rest/v1/projects.secrets#Secret)
 *   is kept here, echoed on secret reads, and `versions/<alias>` is resolved before forwarding;
 * - `payload.dataCrc32c` on `:access` answers (CRC32C Castagnoli as a decimal int64 string,
 *   https://cloud.google.com/secret-manager/docs/reference/rest/v1/SecretPayload);
 * - regional routes: `projects/<p>/locations/<l>/secrets/...` are served by drongo's global
 *   ones, and resource names in the answer are rewritten back to the regional form
 *   (https://cloud.google.com/secret-manager/docs/reference/rest/v1/projects.locations.secrets).
 *   Regional and global secrets share one namespace here; the real service keeps them apart.
 * - a test hook, `corruptNextCrc()`, that sends a wrong `dataCrc32c` on the next access answer;
 * - `rotation` on secrets (with the `topics` it needs), kept here as drongo drops both: given at
 *   creation or by PATCH with an update mask naming it, checked as the reference says (topics
 *   required, `nextRotationTime` at least 5 minutes ahead and required with `rotationPeriod`, a
 *   period of at least 3600s), and echoed on secret reads without `rotationPeriod` (input only,
 *   https://cloud.google.com/secret-manager/docs/reference/rest/v1/projects.secrets#Rotation);
 *   a test hook, `lapseRotation()`, moves a kept `nextRotationTime` into the past, as a
 *   schedule whose rotation never happened looks;
 * - `:testIamPermissions` on secrets (POST `{ permissions }` -> `{ permissions }`, the subset the
 *   caller holds; an empty answer is `{}`, as the real API omits empty lists, and a secret that
 *   does not exist also answers `{}`, not NOT_FOUND,
 *   https://cloud.google.com/secret-manager/docs/reference/rest/v1/projects.secrets/testIamPermissions),
 *   with grants set per secret by the test (`grant()`).
 *
 * drongo serves one request at a time; the proxy does not change that.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { crc32c } from "@aws-crypto/crc32c";
import type { GcpStandIn } from "../../../scripts/emulators/start.mjs";

/** A running forwarding proxy; `url` replaces drongo's `apiEndpoint` in tests. */
export interface GcpForwardingProxy {
  /** `http://127.0.0.1:<port>`: the Secret Manager endpoint the tests point at. */
  readonly url: string;
  readonly port: number;
  /** Requests seen, by kind (for tests that count reads). */
  readonly counts: { requests: number; access: number; aliasResolved: number; regional: number };
  /** Bearer tokens seen on requests, in order (drongo checks none; tests can). */
  readonly bearerTokens: string[];
  /** The next `:access` answer carries a wrong `dataCrc32c` (for the provider's mismatch test). */
  corruptNextCrc(): void;
  /**
   * From now on, `:access` answers carry `dataCrc32c` as `null` or `""`, or none at all
   * (`"missing"`), as a proxy that strips it would send; `false` restores it.
   */
  withholdCrc(as: "missing" | null | "" | false): void;
  /** Secret Manager reads: injected error answers, concurrency and connection counters. */
  readonly reads: ReadHooks;
  /** The permissions `:testIamPermissions` reports the caller holds on `secret` (`projects/<p>/secrets/<s>`). */
  grant(secret: string, permissions: readonly string[]): void;
  /** Moves `secret`'s kept `rotation.nextRotationTime` to `at` (a past time the API refuses on write). */
  lapseRotation(secret: string, at: Date): void;
  close(): Promise<void>;
}

/** An error answer to give instead of forwarding, for requests whose path matches. */
export interface InjectedAnswer {
  /** Matched against the request path (`/v1/projects/...`), regional prefix included. */
  match: RegExp;
  /** HTTP status, such as 403. */
  status: number;
  /** Canonical status, such as `PERMISSION_DENIED`. */
  code: string;
  /** The service's message. */
  message?: string;
  /** A `google.rpc.ErrorInfo` reason and its metadata, as the real service adds for some errors. */
  errorInfo?: { reason: string; metadata?: Record<string, string> };
  /** How many matching requests get it (default: all, until `clear()`). */
  times?: number;
  /** Send this body as is (`text/html`) instead of the JSON error: a proxy's page. */
  rawBody?: string;
}

/** Test hooks for reads (kept apart from the forwarding logic above). */
export interface ReadHooks {
  /** Answer matching requests with an error, shaped as the public API's. */
  inject(answer: InjectedAnswer): void;
  /** Remove every injected answer and reset the counters. */
  clear(): void;
  /** Requests being served now, the most at once, injected answers given, TCP connections accepted. */
  readonly stats: { inFlight: number; maxInFlight: number; injected: number; connections: number };
}

const SECRET_PATH = /^\/v1\/projects\/([^/]+)\/secrets\/([^/:?]+)$/;
const VERSION_PATH =
  /^\/v1\/projects\/([^/]+)\/secrets\/([^/:]+)\/versions\/([^/:]+)(:[a-zA-Z]+)?$/;
const REGIONAL = /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/(secrets.*)$/;

/**
 * Starts the proxy on a free port of 127.0.0.1, in front of `gcp` (the harness's drongo).
 *
 * @example
 * ```ts
 * let proxy: GcpForwardingProxy;
 * beforeAll(async () => { proxy = await startGcpForwardingProxy(standIn("gcp")); });
 * afterAll(() => proxy.close());
 * // GET `${proxy.url}/v1/projects/p/secrets/s/versions/prod:access` -> payload.dataCrc32c
 * ```
 */
export async function startGcpForwardingProxy(gcp: GcpStandIn): Promise<GcpForwardingProxy> {
  const upstream = gcp.apiEndpoint;
  // secret name (projects/<p>/secrets/<s>) -> versionAliases, as drongo drops the field.
  const aliases = new Map<string, Record<string, string>>();
  const counts = { requests: 0, access: 0, aliasResolved: 0, regional: 0 };
  const bearerTokens: string[] = [];
  let corruptNext = false;
  let withheld: "missing" | null | "" | false = false;
  const extras = rotationAndIam();

  const reads = readHooks();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (reads.answer(req, res)) return;
    counts.requests++;
    const auth = req.headers.authorization;
    if (auth?.startsWith("Bearer ")) bearerTokens.push(auth.slice(7));
    const url = new URL(req.url ?? "/", "http://proxy");
    const method = req.method ?? "GET";
    let body = await readBody(req);

    let path = url.pathname;
    let regionalPrefix: { from: string; to: string } | undefined;
    const regional = REGIONAL.exec(path);
    if (regional) {
      counts.regional++;
      const [, project, location, rest] = regional;
      path = `/v1/projects/${project}/${rest}`;
      regionalPrefix = {
        from: `projects/${project}/secrets/`,
        to: `projects/${project}/locations/${location}/secrets/`,
      };
    }

    // Aliases are resolved before forwarding; an unknown alias falls through to drongo's 404.
    const version = VERSION_PATH.exec(path);
    if (version) {
      const [, project, secret, v, verb = ""] = version;
      const target = aliases.get(`projects/${project}/secrets/${secret}`)?.[v as string];
      if (target !== undefined) {
        counts.aliasResolved++;
        path = `/v1/projects/${project}/secrets/${secret}/versions/${target}${verb}`;
      }
      if (verb === ":access") counts.access++;
    }

    const secretPath = SECRET_PATH.exec(path);
    const createMatch =
      method === "POST" &&
      /^\/v1\/projects\/([^/]+)\/secrets$/.exec(path) &&
      url.searchParams.get("secretId");
    let storeAliases: { name: string; value: Record<string, string> } | undefined;
    if (createMatch || (secretPath && method === "PATCH")) {
      const parsed = parseJson(body);
      const mask = url.searchParams.get("updateMask") ?? "";
      const wanted = createMatch
        ? "versionAliases" in (parsed ?? {})
        : mask.split(",").includes("versionAliases");
      if (parsed && wanted) {
        const name = createMatch
          ? `${path.slice(4)}/${url.searchParams.get("secretId")}`
          : path.slice(4);
        storeAliases = { name, value: { ...(parsed.versionAliases as Record<string, string>) } };
        delete parsed.versionAliases;
        body = Buffer.from(JSON.stringify(parsed));
        if (!createMatch) {
          const rest = mask.split(",").filter((m) => m && m !== "versionAliases");
          if (rest.length) url.searchParams.set("updateMask", rest.join(","));
          else url.searchParams.delete("updateMask");
        }
      }
    }

    const answered = extras.intercept(method, path, body, res);
    if (answered) return;
    const kept = extras.keep(method, path, url, body);
    if ("invalid" in kept) {
      res.writeHead(400, { "content-type": "application/json; charset=UTF-8" });
      res.end(
        JSON.stringify({ error: { code: 400, message: kept.invalid, status: "INVALID_ARGUMENT" } }),
      );
      return;
    }
    body = kept.body;

    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (typeof v === "string" && !["host", "content-length", "connection"].includes(k))
        headers[k] = v;
    }
    const init: RequestInit = { method, headers };
    if (body.length && method !== "GET" && method !== "HEAD") init.body = new Uint8Array(body);
    let up: Response;
    if ((storeAliases || kept.onlyKept) && !createMatch && !url.searchParams.get("updateMask")) {
      // Only versionAliases was asked for: drongo has nothing to update, so read the secret.
      up = await fetch(`${upstream}${path}`, { headers });
    } else {
      up = await fetch(`${upstream}${path}${url.search}`, init);
    }
    let text = await up.text();
    const json = parseJson(Buffer.from(text));

    if (up.ok && json) {
      if (storeAliases) aliases.set(storeAliases.name, storeAliases.value);
      if (secretPath && method === "DELETE") aliases.delete(path.slice(4));
      const name = typeof json.name === "string" ? json.name : undefined;
      if (name && /^projects\/[^/]+\/secrets\/[^/]+$/.test(name) && aliases.has(name)) {
        json.versionAliases = aliases.get(name);
      }
      const payload = json.payload as { data?: string; dataCrc32c?: string } | undefined;
      if (version?.[4] === ":access" && payload && typeof payload.data === "string") {
        let crc = crc32c(Buffer.from(payload.data, "base64"));
        if (corruptNext) {
          corruptNext = false;
          crc = (crc ^ 0x1) >>> 0;
        }
        payload.dataCrc32c = String(crc);
        if (withheld === "missing") delete payload.dataCrc32c;
        else if (withheld !== false) (payload as Record<string, unknown>).dataCrc32c = withheld;
      }
      extras.decorate(method, path, json);
      text = JSON.stringify(json);
    }
    if (regionalPrefix) text = text.split(regionalPrefix.from).join(regionalPrefix.to);
    res.writeHead(up.status, {
      "content-type": up.headers.get("content-type") ?? "application/json",
    });
    res.end(text);
  }

  const server = createServer((req, res) => {
    reads.started(res);
    handle(req, res).catch((err: unknown) => {
      res.writeHead(502, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          error: { code: 502, message: `forwarding proxy: ${String(err)}`, status: "UNAVAILABLE" },
        }),
      );
    });
  });
  server.on("connection", () => reads.connected());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    counts,
    bearerTokens,
    grant: extras.grant,
    lapseRotation: extras.lapseRotation,
    withholdCrc(as) {
      withheld = as;
    },
    corruptNextCrc() {
      corruptNext = true;
    },
    reads: reads.hooks,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/**
 * The read hooks: injected error answers (`{ error: { code, message, status, details } }`,
 * as https://cloud.google.com/apis/design/errors describes), in-flight and connection counts.
 */
function readHooks() {
  let rules: InjectedAnswer[] = [];
  const stats = { inFlight: 0, maxInFlight: 0, injected: 0, connections: 0 };
  return {
    hooks: {
      inject(answer: InjectedAnswer) {
        rules.push({ ...answer });
      },
      clear() {
        rules = [];
        Object.assign(stats, { inFlight: 0, maxInFlight: 0, injected: 0, connections: 0 });
      },
      stats,
    } satisfies ReadHooks,
    connected() {
      stats.connections++;
    },
    /** Counts a request in flight until its answer is sent. */
    started(res: ServerResponse) {
      stats.inFlight++;
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
      res.on("close", () => {
        stats.inFlight--;
      });
    },
    /** Sends an injected answer when one matches; true if it did. */
    answer(req: IncomingMessage, res: ServerResponse): boolean {
      const path = new URL(req.url ?? "/", "http://proxy").pathname;
      const rule = rules.find((r) => r.match.test(path) && (r.times === undefined || r.times > 0));
      if (!rule) return false;
      if (rule.times !== undefined) rule.times--;
      stats.injected++;
      const details = rule.errorInfo
        ? [
            {
              "@type": "type.googleapis.com/google.rpc.ErrorInfo",
              reason: rule.errorInfo.reason,
              domain: "googleapis.com",
              metadata: rule.errorInfo.metadata ?? {},
            },
          ]
        : undefined;
      // Drain the request first, so a keep-alive connection stays usable.
      req.resume();
      req.on("end", () => {
        if (rule.rawBody !== undefined) {
          res.writeHead(rule.status, { "content-type": "text/html" });
          res.end(rule.rawBody);
          return;
        }
        res.writeHead(rule.status, { "content-type": "application/json; charset=UTF-8" });
        res.end(
          JSON.stringify({
            error: {
              code: rule.status,
              message: rule.message ?? `injected ${rule.code}`,
              status: rule.code,
              ...(details ? { details } : {}),
            },
          }),
        );
      });
      return true;
    },
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function parseJson(buf: Buffer): Record<string, unknown> | undefined {
  if (!buf.length) return undefined;
  try {
    const v: unknown = JSON.parse(buf.toString("utf8"));
    return v && typeof v === "object" && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What drongo lacks for the doctor: `rotation` (and `topics`) on secrets, and
 * `:testIamPermissions`. Kept apart from the forwarding so other hooks stay independent.
 */
function rotationAndIam() {
  // secret name -> the fields drongo drops.
  const kept = new Map<string, { rotation?: unknown; topics?: unknown }>();
  const grants = new Map<string, Set<string>>();
  const TEST_IAM = /^\/v1\/(projects\/[^/]+\/secrets\/[^/:]+):testIamPermissions$/;
  const CREATE = /^\/v1\/(projects\/[^/]+)\/secrets$/;
  const SECRET = /^\/v1\/(projects\/[^/]+\/secrets\/[^/:]+)$/;

  return {
    grant(secret: string, permissions: readonly string[]) {
      grants.set(secret, new Set(permissions));
    },

    /** Answers `:testIamPermissions` itself; true when it did. */
    intercept(method: string, path: string, body: Buffer, res: ServerResponse): boolean {
      const m = TEST_IAM.exec(path);
      if (!m || method !== "POST") return false;
      const name = m[1] as string;
      const send = (status: number, json: unknown) => {
        res.writeHead(status, { "content-type": "application/json; charset=UTF-8" });
        res.end(JSON.stringify(json));
      };
      const asked = parseJson(body)?.permissions;
      if (!Array.isArray(asked) || !asked.every((p) => typeof p === "string")) {
        send(400, {
          error: {
            code: 400,
            message: "Invalid JSON payload: permissions.",
            status: "INVALID_ARGUMENT",
          },
        });
        return true;
      }
      // A secret that does not exist holds no permission: the same empty answer.
      const held = grants.get(name) ?? new Set<string>();
      const granted = (asked as string[]).filter((p) => held.has(p));
      send(200, granted.length ? { permissions: granted } : {});
      return true;
    },

    lapseRotation(secret: string, at: Date) {
      const entry = kept.get(secret);
      if (!entry?.rotation) throw new Error(`lapseRotation: ${secret} has no rotation`);
      entry.rotation = { ...(entry.rotation as object), nextRotationTime: at.toISOString() };
    },

    /**
     * Takes `rotation`/`topics` out of a create or a PATCH naming them. Returns the body to
     * forward, or an INVALID_ARGUMENT answer's message when the reference's rules refuse it.
     */
    keep(
      method: string,
      path: string,
      url: URL,
      body: Buffer,
    ): { body: Buffer; onlyKept?: boolean } | { invalid: string } {
      const create = method === "POST" && CREATE.exec(path) && url.searchParams.get("secretId");
      const patch = method === "PATCH" && SECRET.exec(path);
      if (!create && !patch) return { body };
      const parsed = parseJson(body);
      if (!parsed) return { body };
      const name = create ? `${path.slice(4)}/${url.searchParams.get("secretId")}` : path.slice(4);
      const mask = (url.searchParams.get("updateMask") ?? "").split(",");
      const entry: { rotation?: unknown; topics?: unknown } = create ? {} : { ...kept.get(name) };
      let touched = false;
      for (const field of ["rotation", "topics"] as const) {
        const named = create
          ? field in parsed
          : mask.some((f) => f === field || f.startsWith(`${field}.`));
        if (!named) continue;
        touched = true;
        if (parsed[field] === undefined || parsed[field] === null) delete entry[field];
        else entry[field] = parsed[field];
        delete parsed[field];
        if (patch) {
          const rest = mask.filter((f) => f && f !== field && !f.startsWith(`${field}.`));
          if (rest.length) url.searchParams.set("updateMask", rest.join(","));
          else url.searchParams.delete("updateMask");
        }
      }
      if (touched && entry.rotation !== undefined) {
        const r = entry.rotation as { nextRotationTime?: string; rotationPeriod?: string };
        const next = r.nextRotationTime ? Date.parse(r.nextRotationTime) : undefined;
        const period = /^(\d+)s$/.exec(r.rotationPeriod ?? "")?.[1];
        if (!Array.isArray(entry.topics) || entry.topics.length === 0)
          return { invalid: "Secret.topics must be set to configure rotation." };
        if (r.rotationPeriod !== undefined && next === undefined)
          return { invalid: "next_rotation_time must be set if rotation_period is set." };
        if (next !== undefined && (Number.isNaN(next) || next < Date.now() + 300_000))
          return { invalid: "next_rotation_time cannot be set to less than 300s in the future." };
        if (r.rotationPeriod !== undefined && !(Number(period) >= 3600))
          return { invalid: "rotation_period must be in seconds and at least 3600s." };
        // rotationPeriod is input only: reads return nextRotationTime alone.
        entry.rotation = r.nextRotationTime ? { nextRotationTime: r.nextRotationTime } : {};
      }
      if (touched || create) kept.set(name, entry);
      // A PATCH of kept fields only leaves drongo nothing to update: the proxy reads instead.
      const onlyKept = Boolean(patch && touched && !url.searchParams.get("updateMask"));
      return { body: Buffer.from(JSON.stringify(parsed)), onlyKept };
    },

    /** Echoes the kept fields on a secret's answer; forgets them with the secret. */
    decorate(method: string, path: string, json: Record<string, unknown>) {
      const m = SECRET.exec(path);
      if (m && method === "DELETE") {
        kept.delete(m[1] as string);
        grants.delete(m[1] as string);
        return;
      }
      const name = typeof json.name === "string" ? json.name : "";
      const extra = /^projects\/[^/]+\/secrets\/[^/]+$/.test(name) ? kept.get(name) : undefined;
      if (extra?.rotation !== undefined) json.rotation = extra.rotation;
      if (extra?.topics !== undefined) json.topics = extra.topics;
    },
  };
}
