// The three HTTP adapters (node:http, Express, Fastify) against requests a hostile or sloppy
// client sends, over real sockets: a repeated Authorization header (written raw: fetch would
// merge it), credentials that do not parse, a key pasted into the URL path, a handler that
// throws, and one usage event per request when keyring and adapter share a listener.
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import { type AddressInfo, connect } from "node:net";
import express from "express";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAnomalyWatcher, type KeyAlert } from "../../../src/keys/anomaly/watcher.js";
import {
  apiKeyMiddleware,
  apiKeyErrorHandler as expressErrorHandler,
} from "../../../src/keys/express/index.js";
import {
  apiKeyHook,
  apiKeyErrorHandler as fastifyErrorHandler,
} from "../../../src/keys/fastify/index.js";
import type { ApiKeyOptions } from "../../../src/keys/http/check-request.js";
import { withApiKey } from "../../../src/keys/http/index.js";
import { createKeyring } from "../../../src/keys/keyring.js";
import { createKeyLimiter } from "../../../src/keys/limits/limiter.js";
import type { KeyEvent, KeyRecord, KeyUsageEvent } from "../../../src/keys/types.js";

interface Running {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Each adapter serves GET /v1/items (ok), GET /v1/boom (its handler throws) and, for the
 * http adapter, any path under /v1/files/ (no route templates there).
 */
const adapters: Record<string, (options: ApiKeyOptions) => Promise<Running>> = {
  async http(options) {
    const ok = withApiKey(options, (_req, res, key) => res.end(JSON.stringify({ id: key.id })));
    const boom = withApiKey(options, async () => {
      throw new Error(`handler failed at /srv/app/handler.js:${randomBytes(4).toString("hex")}`);
    });
    return listen(
      createServer((req, res) => void (req.url?.startsWith("/v1/boom") ? boom : ok)(req, res)),
    );
  },
  async express(options) {
    const app = express();
    app.get("/v1/items", apiKeyMiddleware(options), (_req, res) => {
      res.json({ id: (res.locals.apiKey as KeyRecord).id });
    });
    app.get("/v1/boom", apiKeyMiddleware(options), async () => {
      throw new Error(`handler failed at /srv/app/handler.js:${randomBytes(4).toString("hex")}`);
    });
    app.use(expressErrorHandler(options));
    return listen(createServer(app));
  },
  async fastify(options) {
    const app = Fastify();
    app.setErrorHandler(fastifyErrorHandler(options));
    app.get("/v1/items", { onRequest: apiKeyHook(options) }, async (request) => ({
      id: request.apiKey?.id,
    }));
    app.get("/v1/boom", { onRequest: apiKeyHook(options) }, async () => {
      throw new Error(`handler failed at /srv/app/handler.js:${randomBytes(4).toString("hex")}`);
    });
    await app.listen({ host: "127.0.0.1", port: 0 });
    const port = (app.server.address() as AddressInfo).port;
    return { url: `http://127.0.0.1:${port}`, port, close: () => app.close() };
  },
};

function listen(server: Server): Promise<Running> {
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    });
  });
}

/** One HTTP/1.1 request written byte for byte (so headers can repeat); 5 s deadline. */
function rawGet(
  port: number,
  path: string,
  headerLines: string[],
): Promise<{ status: number; head: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    let data = "";
    socket.setTimeout(5000, () => socket.destroy(new Error("no answer within 5 s")));
    socket.on("error", reject);
    socket.on("data", (d) => {
      data += d.toString("utf8");
    });
    socket.on("close", () => {
      const [head = "", body = ""] = data.split("\r\n\r\n");
      resolve({ status: Number(head.split(" ")[1]), head: head.toLowerCase(), body });
    });
    socket.write(
      [`GET ${path} HTTP/1.1`, "host: 127.0.0.1", "connection: close", ...headerLines, "", ""].join(
        "\r\n",
      ),
    );
  });
}

