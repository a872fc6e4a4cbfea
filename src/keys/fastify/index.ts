/**
 * secrets-loader/keys/fastify: an API-key hook for Fastify. Reads the key from
 * `Authorization: Bearer` (or a header you name), verifies it, applies the limiter, logs the
 * outcome, and answers 401, 403, 429 or 503 with an RFC 9457 problem body that never echoes
 * the key (`Retry-After` on 429 and 503). A verified key's record is in `request.apiKey`.
 *
 * @example
 * ```ts
 * import Fastify from "fastify";
 * import { apiKeyHook } from "secrets-loader/keys/fastify";
 *
 * const app = Fastify();
 * app.get("/v1/orders", { onRequest: apiKeyHook({ keyring, lookup, scope: "orders:read", limiter }) },
 *   async (request) => ({ key: request.apiKey?.id }));
 * ```
 * @packageDocumentation
 */

import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { BrowserUsageError } from "../../errors.js";
import {
  type ApiKeyCheckError,
  ApiKeyHandlerError,
  type ApiKeyOptions,
  createGuard,
  INTERNAL_PROBLEM,
  PROBLEM_CONTENT_TYPE,
  rawHeaderValues,
  reportError,
} from "../http/check-request.js";
import { routeName } from "../http/route.js";
import type { KeyRecord } from "../types.js";

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
export { type LeakAlertPluginOptions, leakAlertPlugin } from "./leak-alert.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The verified key's record, set by `apiKeyHook`. */
    apiKey?: KeyRecord;
  }
}

/**
 * A Fastify `onRequest` (or `preHandler`) hook that lets a request through only with a verified
 * key within its limits, setting `request.apiKey`. A check that fails (lookup, pepper, store, a
 * record that does not parse) is answered 500 with a problem body and reported to `onError`.
 * Set {@link apiKeyErrorHandler} as the error handler for handler errors.
 *
 * @example
 * ```ts
 * app.addHook("onRequest", apiKeyHook({ keyring, lookup, limiter }));
 * ```
 */
export function apiKeyHook(
  options: ApiKeyOptions,
): (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined> {
  const guard = createGuard(options);
  return async (request, reply) => {
    const pattern = request.routeOptions?.url;
    let outcome: Awaited<ReturnType<typeof guard.check>>;
    try {
      outcome = await guard.check({
        method: request.method,
        // The route template when one matched; else the path with id-like segments replaced.
        route:
          typeof pattern === "string"
            ? `${request.method} ${pattern}`
            : routeName(request.method, request.url),
        ip: request.ip,
        header: (name) => request.headers[name],
        headerValues: (name) => rawHeaderValues(request.raw.rawHeaders, name),
      });
    } catch (err) {
      reportError(options, err as ApiKeyCheckError);
      return sendInternalError(reply);
    }
    if (outcome.ok) {
      request.apiKey = outcome.record;
      return undefined;
    }
    return reply
      .code(outcome.status)
      .headers(outcome.headers)
      .type(PROBLEM_CONTENT_TYPE)
      .send(JSON.stringify(outcome.problem));
  };
}

/**
 * A Fastify error handler (`app.setErrorHandler(apiKeyErrorHandler(options))`): a route handler
 * that throws or rejects is answered 500 with the fixed problem body (Fastify's default
 * answer quotes the error's message) and reported to `onError` as an `ApiKeyHandlerError`.
 * Client errors Fastify raises itself (4xx, such as a body that does not parse) keep their
 * status, with a problem body.
 *
 * @example
 * ```ts
 * app.setErrorHandler(apiKeyErrorHandler({ onError: (e) => app.log.error(e.cause) }));
 * ```
 */
export function apiKeyErrorHandler(
  options: Pick<ApiKeyOptions, "onError"> = {},
): (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => FastifyReply {
  return (error, _request, reply) => {
    const status = (error as { statusCode?: unknown }).statusCode;
    if (typeof status === "number" && status >= 400 && status < 500) {
      return reply
        .code(status)
        .type(PROBLEM_CONTENT_TYPE)
        .send(JSON.stringify({ type: "about:blank", title: "Bad Request", status }));
    }
    reportError(options, new ApiKeyHandlerError(error));
    return sendInternalError(reply);
  };
}

function sendInternalError(reply: FastifyReply): FastifyReply {
  return reply
    .code(500)
    .header("cache-control", "no-store")
    .type(PROBLEM_CONTENT_TYPE)
    .send(INTERNAL_PROBLEM);
}
