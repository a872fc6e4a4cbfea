/**
 * secrets-loader/keys/http: API-key checks for Node's own `http` server. Reads the key from
 * `Authorization: Bearer` (or a header you name), verifies it, applies the limiter, logs the
 * outcome, and answers 401, 403, 429 or 503 with an RFC 9457 problem body that never echoes
 * the key (`Retry-After` on 429 and 503).
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * import { withApiKey } from "secrets-loader/keys/http";
 *
 * createServer(
 *   withApiKey({ keyring, lookup, scope: "orders:read", limiter }, (req, res, key) => {
 *     res.end(`hello ${key.id}`);
 *   }),
 * ).listen(8080);
 * ```
 * @packageDocumentation
 */

import type { IncomingMessage, ServerResponse } from "node:http";
import { BrowserUsageError } from "../../errors.js";
import type { KeyRecord } from "../types.js";
import {
  type ApiKeyCheckError,
  ApiKeyHandlerError,
  type ApiKeyOptions,
  createGuard,
  type GuardOutcome,
  INTERNAL_PROBLEM,
  PROBLEM_CONTENT_TYPE,
  type RequestInfo,
  rawHeaderValues,
  reportError,
} from "./check-request.js";
import { routeName } from "./route.js";

BrowserUsageError.refuseClientRuntime();

export type {
  ApiKeyOptions,
  GuardOutcome,
  Problem,
  RequestInfo,
  VerifyContext,
} from "./check-request.js";
export { ApiKeyCheckError, ApiKeyHandlerError } from "./check-request.js";
export {
  type LeakAlertListenerOptions,
  leakAlertListener,
} from "./leak-alert.js";
export { LeakAlertBodyError } from "./raw-body.js";
export { routeName } from "./route.js";

/**
 * A request checker for `node:http`: `check(req)` gives the verdict, `refuse(res, outcome)`
 * sends a refusal.
 *
 * @example
 * ```ts
 * const guard = createApiKeyGuard({ keyring, lookup });
 * const outcome = await guard.check(req);
 * if (!outcome.ok) return guard.refuse(res, outcome);
 * ```
 */
export interface ApiKeyGuard {
  /** Reads, verifies and rate-limits the request's key. */
  check(req: IncomingMessage): Promise<GuardOutcome>;
  /** Sends a refusal: its status, headers and problem body. */
  refuse(res: ServerResponse, outcome: Extract<GuardOutcome, { ok: false }>): void;
}

/**
 * Creates a request checker for `node:http` servers.
 *
 * @example
 * ```ts
 * const guard = createApiKeyGuard({ verify: (key, ctx) => keys.verifyKey(key, lookup, ctx) });
 * ```
 */
export function createApiKeyGuard(options: ApiKeyOptions): ApiKeyGuard {
  const guard = createGuard(options);
  return {
    check: (req) => guard.check(requestInfo(req)),
    refuse: sendProblem,
  };
}

/**
 * Wraps a request listener: the handler runs only for a verified key within its limits, and
 * receives the key's record. A check that fails, or a handler that throws or rejects, is
 * answered 500 with a problem body and reported to `onError`: never an unhandled rejection.
 *
 * @example
 * ```ts
 * createServer(withApiKey({ keyring, lookup }, (req, res, key) => res.end(key.id))).listen(0);
 * ```
 */
export function withApiKey(
  options: ApiKeyOptions,
  handler: (req: IncomingMessage, res: ServerResponse, key: KeyRecord) => unknown,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const guard = createApiKeyGuard(options);
  return async (req, res) => {
    let outcome: GuardOutcome;
    try {
      outcome = await guard.check(req);
    } catch (err) {
      // A lookup or store that throws: answer 500 without detail, and report the error.
      reportError(options, err as ApiKeyCheckError);
      sendInternalError(res);
      return;
    }
    if (!outcome.ok) return guard.refuse(res, outcome);
    try {
      await handler(req, res, outcome.record);
    } catch (err) {
      reportError(options, new ApiKeyHandlerError(err));
      sendInternalError(res);
    }
  };
}

/** 500 with the fixed problem body; a response already under way is cut instead. */
function sendInternalError(res: ServerResponse): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(500, {
    "content-type": PROBLEM_CONTENT_TYPE,
    "cache-control": "no-store",
    "content-length": Buffer.byteLength(INTERNAL_PROBLEM),
  });
  res.end(INTERNAL_PROBLEM);
}

function requestInfo(req: IncomingMessage): RequestInfo {
  const method = req.method ?? "GET";
  return {
    method,
    // Node's http has no route templates: the path with id-like segments replaced.
    route: routeName(method, req.url ?? "/"),
    ip: req.socket.remoteAddress,
    header: (name) => req.headers[name],
    headerValues: (name) => rawHeaderValues(req.rawHeaders, name),
  };
}

function sendProblem(res: ServerResponse, outcome: Extract<GuardOutcome, { ok: false }>): void {
  const body = JSON.stringify(outcome.problem);
  res.writeHead(outcome.status, {
    ...outcome.headers,
    "content-type": PROBLEM_CONTENT_TYPE,
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
}
