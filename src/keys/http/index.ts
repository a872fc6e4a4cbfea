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
  type ApiKeyOptions,
  createGuard,
  type GuardOutcome,
  PROBLEM_CONTENT_TYPE,
  type RequestInfo,
} from "./guard.js";

BrowserUsageError.refuseClientRuntime();

export type { ApiKeyOptions, GuardOutcome, Problem, RequestInfo, VerifyContext } from "./guard.js";
export { ApiKeyCheckError } from "./guard.js";
export {
  type LeakAlertListenerOptions,
  leakAlertListener,
} from "./leak-alert.js";
export { LeakAlertBodyError } from "./raw-body.js";

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
 * receives the key's record.
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
      const report =
        options.onError ??
        ((e: Error) =>
          console.error(`secrets-loader/keys: ${e.message} (pass onError for the cause)`));
      report(err as ApiKeyCheckError);
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": PROBLEM_CONTENT_TYPE });
        res.end(
          JSON.stringify({ type: "about:blank", title: "Internal Server Error", status: 500 }),
        );
      }
      return;
    }
    if (!outcome.ok) return guard.refuse(res, outcome);
    await handler(req, res, outcome.record);
  };
}

function requestInfo(req: IncomingMessage): RequestInfo {
  const method = req.method ?? "GET";
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const path = q === -1 ? url : url.slice(0, q);
  return {
    method,
    route: `${method} ${path}`,
    ip: req.socket.remoteAddress,
    header: (name) => req.headers[name],
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
