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

import type { ErrorRequestHandler, Request, RequestHandler, Response } from "express";
import { BrowserUsageError } from "../../errors.js";
import {
  type ApiKeyCheckError,
  ApiKeyHandlerError,
  type ApiKeyOptions,
  createGuard,
  INTERNAL_PROBLEM,
  PROBLEM_CONTENT_TYPE,
  type RequestInfo,
  rawHeaderValues,
  reportError,
} from "../http/check-request.js";
import { routeName } from "../http/route.js";

BrowserUsageError.refuseClientRuntime();

export type {
  ApiKeyOptions,
  GuardOutcome,
  Problem,
  RequestInfo,
  VerifyContext,
} from "../http/check-request.js";
export { ApiKeyCheckError, ApiKeyHandlerError } from "../http/check-request.js";
export { LeakAlertBodyError } from "../http/raw-body.js";
export { leakAlertMiddleware } from "./leak-alert.js";

/**
 * Express middleware that lets a request through only with a verified key within its limits;
 * the key's record goes to `res.locals.apiKey`. A check that fails (lookup, pepper, store, a
 * record that does not parse) is answered 500 with a problem body and reported to `onError`
 * (never Express's HTML error page). Add {@link apiKeyErrorHandler} last for handler errors.
 *
 * @example
 * ```ts
 * app.use("/v1", apiKeyMiddleware({ keyring, lookup, limiter }));
 * ```
 */
export function apiKeyMiddleware(options: ApiKeyOptions): RequestHandler {
  const guard = createGuard(options);
  return (req, res, next) => {
    guard.check(requestInfo(req)).then(
      (outcome) => {
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
      },
      (err: ApiKeyCheckError) => {
        reportError(options, err);
        sendInternalError(res);
      },
    );
  };
}

/**
 * Express error middleware (add it after your routes): a route handler that throws or rejects
 * is answered 500 with the fixed problem body and reported to `onError` as an
 * `ApiKeyHandlerError`, instead of Express's HTML page (with a stack trace outside production).
 *
 * @example
 * ```ts
 * app.get("/v1/orders", apiKeyMiddleware(options), handler);
 * app.use(apiKeyErrorHandler(options));
 * ```
 */
export function apiKeyErrorHandler(
  options: Pick<ApiKeyOptions, "onError"> = {},
): ErrorRequestHandler {
  return (err, _req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    reportError(options, new ApiKeyHandlerError(err));
    sendInternalError(res);
  };
}

function sendInternalError(res: Response): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res
    .status(500)
    .set("cache-control", "no-store")
    .type(PROBLEM_CONTENT_TYPE)
    .send(INTERNAL_PROBLEM);
}

function requestInfo(req: Request): RequestInfo {
  // At route level the pattern (/items/:id) is known; as app.use() middleware, only the path,
  // whose id-like segments are replaced.
  const route =
    typeof req.route?.path === "string"
      ? `${req.method} ${req.baseUrl}${req.route.path}`
      : routeName(req.method, `${req.baseUrl}${req.path}`);
  return {
    method: req.method,
    route,
    ip: req.ip ?? req.socket.remoteAddress,
    header: (name) => req.headers[name],
    headerValues: (name) => rawHeaderValues(req.rawHeaders, name),
  };
}
