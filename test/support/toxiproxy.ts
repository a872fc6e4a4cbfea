/**
 * A typed driver for the Toxiproxy stand-in: `proxyTo(upstreamUrl)` creates a proxy on a free
 * 127.0.0.1 port in front of a stand-in and returns a {@link FaultInjector} for it.
 *
 *   // @stand-ins: aws, toxiproxy          (near the top of the test file)
 *   const proxy = await proxyTo(standIn("aws").endpoint);
 *   const provider = awsProvider({ endpoint: proxy.url, ... });
 *   await proxy.blackHole(); ...; await proxy.heal();
 *   await proxy.close();
 *
 * It talks to Toxiproxy's HTTP API with plain `fetch`: five endpoints, each call bounded by a
 * timeout so a stuck control plane fails the test instead of hanging it. (The npm client
 * toxiproxy-node-client works too, but sets no timeout on its requests and drops the server's
 * error text.)
 *
 * Faults are set, not stacked: calling `latency()` twice replaces the first delay; `heal()`
 * removes every toxic and re-enables the proxy.
 */
import { randomUUID } from "node:crypto";
import type { FaultInjector } from "../../src/provider/testing/faults.js";
import { standIn, type ToxiproxyStandIn } from "./stand-ins.js";

/**
 * How long one call to Toxiproxy's API may take before the test fails. Removing a `bandwidth` or
 * `latency` toxic is normally instant, but Toxiproxy then flushes the data it holds on each open
 * connection, waiting up to 5 s on one whose reader is stuck: so this is generous.
 */
const API_TIMEOUT_MS = 30_000;
/** API calls slower than this are logged, so a slow fault switch shows in the test output. */
const SLOW_CALL_MS = 1_000;

/**
 * Default bytes of the answer let through before `resetPeer()` resets the connection: inside
 * the status line and headers of any HTTP answer, so every answer is cut. Pass
 * `resetAfterBytes` to `proxyTo()` to cut inside the body instead (the SDK has then started
 * parsing a 200 answer); an answer shorter than that is not cut.
 */
export const RESET_AFTER_BYTES = 64;

/** One toxic as Toxiproxy's API takes it. */
export interface ToxicSpec {
  name: string;
  type: "latency" | "timeout" | "reset_peer" | "bandwidth" | "limit_data" | "slow_close" | "slicer";
  stream?: "upstream" | "downstream";
  /** Share of connections affected, 0-1 (default 1). */
  toxicity?: number;
  attributes: Record<string, number>;
}

/** A proxy in front of one stand-in, with its faults. */
export interface ToxiProxy extends FaultInjector {
  /** The proxy's name in Toxiproxy. */
  readonly name: string;
  /** `http://127.0.0.1:PORT`: give this to the SDK instead of the stand-in's address. */
  readonly url: string;
  /** The upstream `host:port`. */
  readonly upstream: string;
  /** Adds (or replaces) any toxic, for faults the interface does not name. */
  toxic(spec: ToxicSpec): Promise<void>;
  /** Names of the toxics in place now. */
  toxics(): Promise<string[]>;
  /** Deletes the proxy, closing its connections. */
  close(): Promise<void>;
}

/** Thrown when Toxiproxy's API answers with an error status. */
export class ToxiproxyApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    body: string,
  ) {
    super(`toxiproxy ${method} ${path} -> ${status} ${body.trim().slice(0, 300)}`);
    this.name = "ToxiproxyApiError";
  }
}

/** A client of Toxiproxy's HTTP API. */
export class ToxiproxyApi {
  constructor(readonly info: ToxiproxyStandIn = standIn("toxiproxy")) {}

