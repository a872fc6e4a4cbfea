// The three HTTP adapters (node:http, Express, Fastify) answering real requests on 127.0.0.1:
// verification through a real keyring, the limiter, the usage events, and RFC 9457 refusals
// that never echo the presented key.
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeyMiddleware } from "../../../src/keys/express/index.js";
import { apiKeyHook } from "../../../src/keys/fastify/index.js";
import { ApiKeyCheckError, type ApiKeyOptions } from "../../../src/keys/http/check-request.js";
import { withApiKey } from "../../../src/keys/http/index.js";
import { createKeyring } from "../../../src/keys/keyring.js";
import { createKeyLimiter } from "../../../src/keys/limits/limiter.js";
import type { KeyEvent, KeyRecord } from "../../../src/keys/types.js";

interface Running {
  url: string;
  close(): Promise<void>;
}

/** Each adapter serves GET /v1/items (scope "read") and GET /v1/admin (scope "admin"). */
const adapters: Record<string, (opts: (scope: string) => ApiKeyOptions) => Promise<Running>> = {
  async http(opts) {
    const read = withApiKey(opts("read"), (_req, res, key) =>
      res.end(JSON.stringify({ id: key.id })),
    );
    const admin = withApiKey(opts("admin"), (_req, res, key) =>
      res.end(JSON.stringify({ id: key.id })),
    );
    const server = createServer((req, res) => {
      if (req.url?.startsWith("/v1/admin")) return void admin(req, res);
      return void read(req, res);
    });
    return listen(server);
  },
  async express(opts) {
    const app = express();
    app.get("/v1/items", apiKeyMiddleware(opts("read")), (_req, res) => {
      res.json({ id: (res.locals.apiKey as KeyRecord).id });
    });
    app.get("/v1/admin", apiKeyMiddleware(opts("admin")), (_req, res) => {
      res.json({ id: (res.locals.apiKey as KeyRecord).id });
    });
    return listen(createServer(app));
  },
  async fastify(opts) {
    const app = Fastify();
    app.get("/v1/items", { onRequest: apiKeyHook(opts("read")) }, async (request) => ({
      id: request.apiKey?.id,
    }));
    app.get("/v1/admin", { onRequest: apiKeyHook(opts("admin")) }, async (request) => ({
      id: request.apiKey?.id,
    }));
    const url = await app.listen({ host: "127.0.0.1", port: 0 });
    return { url, close: () => app.close() };
  },
};

function listen(server: Server): Promise<Running> {
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    });
  });
}

