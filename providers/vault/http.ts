/**
 * Every request to Vault goes through `node-vault` (imported on first use),
 * with a request function of ours in place of its HTTP client: node-vault's
 * own axios wrapper drops an abort signal, so a deadline or `close()` could
 * not end a request. Ours is `fetch` with the call's signal, and it retries
 * 429 and 503 (sealed, rate-limited, standby) with backoff inside the deadline.
 */

import { importPeer, pause } from "../../src/provider/index.js";

type NodeVault = typeof import("node-vault");
type VaultClient = ReturnType<NodeVault>;

let nodeVault: Promise<NodeVault> | undefined;

/** `node-vault`, imported on first use (a failed import is retried next time). */
export function loadNodeVault(): Promise<NodeVault> {
  if (!nodeVault) {
    nodeVault = importPeer<{ default: NodeVault }>("vault", "node-vault", ["default"]).then(
      (m) => ((m as { default?: NodeVault }).default ?? m) as NodeVault,
    );
    nodeVault.catch(() => {
      nodeVault = undefined;
    });
  }
  return nodeVault;
}

/** One request: where, how, with which token and namespace, under which signal. */
export interface VaultRequest {
  method: "GET" | "POST" | "PUT" | "DELETE" | "LIST";
  /** The API path without `/v1/`, such as `secret/data/app`. */
  path: string;
  body?: Record<string, unknown>;
  token?: string;
  namespace?: string;
  /** `X-Vault-Wrap-TTL`: ask for a response-wrapped answer. */
  wrapTTL?: string;
  signal: AbortSignal;
  /**
   * The answer may carry a lease (a dynamic secret): once sent, the request is
   * read under this signal (the call's `answerSignal`) instead of `signal`, so
   * a caller that gives up does not strand a lease the server already issued.
   */
  answerSignal?: AbortSignal;
  /** True when this request may issue a lease (then `answerSignal` applies). */
  issuesLease?: boolean;
}

/** What node-vault rejects with for a non-2xx answer. */
export interface VaultResponseError extends Error {
  response: { statusCode: number; body?: { errors?: string[]; data?: unknown } };
}

/** True for node-vault's error of an HTTP answer. */
export function isResponseError(err: unknown): err is VaultResponseError {
  return (
    err instanceof Error &&
    typeof (err as Partial<VaultResponseError>).response?.statusCode === "number"
  );
}

interface ShimOptions {
  method: string;
  uri: string;
  headers?: Record<string, string>;
  json?: unknown;
  signal?: AbortSignal;
}

/** node-vault's `request-promise` slot: `defaults()` returns the function that makes requests. */
function fetchShim(attempts: number) {
  const once = async (o: ShimOptions) => {
    const headers: Record<string, string> = { ...o.headers };
    let body: string | undefined;
    if (o.json !== undefined && typeof o.json === "object") {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(o.json);
    }
    const res = await fetch(o.uri, {
      method: o.method,
      headers,
      ...(body !== undefined ? { body } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined; // A proxy's HTML error page: the status says enough.
    }
    return { statusCode: res.status, body: parsed, request: { path: new URL(o.uri).pathname } };
  };
  const request = async (o: ShimOptions) => {
    for (let attempt = 1; ; attempt++) {
      const res = await once(o);
      if ((res.statusCode !== 429 && res.statusCode !== 503) || attempt >= attempts) return res;
      await pause(100 * 3 ** (attempt - 1) * (0.5 + Math.random() / 2), o.signal);
    }
  };
  return { defaults: () => request };
}

/** A node-vault client bound to one server, with per-request token, namespace and signal. */
export class VaultHttp {
  readonly address: string;
  readonly #attempts: number;
  #client: Promise<VaultClient> | undefined;

  constructor(address: string, attempts: number) {
    this.address = address;
    this.#attempts = attempts;
  }

  #vault(): Promise<VaultClient> {
    if (!this.#client) {
      this.#client = loadNodeVault().then((make) => {
        const client = make({
          endpoint: this.address,
          apiVersion: "v1",
          "request-promise": fetchShim(this.#attempts),
          // node-vault's debug log prints request bodies (a secret id, a JWT)
          // when DEBUG=node-vault is set: never for this client.
          debug: () => {},
        } as Parameters<NodeVault>[0]);
        // Token and namespace go on each request: never node-vault's ambient VAULT_TOKEN/VAULT_NAMESPACE.
        client.token = "";
        (client as { namespace?: string }).namespace = undefined;
        return client;
      });
      this.#client.catch(() => {
        this.#client = undefined;
      });
    }
    return this.#client;
  }

  /** Makes one request; resolves to the parsed body (undefined for 204). */
  async request<T = Record<string, unknown>>(r: VaultRequest): Promise<T> {
    const client = await this.#vault();
    r.signal.throwIfAborted();
    const headers: Record<string, string> = {};
    if (r.token) headers["X-Vault-Token"] = r.token;
    if (r.namespace) headers["X-Vault-Namespace"] = r.namespace;
    if (r.wrapTTL) headers["X-Vault-Wrap-TTL"] = r.wrapTTL;
    return (await client.request({
      path: `/${r.path}`,
      method: r.method,
      headers,
      ...(r.body ? { json: r.body } : {}),
      signal: (r.issuesLease && r.answerSignal) || r.signal,
    })) as T;
  }
}
