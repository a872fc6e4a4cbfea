/**
 * secrets-loader/keys/express: API-key middleware for Express. Reads the key from
 * `Authorization: Bearer` (or a header you name), verifies it, applies the limiter, logs the
 * outcome, and answers 401, 403, 429 or 503 with an RFC 9457 problem body that never echoes
 * the key (`Retry-After` on 429 and 503). A verified key's record is in `res.locals.apiKey`.
 *
 * @example
 * ```ts
 * import express from "express";
 * import { apiKeyMiddleware } from "secrets-loader/keys/express";
 *
 * const app = express();
 * app.get("/v1/orders", apiKeyMiddleware({ keyring, lookup, scope: "orders:read", limiter }), (req, res) => {
 *   res.json({ key: res.locals.apiKey.id });
 * });
 * ```
 * @packageDocumentation
 */

import type { Request, RequestHandler } from "express";
import { BrowserUsageError } from "../../errors.js";
import {
  type ApiKeyOptions,
  createGuard,
  PROBLEM_CONTENT_TYPE,
  type RequestInfo,
} from "../http/guard.js";

BrowserUsageError.refuseClientRuntime();

export type {
  ApiKeyOptions,
  GuardOutcome,
  Problem,
  RequestInfo,
  VerifyContext,
} from "../http/guard.js";
export { ApiKeyCheckError } from "../http/guard.js";
export { LeakAlertBodyError } from "../http/raw-body.js";
export { leakAlertMiddleware } from "./leak-alert.js";

/**
 * Express middleware that lets a request through only with a verified key within its limits;
 * the key's record goes to `res.locals.apiKey`. Errors of the lookup or the store go to
 * `next(error)`.
 *
 * @example
 * ```ts
 * app.use("/v1", apiKeyMiddleware({ keyring, lookup, limiter }));
 * ```
 */
export function apiKeyMiddleware(options: ApiKeyOptions): RequestHandler {
  const guard = createGuard(options);
  return (req, res, next) => {
    guard.check(requestInfo(req)).then((outcome) => {
      if (outcome.ok) {
        res.locals.apiKey = outcome.record;
        next();
        return;
      }
      res
        .status(outcome.status)
        .set(outcome.headers)
        .type(PROBLEM_CONTENT_TYPE)
        .send(JSON.stringify(outcome.problem));
    }, next);
  };
}

function requestInfo(req: Request): RequestInfo {
  // At route level the pattern (/items/:id) is known; as app.use() middleware, the path.
  const path = `${req.baseUrl}${typeof req.route?.path === "string" ? req.route.path : req.path}`;
  return {
    method: req.method,
    route: `${req.method} ${path}`,
    ip: req.ip ?? req.socket.remoteAddress,
    header: (name) => req.headers[name],
  };
}