for (const [name, start] of Object.entries(adapters)) {
  describe(`${name} adapter`, () => {
    const events: KeyEvent[] = [];
    const records = new Map<string, KeyRecord>();
    const keyring = createKeyring({
      pepper: `pepper-${randomBytes(24).toString("base64url")}`,
      onEvent: (e) => events.push(e),
    });
    const lookup = (hash: string) => records.get(hash);
    let server: Running;
    let key: string;
    let limitedKey: string;
    let revokedKey: string;
    let limitedRecord: KeyRecord;

    beforeAll(async () => {
      const issue = async (scopes: string[]) => {
        const issued = await keyring.issueKey({ prefix: "kltest_", scopes });
        records.set(issued.record.hash, issued.record);
        return issued;
      };
      key = (await issue(["read"])).key;
      const limited = await issue(["read"]);
      limitedKey = limited.key;
      limitedRecord = limited.record;
      const revoked = await issue(["read"]);
      revokedKey = revoked.key;
      records.set(revoked.record.hash, { ...revoked.record, revokedAt: Date.now() - 1000 });
      // Only the "limited" key meets a low limit (the scope filter keeps the others free).
      const limiter = createKeyLimiter({ limits: [{ by: "key", points: 1_000, per: 60 }] });
      const tight = createKeyLimiter({ limits: [{ by: "key", points: 2, per: 60 }] });
      server = await start((scope) => ({
        keyring,
        lookup,
        scope,
        limiter: {
          consume: (s) => (s.keyId === limitedRecord.id ? tight : limiter).consume(s),
        },
        onEvent: (e) => events.push(e),
      }));
    });
    afterAll(() => server.close());

    const get = (path: string, headers: Record<string, string> = {}) =>
      fetch(`${server.url}${path}`, { headers });
    const bearer = (k: string) => ({ authorization: `Bearer ${k}` });

    async function expectProblem(
      res: Response,
      status: number,
      reason: string,
      presented?: string,
    ) {
      expect(res.status).toBe(status);
      expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect(res.headers.get("cache-control")).toBe("no-store");
      const text = await res.text();
      const body = JSON.parse(text);
      expect(body).toMatchObject({ type: "about:blank", status, reason });
      expect(typeof body.title).toBe("string");
      expect(typeof body.detail).toBe("string");
      if (presented) {
        // Neither the key nor any long piece of it comes back, in the body or a header.
        const everything = text + JSON.stringify([...res.headers]);
        expect(everything).not.toContain(presented);
        expect(everything).not.toContain(presented.slice(7, 27));
      }
      return body;
    }

    it("lets a valid key through, with its record", async () => {
      const res = await get("/v1/items", bearer(key));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ id: expect.any(String) });
      const used = events.filter((e) => e.type === "key-used" && e.result === "ok");
      expect(used.at(-1)).toMatchObject({ route: "GET /v1/items", scope: "read" });
    });

    it("401 without a key, with a Bearer challenge", async () => {
      const res = await get("/v1/items");
      await expectProblem(res, 401, "missing");
      expect(res.headers.get("www-authenticate")).toBe('Bearer realm="api"');
      expect(events.at(-1)).toMatchObject({ type: "key-used", result: "malformed" });
    });

    it("401 for a key with a typo (checksum), never echoing it", async () => {
      const last = key.at(-1) === "A" ? "B" : "A";
      const typo = `${key.slice(0, -1)}${last}`;
      const res = await get("/v1/items", bearer(typo));
      await expectProblem(res, 401, "bad-checksum", typo);
      expect(res.headers.get("www-authenticate")).toContain('error="invalid_token"');
    });

    it("401 for a revoked key, 403 for a scope the key lacks", async () => {
      await expectProblem(await get("/v1/items", bearer(revokedKey)), 401, "revoked", revokedKey);
      const res = await get("/v1/admin", bearer(key));
      await expectProblem(res, 403, "scope", key);
      expect(res.headers.get("www-authenticate")).toContain('error="insufficient_scope"');
    });

    it("429 with Retry-After once the key's limit is spent, and logs it", async () => {
      expect((await get("/v1/items", bearer(limitedKey))).status).toBe(200);
      expect((await get("/v1/items", bearer(limitedKey))).status).toBe(200);
      const res = await get("/v1/items", bearer(limitedKey));
      await expectProblem(res, 429, "rate-limited", limitedKey);
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(58);
      expect(events.at(-1)).toMatchObject({
        type: "key-used",
        keyId: limitedRecord.id,
        prefix: "kltest_",
        result: "rate-limited",
        route: "GET /v1/items",
      });
      // Other keys keep their own budget.
      expect((await get("/v1/items", bearer(key))).status).toBe(200);
    });

    it("no event or refusal carries a key", () => {
      const all = JSON.stringify(events);
      for (const k of [key, limitedKey, revokedKey]) expect(all).not.toContain(k);
    });
  });
}

describe("a configurable header", () => {
  it("reads the key alone from x-api-key (http adapter)", async () => {
    const keyring = createKeyring({ pepper: `pepper-${randomBytes(24).toString("base64url")}` });
    const { key, record } = await keyring.issueKey({ prefix: "kltest_", scopes: [] });
    const server = await listen(
      createServer(
        withApiKey(
          { keyring, lookup: (h) => (h === record.hash ? record : undefined), header: "X-API-Key" },
          (_req, res, k) => res.end(k.id),
        ),
      ),
    );
    try {
      const ok = await fetch(server.url, { headers: { "x-api-key": key } });
      expect(await ok.text()).toBe(record.id);
      // A Bearer header is not where this server looks.
      const res = await fetch(server.url, { headers: { authorization: `Bearer ${key}` } });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe('APIKey header="x-api-key"');
    } finally {
      await server.close();
    }
  });
});

