// The leak-alert endpoint on the three adapters (node:http, Express, Fastify), on 127.0.0.1:
// signed alerts over real HTTP, the sender's public keys fetched with the global fetch from a
// local key server (ETag and all), the revoked key refused by the API-key adapter next, the
// body limit, and a JSON body parser that got to the body first.
import { generateKeyPairSync, sign } from "node:crypto";
import {
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeyMiddleware, leakAlertMiddleware } from "../../../src/keys/express/index.js";
import { apiKeyHook, leakAlertPlugin } from "../../../src/keys/fastify/index.js";
import { LeakAlertBodyError, leakAlertListener, withApiKey } from "../../../src/keys/http/index.js";
import { createKeyring, type Keyring } from "../../../src/keys/keyring.js";
import { handleLeakAlert } from "../../../src/keys/leak-alert/handle.js";
import type { LeakAlertHandler } from "../../../src/keys/leak-alert/types.js";
import type { KeyRecord } from "../../../src/keys/types.js";
import { fakePepper } from "../../unit/keys/support.js";

interface Running {
  url: string;
  close(): Promise<void>;
}

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

// The sender: a key pair made here, its public key served as GitHub serves its list.
const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
const KEY_ID = "local-sender-1";
const signBody = (body: Buffer) =>
  sign("sha256", body, { key: privateKey, dsaEncoding: "der" }).toString("base64");
let keyRequests: IncomingMessage["headers"][] = [];
let keyServer: Running;

type Mount = (
  handler: LeakAlertHandler,
  api: { keyring: Keyring; lookup: (h: string) => KeyRecord | undefined },
) => Promise<Running>;

/** Each adapter serves POST /leak-alerts and GET /v1/items (any valid key). */
const adapters: Record<string, Mount> = {
  async http(handler, api) {
    const leaks = leakAlertListener(handler);
    const items = withApiKey(api, (_req, res, key) => res.end(key.id));
    return listen(
      createServer(
        (req, res) => void (req.url === "/leak-alerts" ? leaks(req, res) : items(req, res)),
      ),
    );
  },
  async express(handler, api) {
    const app = express();
    app.post("/leak-alerts", leakAlertMiddleware(handler));
    app.use(express.json()); // the rest of the API parses JSON: after the leak endpoint
    app.get("/v1/items", apiKeyMiddleware(api), (_req, res) => {
      res.send((res.locals.apiKey as KeyRecord).id);
    });
    return listen(createServer(app));
  },
  async fastify(handler, api) {
    const app = Fastify();
    await app.register(leakAlertPlugin(handler, { path: "/leak-alerts" }));
    app.get("/v1/items", { onRequest: apiKeyHook(api) }, async (request) => request.apiKey?.id);
    // The rest of the app keeps Fastify's JSON parser.
    app.post("/echo", async (request) => ({ parsed: request.body }));
    const url = await app.listen({ host: "127.0.0.1", port: 0 });
    return { url, close: () => app.close() };
  },
};

beforeAll(async () => {
  const list = JSON.stringify({
    public_keys: [
      {
        key_identifier: KEY_ID,
        key: publicKey.export({ type: "spki", format: "pem" }),
        is_current: true,
      },
    ],
  });
  keyServer = await listen(
    createServer((req, res) => {
      keyRequests.push(req.headers);
      if (req.headers["if-none-match"] === '"v1"') return void res.writeHead(304).end();
      res.writeHead(200, { "content-type": "application/json", etag: '"v1"' }).end(list);
    }),
  );
});
afterAll(() => keyServer.close());

