/**
 * The leak-alert endpoint for Express: reads the raw body itself (what `express.raw()` does),
 * or takes the Buffer `express.raw()` left, and refuses a body a JSON parser already consumed.
 */
import type { Request, RequestHandler } from "express";
import type { LeakAlertListenerOptions } from "../http/leak-alert.js";
import { consumedBody, readRawBody } from "../http/raw-body.js";
import type { LeakAlertHandler } from "../leak-alert/types.js";

/**
 * Express middleware answering leak alerts (mount it with `app.post`). Mount it before any
 * JSON body parser, or on a router without one: when `req.body` is already parsed, it passes a
 * `LeakAlertBodyError` to `next()` (the signature covers the raw bytes). `ip` defaults to
 * `req.ip` (which follows `trust proxy`).
 *
 * @example
 * ```ts
 * import express from "express";
 * import { handleLeakAlert } from "secrets-loader/keys";
 * import { leakAlertMiddleware } from "secrets-loader/keys/express";
 *
 * const app = express();
 * app.post("/leak-alerts", leakAlertMiddleware(handleLeakAlert({ keyring, lookup, revoke })));
 * app.use(express.json()); // after it, for the rest of the API
 * ```
 */
export function leakAlertMiddleware(
  handler: LeakAlertHandler,
  options: Pick<LeakAlertListenerOptions, "ip"> = {},
): RequestHandler {
  if (typeof handler !== "function" || typeof handler.maxBodyBytes !== "number") {
    throw new TypeError("leakAlertMiddleware needs the handler returned by handleLeakAlert(...)");
  }
  return (req, res, next) => {
    const run = async () => {
      let body = consumedBody(req);
      if (body === undefined) {
        const read = await readRawBody(req, handler.maxBodyBytes);
        if (!read.ok) {
          res
            .status(read.status)
            .set({ "cache-control": "no-store", connection: "close" })
            .type("application/problem+json")
            .send(
              JSON.stringify({ type: "about:blank", status: read.status, detail: read.detail }),
            );
          return;
        }
        body = read.body;
      }
      const ip = options.ip ? options.ip(req) : clientIp(req);
      const answer = await handler({
        body,
        headers: req.headers,
        ...(ip !== undefined ? { ip } : {}),
      });
      res.status(answer.status).set(answer.headers).send(answer.body);
    };
    run().catch(next);
  };
}

function clientIp(req: Request): string | undefined {
  return req.ip ?? req.socket.remoteAddress;
}