describe("pepper rotation through an adapter", () => {
  it("hands the re-hashed record to onRehashed, and the key keeps working (Fastify adapter)", async () => {
    const oldPepper = `pepper-old-${randomBytes(24).toString("base64url")}`;
    const before = createKeyring({ pepper: oldPepper });
    const { key, record } = await before.issueKey({ prefix: "kltest_", scopes: [] });
    const records = new Map([[record.hash, record]]);
    const keyring = createKeyring({
      pepper: `pepper-new-${randomBytes(24).toString("base64url")}`,
      previousPeppers: [oldPepper],
    });
    const rehashed: KeyRecord[] = [];
    const app = Fastify();
    app.get(
      "/",
      {
        onRequest: apiKeyHook({
          keyring,
          lookup: (h) => records.get(h),
          onRehashed: (r) => {
            rehashed.push(r);
            records.delete(record.hash);
            records.set(r.hash, r);
          },
        }),
      },
      async (request) => ({ id: request.apiKey?.id }),
    );
    const url = await app.listen({ host: "127.0.0.1", port: 0 });
    try {
      const first = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
      expect(await first.json()).toEqual({ id: record.id });
      expect(rehashed).toHaveLength(1);
      expect(rehashed[0]?.pepperId).not.toBe(record.pepperId);
      // Found under the new pepper now: nothing more to re-hash.
      const second = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
      expect(second.status).toBe(200);
      expect(rehashed).toHaveLength(1);
    } finally {
      await app.close();
    }
  });
});

describe("a limiter whose store is down and fails closed", () => {
  it("answers 503 with Retry-After (Express adapter)", async () => {
    const keyring = createKeyring({ pepper: `pepper-${randomBytes(24).toString("base64url")}` });
    const { key, record } = await keyring.issueKey({ prefix: "kltest_", scopes: [] });
    const app = express();
    app.get(
      "/",
      apiKeyMiddleware({
        keyring,
        lookup: (h) => (h === record.hash ? record : undefined),
        limiter: {
          consume: async () => ({ allowed: false, reason: "unavailable", retryAfterSeconds: 1 }),
        },
      }),
      (_req, res) => res.end("never"),
    );
    const server = await listen(createServer(app));
    try {
      const res = await fetch(server.url, { headers: { authorization: `Bearer ${key}` } });
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("1");
      expect(await res.json()).toMatchObject({ status: 503, reason: "unavailable" });
    } finally {
      await server.close();
    }
  });
});

describe("a lookup that throws", () => {
  for (const [name, start] of Object.entries(adapters)) {
    it(`answers 500 naming nothing of the lookup's error, and keeps it as the cause (${name} adapter)`, async () => {
      const keyring = createKeyring({ pepper: `pepper-${randomBytes(24).toString("base64url")}` });
      const { key } = await keyring.issueKey({ prefix: "kltest_", scopes: ["read"] });
      const detail = `relation "api_keys" does not exist near hash ${randomBytes(8).toString("hex")}`;
      const reported: unknown[] = [];
      const server = await start((scope) => ({
        keyring,
        scope,
        lookup: () => {
          throw new Error(detail);
        },
        onError: (e) => reported.push(e),
      }));
      try {
        const res = await fetch(`${server.url}/v1/items`, {
          headers: { authorization: `Bearer ${key}` },
        });
        expect(res.status).toBe(500);
        const text = await res.text();
        expect(text).not.toContain(detail);
        expect(text).not.toContain(key);
        if (name === "http") {
          expect(reported).toHaveLength(1);
          expect(reported[0]).toBeInstanceOf(ApiKeyCheckError);
          expect((reported[0] as Error).cause).toMatchObject({ message: detail });
        }
      } finally {
        await server.close();
      }
    });
  }
});
