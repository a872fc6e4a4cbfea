/**
 * The leak-alert endpoint for Fastify: a plugin whose own (encapsulated) context parses every
 * content type as a Buffer, so the route sees the raw bytes while the rest of the app keeps
 * Fastify's JSON parser.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { LeakAlertBodyError } from "../http/raw-body.js";
import type { LeakAlertHandler } from "../leak-alert/types.js";

/**
 * Options of {@link leakAlertPlugin}.
 *
 * @example
 * ```ts
 * const options: LeakAlertPluginOptions = { path: "/leak-alerts" };
 * ```
 */
export interface LeakAlertPluginOptions {
  /** The route's path within the plugin's prefix (default `/`). */
  path?: string;
  /** The client's IP for the rate limit (default `request.ip`, which follows `trustProxy`). */
  ip?: (request: FastifyRequest) => string | undefined;
}

/**
 * A Fastify plugin serving `POST <path>` for leak alerts. It replaces, in its own context only,
 * the body parsers by one that keeps the raw bytes (limit: the handler's `maxBodyBytes`; larger
 * is Fastify's 413). If the body reaches the route as anything but a Buffer (a hook of the
 * parent parsed it), the route throws a `LeakAlertBodyError` (500) instead of checking a
 * re-serialised body.
 *
 * @example
 * ```ts
 * import Fastify from "fastify";
 * import { handleLeakAlert } from "secrets-loader/keys";
 * import { leakAlertPlugin } from "secrets-loader/keys/fastify";
 *
 * const app = Fastify();
 * await app.register(leakAlertPlugin(handleLeakAlert({ keyring, lookup, revoke }), { path: "/leak-alerts" }));
 * ```
 */
export function leakAlertPlugin(
  handler: LeakAlertHandler,
  options: LeakAlertPluginOptions = {},
): (instance: FastifyInstance) => Promise<void> {
  if (typeof handler !== "function" || typeof handler.maxBodyBytes !== "number") {
    throw new TypeError("leakAlertPlugin needs the handler returned by handleLeakAlert(...)");
  }
  return async (instance) => {
    instance.removeAllContentTypeParsers();
    instance.addContentTypeParser(
      "*",
      { parseAs: "buffer", bodyLimit: handler.maxBodyBytes },
      (_request, body, done) => done(null, body),
    );
    instance.post(options.path ?? "/", async (request, reply) => {
      const raw = request.body;
      if (raw !== undefined && raw !== null && !Buffer.isBuffer(raw)) {
        throw new LeakAlertBodyError(
          `the route received an already parsed body (${Array.isArray(raw) ? "an array" : typeof raw})`,
        );
      }
      const body = Buffer.isBuffer(raw) ? raw : Buffer.alloc(0);
      const ip = options.ip ? options.ip(request) : request.ip;
      const answer = await handler({
        body,
        headers: request.headers,
        ...(ip !== undefined ? { ip } : {}),
      });
      return reply.code(answer.status).headers(answer.headers).send(answer.body);
    });
  };
}
