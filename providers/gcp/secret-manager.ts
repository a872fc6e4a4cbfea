/**
 * Secret Manager's REST API v1 (`GET /v1/{name}:access`), read through the provider's one
 * authorised client: its `getRequestHeaders(url)` gives the bearer, and every request goes
 * through one keep-alive agent per protocol (so a batch reuses its connections). Regional
 * secrets go to the regional endpoint; everything else to the one global endpoint.
 */

import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { raceSignal } from "../../src/provider/index.js";
import { GcpApiError, restFailure } from "./errors.js";
import type { GcpAuthClient } from "./types.js";

/**
 * The default global endpoint.
 *
 * @example
 * ```ts
 * new SecretManagerRest(DEFAULT_ENDPOINT);
 * ```
 */
export const DEFAULT_ENDPOINT = "https://secretmanager.googleapis.com";
/**
 * The default regional endpoint template (`{location}` is replaced).
 *
 * @example
 * ```ts
 * DEFAULT_REGIONAL_ENDPOINT.replace("{location}", "europe-west1");
 * ```
 */
export const DEFAULT_REGIONAL_ENDPOINT = "https://secretmanager.{location}.rep.googleapis.com";

/**
 * An `:access` answer's fields the provider reads.
 *
 * @example
 * ```ts
 * const a: AccessAnswer = { name: "projects/p/secrets/s/versions/3", payload: { data: "YQ==", dataCrc32c: "3251651376" } };
 * ```
 */
export interface AccessAnswer {
  /** The resolved version's name (`.../versions/3` for `latest` or an alias). */
  name?: string;
  payload?: { data?: string; dataCrc32c?: string };
}

/**
 * One REST client per provider: the endpoints and the keep-alive agents.
 *
 * @example
 * ```ts
 * const rest = new SecretManagerRest();
 * const answer = await rest.access("projects/p/secrets/s/versions/latest", undefined, authClient, signal);
 * rest.close();
 * ```
 */
export class SecretManagerRest {
  readonly #endpoint: string;
  readonly #regional: string;
  readonly #http = new HttpAgent({ keepAlive: true });
  readonly #https = new HttpsAgent({ keepAlive: true });

  constructor(endpoint = DEFAULT_ENDPOINT, regional = DEFAULT_REGIONAL_ENDPOINT) {
    this.#endpoint = endpoint.replace(/\/+$/, "");
    this.#regional = regional.replace(/\/+$/, "");
  }

  /** The URL of `name`'s `:access` call. */
  accessUrl(name: string, location: string | undefined): string {
    const base = location ? this.#regional.replaceAll("{location}", location) : this.#endpoint;
    return `${base}/v1/${name}:access`;
  }

  /** One `:access` request (no retry: the caller retries what is worth it). */
  async access(
    name: string,
    location: string | undefined,
    client: GcpAuthClient,
    signal: AbortSignal,
  ): Promise<AccessAnswer> {
    const url = this.accessUrl(name, location);
    // Getting the headers may refresh a token (metadata server, STS, impersonation).
    const headers = plainHeaders(await raceSignal(client.getRequestHeaders(url), signal));
    const { status, body } = await this.#get(url, headers, signal);
    let parsed: unknown;
    try {
      parsed = body.length ? JSON.parse(body.toString("utf8")) : undefined;
    } catch {
      parsed = undefined; // A proxy's HTML page: the status says enough for an error.
    }
    // A success that is not JSON (a captive proxy's page) is an error, never an empty value.
    if (status < 200 || status > 299 || (parsed === undefined && body.length > 0))
      throw new GcpApiError(restFailure(status, parsed));
    return (parsed ?? {}) as AccessAnswer;
  }

  #get(
    url: string,
    headers: Record<string, string>,
    signal: AbortSignal,
  ): Promise<{ status: number; body: Buffer }> {
    const u = new URL(url);
    const https = u.protocol === "https:";
    const send = https ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(
        u,
        {
          method: "GET",
          headers: { accept: "application/json", ...headers },
          agent: https ? this.#https : this.#http,
          signal,
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }),
          );
          res.on("error", reject);
          // A connection cut mid-body ends as "aborted" on the response, not an error.
          res.on("aborted", () =>
            reject(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })),
          );
        },
      );
      // On abort, the signal's reason (the call's deadline or close()), not a bare AbortError.
      req.on("error", (err) => reject(signal.aborted ? signal.reason : err));
      req.end();
    });
  }

  /** Closes every kept-alive connection. */
  close(): void {
    this.#http.destroy();
    this.#https.destroy();
  }
}

/** `Headers` (google-auth-library 10+) or a plain record (older clients) -> a plain record. */
function plainHeaders(h: Headers | Record<string, string>): Record<string, string> {
  if (typeof (h as Headers).forEach === "function") {
    const out: Record<string, string> = {};
    (h as Headers).forEach((v, k) => {
      out[k] = v;
    });
    return out;
  }
  return { ...(h as Record<string, string>) };
}
