/**
 * A recording, fault-injecting HTTP proxy on 127.0.0.1 in front of the AWS
 * stand-in. It sees every real request the SDK sends, so tests count provider
 * calls and check which key signed them instead of guessing; a `fault` hook
 * answers chosen calls with an AWS-shaped error (throttling, access denied,
 * KMS failure) that the SDK parses exactly like a real one.
 */

import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request seen by the proxy. */
export interface RecordedCall {
  /** Signing service from the credential scope: secretsmanager, ssm, sts, iam, sqs ... */
  service: string;
  /** API operation: from X-Amz-Target (JSON protocols) or Action= (query protocols). */
  operation: string;
  /** Access key id that signed the request ("" when unsigned). */
  accessKeyId: string;
  /** Region from the credential scope ("" when unsigned). */
  region: string;
  /** Raw request body. */
  body: string;
  /** Query-protocol form fields, or the parsed JSON body. */
  params: Record<string, unknown>;
}

/** An error response to send instead of forwarding. */
export interface Fault {
  status: number;
  /** AWS error code, such as ThrottlingException. */
  code: string;
  message?: string;
}

export interface RecordingProxy {
  /** `http://127.0.0.1:PORT`: use as the SDK endpoint. */
  url: string;
  calls: RecordedCall[];
  /** Calls of one operation (optionally of one service). */
  count(operation: string, service?: string): number;
  reset(): void;
  /** Decide per call whether to answer with a fault; `undefined` forwards it. */
  fault: ((call: RecordedCall) => Fault | undefined) | undefined;
  /** Rewrites a forwarded response body (for example to drop entries, as moto does). */
  rewrite: ((call: RecordedCall, body: string) => string) | undefined;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function describe(req: IncomingMessage, body: string): RecordedCall {
  const auth = String(req.headers.authorization ?? "");
  const scope = /Credential=([^/]+)\/[^/]+\/([^/]+)\/([^/]+)\//.exec(auth);
  const target = String(req.headers["x-amz-target"] ?? "");
  let params: Record<string, unknown> = {};
  let operation = target.includes(".") ? target.slice(target.lastIndexOf(".") + 1) : "";
  if (String(req.headers["content-type"] ?? "").includes("x-www-form-urlencoded")) {
    params = Object.fromEntries(new URLSearchParams(body));
    operation ||= String(params.Action ?? "");
  } else if (body.startsWith("{")) {
    try {
      params = JSON.parse(body) as Record<string, unknown>;
    } catch {
      params = {};
    }
  }
  return {
    service: scope?.[3] ?? "",
    operation,
    accessKeyId: scope?.[1] ?? "",
    region: scope?.[2] ?? "",
    body,
    params,
  };
}

function faultBody(req: IncomingMessage, f: Fault): { type: string; text: string } {
  const json = !String(req.headers["content-type"] ?? "").includes("x-www-form-urlencoded");
  const message = f.message ?? `${f.code} injected by the test proxy`;
  if (json) {
    return {
      type: "application/x-amz-json-1.1",
      text: JSON.stringify({ __type: f.code, message }),
    };
  }
  return {
    type: "text/xml",
    text: `<ErrorResponse><Error><Type>Sender</Type><Code>${f.code}</Code><Message>${message}</Message></Error><RequestId>test</RequestId></ErrorResponse>`,
  };
}

/** Starts the proxy on a free port of 127.0.0.1, forwarding to `target`. */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const calls: RecordedCall[] = [];
  const proxy: RecordingProxy = {
    url: "",
    calls,
    count: (operation, service) =>
      calls.filter(
        (c) => c.operation === operation && (service === undefined || c.service === service),
      ).length,
    reset: () => {
      calls.length = 0;
    },
    fault: undefined,
    rewrite: undefined,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const call = describe(req, body.toString("utf8"));
    calls.push(call);
    const f = proxy.fault?.(call);
    if (f) {
      const { type, text } = faultBody(req, f);
      res.writeHead(f.status, {
        "content-type": type,
        "x-amzn-errortype": f.code,
        "content-length": Buffer.byteLength(text),
      });
      res.end(text);
      return;
    }
    // The Host header is kept: it is signed, and moto builds URLs (SQS queue URLs) from it.
    const headers = req.headers;
    const out = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
      (up) => {
        const rewrite = proxy.rewrite;
        if (!rewrite) {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
          return;
        }
        readBody(up).then(
          (buf) => {
            const text = rewrite(call, buf.toString("utf8"));
            const h: Record<string, string | string[] | undefined> = {
              ...up.headers,
              "content-length": String(Buffer.byteLength(text)),
            };
            delete h["transfer-encoding"];
            delete h["content-encoding"];
            delete h["x-amz-crc32"];
            res.writeHead(up.statusCode ?? 502, h);
            res.end(text);
          },
          () => res.destroy(),
        );
      },
    );
    out.on("error", (err) => {
      res.writeHead(502);
      res.end(String(err));
    });
    out.end(body);
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}
