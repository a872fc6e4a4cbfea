/**
 * Reading a leak alert's raw body for the http and Express adapters: the signature covers the
 * exact bytes, so nothing may parse (and re-serialise) them first. Bounded in size (the
 * handler's `maxBodyBytes`, checked against `Content-Length` before reading and again while
 * reading) and in time. What `express.raw()` does, without importing Express.
 */
import type { IncomingMessage } from "node:http";

/** How long a client may take to send the body. */
const BODY_DEADLINE_MS = 10_000;

/**
 * A JSON (or other) body parser consumed the body before the leak-alert handler could read it:
 * its bytes are gone, and a re-serialised body never matches the signature. Mount the handler
 * before any body parser, or on a route without one.
 *
 * @example
 * ```ts
 * app.use((err, req, res, next) => err instanceof LeakAlertBodyError ? console.error(err.message) : next(err));
 * ```
 */
export class LeakAlertBodyError extends Error {
  constructor(how: string) {
    super(
      `The leak-alert handler needs the raw request body, but ${how}. The alert's signature covers the exact bytes sent, so mount the handler before any JSON body parser (express.json(), body-parser), or on a route without one.`,
    );
    this.name = "LeakAlertBodyError";
  }
}

/** The outcome of reading the body. */
export type RawBody =
  | { ok: true; body: Buffer }
  | { ok: false; status: 400 | 408 | 413 | 415; detail: string };

/**
 * What a framework left of the body: a Buffer from `express.raw()` is used as is; a parsed
 * value, or a stream already read, is refused with {@link LeakAlertBodyError}.
 * @internal
 */
export function consumedBody(req: IncomingMessage & { body?: unknown }): Buffer | undefined {
  const body = req.body;
  if (Buffer.isBuffer(body)) return body;
  if (body !== undefined && body !== null) {
    throw new LeakAlertBodyError(
      `a body parser already consumed it (req.body is ${Array.isArray(body) ? "an array" : typeof body})`,
    );
  }
  if (req.readableEnded) throw new LeakAlertBodyError("the request stream was already read");
  return undefined;
}

/**
 * Reads the body, at most `limit` bytes, within the deadline.
 * @internal
 */
export async function readRawBody(req: IncomingMessage, limit: number): Promise<RawBody> {
  const encoding = req.headers["content-encoding"];
  if (encoding !== undefined && encoding.toLowerCase() !== "identity") {
    return { ok: false, status: 415, detail: "A compressed alert is not accepted: send it as is." };
  }
  const declared = req.headers["content-length"];
  const tooLarge = {
    ok: false,
    status: 413,
    detail: `The alert is larger than ${limit} bytes.`,
  } as const;
  if (declared !== undefined && Number(declared) > limit) {
    req.resume(); // drain without keeping it
    return tooLarge;
  }
  return new Promise<RawBody>((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (result: RawBody) => {
      clearTimeout(timer);
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      if (!result.ok) req.resume();
      resolve(result);
    };
    const timer = setTimeout(
      () => done({ ok: false, status: 408, detail: "The alert's body did not arrive in time." }),
      BODY_DEADLINE_MS,
    );
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return done(tooLarge);
      chunks.push(chunk);
    };
    const onEnd = () => done({ ok: true, body: Buffer.concat(chunks, size) });
    const onError = () =>
      done({ ok: false, status: 400, detail: "The alert's body could not be read." });
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}