  /** Sends one request; resolves to the parsed JSON answer (or undefined for an empty one). */
  async call<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const t0 = performance.now();
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${this.info.apiUrl}${path}`, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(API_TIMEOUT_MS),
      });
      text = await res.text();
    } catch (e) {
      const ms = Math.round(performance.now() - t0);
      throw new Error(`toxiproxy ${method} ${path}: no answer after ${ms} ms`, { cause: e });
    }
    const ms = Math.round(performance.now() - t0);
    if (ms > SLOW_CALL_MS || process.env.SECRETS_LOADER_TOXIPROXY_TRACE) {
      console.log(`[toxiproxy] ${method} ${path} -> ${res.status} in ${ms} ms`);
    }
    if (!res.ok) throw new ToxiproxyApiError(method, path, res.status, text);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Toxiproxy's version string (`git` for a `go install` build). */
  async version(): Promise<string> {
    return (await this.call<{ version: string }>("GET", "/version")).version;
  }
}

/**
 * Creates a proxy to `upstreamUrl` (e.g. the AWS stand-in's endpoint) listening on a free
 * 127.0.0.1 port chosen by the OS, and returns its driver.
 */
export async function proxyTo(
  upstreamUrl: string,
  options: { name?: string; api?: ToxiproxyApi; resetAfterBytes?: number } = {},
): Promise<ToxiProxy> {
  const resetAfterBytes = options.resetAfterBytes ?? RESET_AFTER_BYTES;
  const api = options.api ?? new ToxiproxyApi();
  const up = new URL(upstreamUrl);
  if (!up.port) throw new Error(`proxyTo(${upstreamUrl}): the upstream URL needs an explicit port`);
  const upstream = `${up.hostname}:${up.port}`;
  const name = options.name ?? `sl-${up.port}-${randomUUID().slice(0, 8)}`;
  const created = await api.call<{ listen: string }>("POST", "/proxies", {
    name,
    listen: `${api.info.host}:0`,
    upstream,
    enabled: true,
  });
  const base = `/proxies/${encodeURIComponent(name)}`;
  const url = `${up.protocol}//${created.listen}`;

  const setEnabled = async (enabled: boolean) => {
    await api.call("PATCH", base, { enabled });
  };
  const toxics = async () =>
    (await api.call<{ name: string }[]>("GET", `${base}/toxics`)).map((t) => t.name);
  const toxic = async (spec: ToxicSpec) => {
    const body = { stream: "downstream", toxicity: 1, ...spec };
    try {
      await api.call("POST", `${base}/toxics`, body);
    } catch (e) {
      if (!(e instanceof ToxiproxyApiError && e.status === 409)) throw e;
      await api.call("PATCH", `${base}/toxics/${encodeURIComponent(spec.name)}`, {
        toxicity: body.toxicity,
        attributes: spec.attributes,
      });
    }
  };
  const removeAll = async () => {
    for (const t of await toxics()) {
      await api.call("DELETE", `${base}/toxics/${encodeURIComponent(t)}`).catch((e: unknown) => {
        if (!(e instanceof ToxiproxyApiError && e.status === 404)) throw e;
      });
    }
  };

  return {
    name,
    url,
    upstream,
    toxic,
    toxics,
    latency: (ms) => toxic({ name: "sl_latency", type: "latency", attributes: { latency: ms } }),
    async resetPeer() {
      // `reset_peer` alone resets on the first byte of the answer and drops that byte, so
      // nothing of the answer ever arrives. To reset after some bytes: `limit_data` ends the
      // answer after `resetAfterBytes`, and a `reset_peer` on the same stream with toxicity 0
      // (it never acts itself) makes Toxiproxy close that connection with SO_LINGER 0, i.e.
      // with a TCP RST instead of a FIN. Toxiproxy sets SO_LINGER when a connection opens, so
      // open (pooled) connections are dropped afterwards: every connection is then reset.
      await toxic({
        name: "sl_reset_linger",
        type: "reset_peer",
        toxicity: 0,
        attributes: { timeout: 0 },
      });
      await toxic({
        name: "sl_reset_limit",
        type: "limit_data",
        attributes: { bytes: resetAfterBytes },
      });
      await setEnabled(false);
      await setEnabled(true);
    },
    // timeout 0: the data is dropped and the connection is never closed. On the upstream
    // stream, so the request never reaches the backend: a backend that closes its connection
    // after answering (moto does) would otherwise end the black hole with a FIN.
    blackHole: () =>
      toxic({
        name: "sl_black_hole",
        type: "timeout",
        stream: "upstream",
        attributes: { timeout: 0 },
      }),
    bandwidth: (kbPerSecond) =>
      toxic({ name: "sl_bandwidth", type: "bandwidth", attributes: { rate: kbPerSecond } }),
    down: () => setEnabled(false),
    up: () => setEnabled(true),
    async heal() {
      await removeAll();
      await setEnabled(true);
    },
    async close() {
      await api.call("DELETE", base).catch((e: unknown) => {
        if (!(e instanceof ToxiproxyApiError && e.status === 404)) throw e;
      });
    },
  };
}
