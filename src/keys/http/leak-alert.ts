/**
 * The leak-alert endpoint for Node's own `http` server: reads the raw body (bounded), hands it
 * to the handler from `handleLeakAlert`, and sends its answer.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { LeakAlertHandler } from "../leak-alert/types.js";
import { consumedBody, type LeakAlertBodyError, readRawBody } from "./raw-body.js";

/**
 * Options of the leak-alert adapters.
 *
 * @example
 * ```ts
 * const options: LeakAlertListenerOptions = { ip: (req) => req.headers["x-real-ip"] as string };
 * ```
 */
export interface LeakAlertListenerOptions {
  /** The client's IP for the rate limit (default: the socket's peer). Behind a proxy, read it from your proxy. */
  ip?: (req: IncomingMessage) => string | undefined;
  /**
   * Told when the endpoint is mounted wrongly (a body parser ran first: {@link LeakAlertBodyError}),
   * which answers 500. Default: one line on stderr.
   */
  onError?: (error: Error) => void;
}

const PROBLEM = "application/problem+json";

/** Sends a problem with a fixed text. @internal */
export function sendProblem(
  res: ServerResponse,
  status: number,
  title: string,
  detail: string,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify({ type: "about:blank", title, status, detail });
  res.writeHead(status, {
    "content-type": PROBLEM,
    "cache-control": "no-store",
    "content-length": Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

/** The default `onError`. @internal */
export function reportMisuse(error: Error): void {
  console.error(`secrets-loader/keys: ${error.message}`);
}

/**
 * A `node:http` request listener for leak alerts: `POST` only (405 otherwise), the raw body
 * read up to the handler's `maxBodyBytes` (413 past it, 415 when compressed), then the
 * handler's answer. Refuses (500, and `onError`) when something already consumed the body.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * import { handleLeakAlert } from "secrets-loader/keys";
 * import { leakAlertListener } from "secrets-loader/keys/http";
 *
 * const onLeakAlert = handleLeakAlert({ keyring, lookup, revoke });
 * const leaks = leakAlertListener(onLeakAlert);
 * createServer((req, res) => (req.url === "/leak-alerts" ? leaks(req, res) : api(req, res))).listen(8080);
 * ```
 */
export function leakAlertListener(
  handler: LeakAlertHandler,
  options: LeakAlertListenerOptions = {},
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  if (typeof handler !== "function" || typeof handler.maxBodyBytes !== "number") {
    throw new TypeError("leakAlertListener needs the handler returned by handleLeakAlert(...)");
  }
  return async (req, res) => {
    if (req.method !== "POST") {
      return sendProblem(res, 405, "Method Not Allowed", "Leak alerts are sent with POST.", {
        allow: "POST",
      });
    }
    let body: Buffer | undefined;
    try {
      body = consumedBody(req);
    } catch (err) {
      (options.onError ?? reportMisuse)(err as LeakAlertBodyError);
      return sendProblem(res, 500, "Internal Server Error", "The alert endpoint is misconfigured.");
    }
    if (body === undefined) {
      const read = await readRawBody(req, handler.maxBodyBytes);
      if (!read.ok) {
        return sendProblem(
          res,
          read.status,
          read.status === 413 ? "Content Too Large" : "Bad Request",
          read.detail,
          {
            connection: "close",
          },
        );
      }
      body = read.body;
    }
    const ip = options.ip ? options.ip(req) : req.socket.remoteAddress;
    const answer = await handler({
      body,
      headers: req.headers,
      ...(ip !== undefined ? { ip } : {}),
    });
    res.writeHead(answer.status, {
      ...answer.headers,
      "content-length": Buffer.byteLength(answer.body),
    });
    res.end(answer.body);
  };
}