for (const [name, mount] of Object.entries(adapters)) {
  describe(`${name}: leak alerts`, () => {
    const records = new Map<string, KeyRecord>();
    const lookup = (hash: string) => records.get(hash);
    const keyring = createKeyring({ pepper: fakePepper() });
    const revoked: KeyRecord[] = [];
    let app: Running;
    beforeAll(async () => {
      keyRequests = [];
      const handler = handleLeakAlert({
        keyring,
        lookup,
        revoke: (record) => {
          revoked.push(record);
          records.set(record.hash, record);
        },
        github: { url: `${keyServer.url}/meta/public_keys/secret_scanning` },
        maxBodyBytes: 64 * 1024,
      });
      app = await mount(handler, { keyring, lookup });
    });
    afterAll(() => app.close());

    const issue = async () => {
      const issued = await keyring.issueKey({ prefix: "acme_live_", scopes: ["read"] });
      records.set(issued.record.hash, issued.record);
      return issued;
    };
    const alert = (key: string) =>
      Buffer.from(
        JSON.stringify([
          {
            token: key,
            type: "acme_api_key",
            url: "https://github.com/o/r/blob/x/.env",
            source: "content",
          },
        ]),
      );
    const post = (body: Buffer, headers: Record<string, string>) =>
      fetch(`${app.url}/leak-alerts`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: new Uint8Array(body),
      });
    const signed = (body: Buffer) => ({
      "github-public-key-identifier": KEY_ID,
      "github-public-key-signature": signBody(body),
    });

    it("a signed alert revokes the key; the next request with it gets 401", async () => {
      const { key, record } = await issue();
      const before = await fetch(`${app.url}/v1/items`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(before.status).toBe(200);
      const body = alert(key);
      const res = await post(body, signed(body));
      const text = await res.text();
      expect(res.status, text).toBe(200);
      expect(JSON.parse(text)).toEqual([
        {
          token_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
          token_type: "acme_api_key",
          label: "true_positive",
        },
      ]);
      expect(text).not.toContain(key);
      expect(revoked.map((r) => r.id)).toContain(record.id);
      const after = await fetch(`${app.url}/v1/items`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(after.status).toBe(401);
      expect(((await after.json()) as { reason: string }).reason).toBe("revoked");
      // The sender's keys were fetched once, over HTTP, from the configured URL.
      expect(keyRequests).toHaveLength(1);
      expect(keyRequests[0]?.accept).toBe("application/json");
    });

    it("a tampered alert gets 401 and revokes nothing", async () => {
      const { key } = await issue();
      const count = revoked.length;
      const body = alert(key);
      const headers = signed(body);
      const res = await post(Buffer.from(body.toString().replace("o/r", "o/s")), headers);
      expect(res.status).toBe(401);
      expect(revoked).toHaveLength(count);
    });

    it("a body past maxBodyBytes gets 413, declared or streamed", async () => {
      const big = Buffer.alloc(70 * 1024, 0x20);
      expect((await post(big, signed(big))).status).toBe(413);
      // Streamed without Content-Length: cut off while reading.
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(
          `${app.url}/leak-alerts`,
          {
            method: "POST",
            headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on("error", (err) => (/EPIPE|ECONNRESET/.test(String(err)) ? undefined : reject(err)));
        for (let i = 0; i < 10; i++) req.write(Buffer.alloc(8 * 1024, 0x20));
        req.end();
      });
      expect(status).toBe(413);
    });

    if (name === "fastify") {
      it("the rest of the app keeps Fastify's JSON parser", async () => {
        const res = await fetch(`${app.url}/echo`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ a: 1 }),
        });
        expect(await res.json()).toEqual({ parsed: { a: 1 } });
      });
    }
  });
}

describe("a body parser that consumed the body first is refused with a clear error", () => {
  const keyring = createKeyring({ pepper: fakePepper() });
  const handler = handleLeakAlert({
    keyring,
    lookup: () => undefined,
    revoke: () => {},
    github: {
      keys: [
        {
          key_identifier: KEY_ID,
          key: publicKey.export({ type: "spki", format: "pem" }) as string,
        },
      ],
    },
  });
  const body = Buffer.from('[{"token":"x","type":"t","url":""}]');
  const headers = {
    "content-type": "application/json",
    "github-public-key-identifier": KEY_ID,
    "github-public-key-signature": signBody(body),
  };

  it("Express: express.json() before it passes a LeakAlertBodyError to next(); express.raw() is fine", async () => {
    const errors: unknown[] = [];
    const app = express();
    app.post("/parsed", express.json(), leakAlertMiddleware(handler));
    app.post("/raw", express.raw({ type: "*/*" }), leakAlertMiddleware(handler));
    app.use(
      (err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
        errors.push(err);
        res.status(500).end();
      },
    );
    const running = await listen(createServer(app));
    try {
      const parsed = await fetch(`${running.url}/parsed`, { method: "POST", headers, body });
      expect(parsed.status).toBe(500);
      expect(errors[0]).toBeInstanceOf(LeakAlertBodyError);
      expect((errors[0] as Error).message).toBe(
        "The leak-alert handler needs the raw request body, but a body parser already consumed it (req.body is an array). The alert's signature covers the exact bytes sent, so mount the handler before any JSON body parser (express.json(), body-parser), or on a route without one.",
      );
      const raw = await fetch(`${running.url}/raw`, { method: "POST", headers, body });
      expect(raw.status).toBe(200);
    } finally {
      await running.close();
    }
  });

  it("node:http: a stream read before the listener is refused (500 and onError)", async () => {
    const errors: Error[] = [];
    const leaks = leakAlertListener(handler, { onError: (e) => errors.push(e) });
    const running = await listen(
      createServer(async (req: IncomingMessage, res: ServerResponse) => {
        for await (const _ of req) {
          // some other middleware read the body
        }
        await leaks(req, res);
      }),
    );
    try {
      const res = await fetch(`${running.url}/`, { method: "POST", headers, body });
      expect(res.status).toBe(500);
      expect(errors[0]?.message).toContain("but the request stream was already read");
    } finally {
      await running.close();
    }
  });

  it("Fastify: a parent hook that parsed the body makes the route throw LeakAlertBodyError (500)", async () => {
    const app = Fastify();
    const errors: unknown[] = [];
    app.setErrorHandler((err, _req, reply) => {
      errors.push(err);
      return reply.code(500).send();
    });
    app.addHook("preValidation", async (request) => {
      if (Buffer.isBuffer(request.body)) request.body = JSON.parse(request.body.toString());
    });
    await app.register(leakAlertPlugin(handler));
    const url = await app.listen({ host: "127.0.0.1", port: 0 });
    try {
      const res = await fetch(`${url}/`, { method: "POST", headers, body });
      expect(res.status).toBe(500);
      expect(errors[0]).toBeInstanceOf(LeakAlertBodyError);
    } finally {
      await app.close();
    }
  });
});