for (const [name, start] of Object.entries(adapters)) {
  describe(`${name} adapter, hardened`, () => {
    const events: KeyEvent[] = [];
    const alerts: KeyAlert[] = [];
    const errors: unknown[] = [];
    const records = new Map<string, KeyRecord>();
    const watcher = createAnomalyWatcher({
      onAlert: (a) => alerts.push(a),
      spike: { threshold: 10, windowSeconds: 60 },
    });
    // The guide's wiring: one listener for the keyring and the adapter.
    const onEvent = (e: KeyEvent) => {
      events.push(e);
      watcher.onEvent(e);
    };
    const keyring = createKeyring({
      pepper: `pepper-${randomBytes(24).toString("base64url")}`,
      onEvent,
    });
    let server: Running;
    let key: string;
    let other: string;
    let limitedKey: string;
    let limitedId: string;

    beforeAll(async () => {
      for (const which of ["key", "other", "limited"]) {
        const issued = await keyring.issueKey({ prefix: "kltest_", scopes: [] });
        records.set(issued.record.hash, issued.record);
        if (which === "key") key = issued.key;
        else if (which === "other") other = issued.key;
        else {
          limitedKey = issued.key;
          limitedId = issued.record.id;
        }
      }
      const tight = createKeyLimiter({ limits: [{ by: "key", points: 5, per: 60 }] });
      server = await start({
        keyring,
        lookup: (h) => records.get(h) ?? null,
        limiter: tight,
        onEvent,
        onError: (e) => errors.push(e),
      });
    });
    afterAll(() => server.close());

    it("refuses a repeated Authorization header (good + bad, bad + good) with 400, never 200", async () => {
      for (const pair of [
        [`Bearer ${key}`, `Bearer ${other}`],
        [`Bearer ${other.slice(0, -1)}x`, `Bearer ${key}`],
        [`Bearer ${key}`, `Bearer ${key}`],
      ]) {
        const res = await rawGet(
          server.port,
          "/v1/items",
          pair.map((v) => `Authorization: ${v}`),
        );
        expect(res.status).toBe(400);
        expect(res.head).toContain('error="invalid_request"');
        expect(JSON.parse(res.body)).toMatchObject({ status: 400, reason: "repeated" });
        expect(res.body + res.head).not.toContain(key.toLowerCase());
      }
      // The same header with different capitalisation is the same header.
      const mixed = await rawGet(server.port, "/v1/items", [
        `authorization: Bearer ${key}`,
        `AUTHORIZATION: Bearer ${other}`,
      ]);
      expect(mixed.status).toBe(400);
    });

    it("a presented credential that does not parse is invalid_token, not missing", async () => {
      const b64 = Buffer.from(`user:${key}`).toString("base64");
      for (const value of [`Bearer ${key} extra`, `Basic ${b64}`, `Token ${key}`, `Bearer`]) {
        const res = await fetch(`${server.url}/v1/items`, { headers: { authorization: value } });
        expect(res.status, value.slice(0, 6)).toBe(401);
        expect(res.headers.get("www-authenticate")).toContain('error="invalid_token"');
        const body = await res.json();
        expect(body.reason).toBe("malformed");
        expect(JSON.stringify(body)).not.toContain(key);
      }
      // An empty header is no credential at all.
      const empty = await rawGet(server.port, "/v1/items", ["authorization: "]);
      expect(empty.status).toBe(401);
      expect(empty.head).not.toContain("error=");
    });

    it("a throwing handler answers a 500 problem through onError, and the server lives on", async () => {
      errors.length = 0;
      const res = await fetch(`${server.url}/v1/boom`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(res.status).toBe(500);
      expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      const text = await res.text();
      expect(JSON.parse(text)).toMatchObject({ status: 500, title: "Internal Server Error" });
      expect(text).not.toContain("/srv/app");
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ name: "ApiKeyHandlerError" });
      expect(((errors[0] as Error).cause as Error).message).toMatch(/handler failed/);
      const after = await fetch(`${server.url}/v1/items`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(after.status).toBe(200);
    });

    it("a lookup that throws is a 500 problem through onError, never a framework's HTML page", async () => {
      const reported: unknown[] = [];
      const failing = await start({
        keyring,
        lookup: () => {
          throw new Error(`connection refused at /srv/app/db.js:${randomBytes(4).toString("hex")}`);
        },
        onError: (e) => reported.push(e),
      });
      try {
        const res = await fetch(`${failing.url}/v1/items`, {
          headers: { authorization: `Bearer ${key}` },
        });
        expect(res.status).toBe(500);
        expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
        const text = await res.text();
        expect(text).not.toMatch(/<html|<pre|\/srv\/app|at .*\.js/i);
        expect(reported).toHaveLength(1);
        expect(reported[0]).toMatchObject({ name: "ApiKeyCheckError" });
      } finally {
        await failing.close();
      }
    });

    it("one key-used event per request with a shared listener: 8 requests, 5 allowed, no spike", async () => {
      const before = events.length;
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) {
        const res = await fetch(`${server.url}/v1/items`, {
          headers: { authorization: `Bearer ${limitedKey}` },
        });
        statuses.push(res.status);
        await res.arrayBuffer();
      }
      await new Promise((r) => setTimeout(r, 50));
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
      const mine = events
        .slice(before)
        .filter((e): e is KeyUsageEvent => e.type === "key-used" && e.keyId === limitedId);
      expect(mine.map((e) => e.result)).toEqual([
        ...Array(5).fill("ok"),
        ...Array(3).fill("rate-limited"),
      ]);
      expect(alerts.filter((a) => a.type === "spike" && a.keyId === limitedId)).toEqual([]);
    });
  });
}

describe("the http adapter's default route name", () => {
  it("never carries a key or an id pasted into the path", async () => {
    const events: KeyEvent[] = [];
    const alerts: KeyAlert[] = [];
    const watcher = createAnomalyWatcher({ onAlert: (a) => alerts.push(a) });
    const onEvent = (e: KeyEvent) => {
      events.push(e);
      watcher.onEvent(e);
    };
    const keyring = createKeyring({
      pepper: `pepper-${randomBytes(24).toString("base64url")}`,
      onEvent,
    });
    const { key, record } = await keyring.issueKey({ prefix: "kltest_", scopes: [] });
    const server = await listen(
      createServer(
        withApiKey(
          { keyring, lookup: (h) => (h === record.hash ? record : null), onEvent },
          (_q, res) => res.end("ok"),
        ),
      ),
    );
    try {
      const paths = [
        "/v1/files/readme",
        `/v1/files/${key}`,
        `/v1/files/${key}?download=1`,
        `/v1/files/${encodeURIComponent(key)}/raw`,
        "/v1/files/8f14e45f-ceea-467f-a0e6-7a2b0c1d3e4f",
        `/v1/files/${randomBytes(24).toString("base64url")}`,
      ];
      for (const p of paths) {
        const res = await fetch(`${server.url}${p}`, {
          headers: { authorization: `Bearer ${key}` },
        });
        expect(res.status).toBe(200);
      }
      await new Promise((r) => setTimeout(r, 50));
      const routes = events.filter((e) => e.type === "key-used").map((e) => e.route);
      expect(routes).toEqual([
        "GET /v1/files/readme",
        "GET /v1/files/:id",
        "GET /v1/files/:id",
        "GET /v1/files/:id/raw",
        "GET /v1/files/:id",
        "GET /v1/files/:id",
      ]);
      const everything = JSON.stringify([events, alerts]);
      expect(everything).not.toContain(key);
      expect(everything).not.toContain(key.slice(7, 27));
    } finally {
      await server.close();
    }
  });
});
