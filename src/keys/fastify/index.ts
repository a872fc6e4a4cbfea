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

import type { FastifyReply, FastifyRequest } from "fastify";
import { BrowserUsageError } from "../../errors.js";
import { type ApiKeyOptions, createGuard, PROBLEM_CONTENT_TYPE } from "../http/guard.js";
import type { KeyRecord } from "../types.js";

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
export { type LeakAlertPluginOptions, leakAlertPlugin } from "./leak-alert.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The verified key's record, set by `apiKeyHook`. */
    apiKey?: KeyRecord;
  }
}

/**
 * A Fastify `onRequest` (or `preHandler`) hook that lets a request through only with a verified
 * key within its limits, setting `request.apiKey`. Errors of the lookup or the store reject the
 * hook (Fastify answers 500).
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
    const pattern = request.routeOptions?.url ?? request.url.split("?")[0];
    const outcome = await guard.check({
      method: request.method,
      route: `${request.method} ${pattern}`,
      ip: request.ip,
      header: (name) => request.headers[name],
    });
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
