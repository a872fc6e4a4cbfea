/**
 * A small stand-in for the Kubernetes TokenReview API, enough for OpenBao's
 * Kubernetes auth method: `POST /apis/authentication.k8s.io/v1/tokenreviews`
 * answers like the API server does. It checks the caller's bearer token (the
 * reviewer), and the reviewed token against the service-account tokens it
 * issued itself: an unknown, revoked or expired token is "not authenticated".
 *
 *   const api = await startTokenReview();
 *   const jwt = api.issue({ namespace: "apps", name: "api" });   // a pod's SA token
 *   // auth/kubernetes/config { kubernetes_host: api.url, token_reviewer_jwt: api.reviewerToken }
 *   api.revoke(jwt); ... await api.close();
 *
 * Tokens are ES256 JWTs with the claims a projected service-account token
 * carries (`iss`, `sub`, `aud`, `exp`, `kubernetes.io.{namespace, serviceaccount}`),
 * signed with a key made per instance, so OpenBao can parse them like real ones.
 */

import { spawnSync } from "node:child_process";
import { generateKeyPairSync, randomUUID, sign } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A service account a token is issued for. */
export interface ServiceAccount {
  namespace: string;
  name: string;
}

/** The running stand-in. */
export interface TokenReviewStandIn {
  /** `http://127.0.0.1:PORT`: OpenBao's `kubernetes_host`. */
  readonly url: string;
  /** The bearer token OpenBao must present (its `token_reviewer_jwt`). */
  readonly reviewerToken: string;
  /** The issuer in the tokens' `iss` claim. */
  readonly issuer: string;
  /**
   * A self-signed CA certificate (PEM) for OpenBao's `kubernetes_ca_cert`, which its config
   * requires outside a pod; the stand-in speaks plain HTTP, so it is never used to verify.
   */
  readonly caCertPem: string;
  /** Issues a service-account token, valid for `ttlSeconds` (default 600). */
  issue(sa: ServiceAccount, ttlSeconds?: number): string;
  /** Makes a token fail review from now on (a deleted pod or service account). */
  revoke(token: string): void;
  /** How many reviews were answered, and how many authenticated. */
  readonly reviews: { total: number; authenticated: number };
  close(): Promise<void>;
}

interface Issued {
  sa: ServiceAccount;
  uid: string;
  exp: number;
}

/** A throwaway self-signed certificate, made with the openssl CLI. */
function selfSignedCa(): string {
  const dir = mkdtempSync(join(tmpdir(), "token-review-ca-"));
  try {
    const r = spawnSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "ca.pem"),
        "-days",
        "1",
        "-subj",
        "/CN=token-review-stand-in",
      ],
      { encoding: "utf8" },
    );
    if (r.status !== 0)
      throw new Error(`openssl could not make a CA certificate: ${r.stderr || r.error}`);
    return readFileSync(join(dir, "ca.pem"), "utf8");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts the stand-in on a free 127.0.0.1 port. */
export async function startTokenReview(): Promise<TokenReviewStandIn> {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const issuer = "https://kubernetes.default.svc.cluster.local";
  const reviewerToken = `reviewer-${randomUUID()}`;
  const issued = new Map<string, Issued>();
  const uids = new Map<string, string>();
  const reviews = { total: 0, authenticated: 0 };

  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const issue = (sa: ServiceAccount, ttlSeconds = 600): string => {
    const key = `${sa.namespace}/${sa.name}`;
    const uid = uids.get(key) ?? randomUUID();
    uids.set(key, uid);
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: issuer,
      sub: `system:serviceaccount:${sa.namespace}:${sa.name}`,
      aud: [issuer],
      iat: now,
      nbf: now,
      exp: now + ttlSeconds,
      jti: randomUUID(),
      "kubernetes.io": {
        namespace: sa.namespace,
        serviceaccount: { name: sa.name, uid },
      },
    };
    const input = `${b64({ alg: "ES256", typ: "JWT", kid: "stand-in" })}.${b64(claims)}`;
    const sig = sign("sha256", Buffer.from(input), { key: privateKey, dsaEncoding: "ieee-p1363" });
    const token = `${input}.${sig.toString("base64url")}`;
    issued.set(token, { sa, uid, exp: claims.exp });
    return token;
  };

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "Content-Type": "application/json" });
    res.end(JSON.stringify(body));
  };

  const review = async (req: IncomingMessage, res: ServerResponse) => {
    if (
      req.method !== "POST" ||
      req.url?.split("?")[0] !== "/apis/authentication.k8s.io/v1/tokenreviews"
    ) {
      return send(res, 404, { kind: "Status", status: "Failure", reason: "NotFound", code: 404 });
    }
    if (req.headers.authorization !== `Bearer ${reviewerToken}`) {
      return send(res, 401, {
        kind: "Status",
        status: "Failure",
        reason: "Unauthorized",
        code: 401,
      });
    }
    let body = "";
    for await (const chunk of req) body += chunk;
    let token = "";
    let audiences: string[] | undefined;
    try {
      const parsed = JSON.parse(body) as { spec?: { token?: string; audiences?: string[] } };
      token = parsed.spec?.token ?? "";
      audiences = parsed.spec?.audiences;
    } catch {
      return send(res, 400, { kind: "Status", status: "Failure", reason: "BadRequest", code: 400 });
    }
    reviews.total++;
    const held = issued.get(token);
    const ok = held !== undefined && held.exp > Date.now() / 1000;
    const status = ok
      ? {
          authenticated: true,
          user: {
            username: `system:serviceaccount:${held.sa.namespace}:${held.sa.name}`,
            uid: held.uid,
            groups: [
              "system:serviceaccounts",
              `system:serviceaccounts:${held.sa.namespace}`,
              "system:authenticated",
            ],
          },
          audiences: audiences?.length ? audiences : [issuer],
        }
      : { authenticated: false, error: "[invalid bearer token, token lookup failed]" };
    if (ok) reviews.authenticated++;
    send(res, 201, {
      apiVersion: "authentication.k8s.io/v1",
      kind: "TokenReview",
      metadata: { creationTimestamp: null },
      spec: { token: "", ...(audiences ? { audiences } : {}) },
      status,
    });
  };

  const server = createServer((req, res) => {
    review(req, res).catch(() => send(res, 500, { kind: "Status", status: "Failure", code: 500 }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    reviewerToken,
    issuer,
    caCertPem: selfSignedCa(),
    issue,
    revoke: (token) => {
      issued.delete(token);
    },
    reviews,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
