/**
 * A request-checking stand-in for the two Google token endpoints that have no emulator:
 *
 * - IAM Credentials `generateAccessToken`
 *   (https://cloud.google.com/iam/docs/reference/credentials/rest/v1/projects.serviceAccounts/generateAccessToken):
 *   `POST /v1/projects/-/serviceAccounts/{email}:generateAccessToken`, Bearer source token,
 *   JSON `{ delegates, scope, lifetime }` -> `{ accessToken, expireTime }` (RFC 3339).
 *   Errors use the Google API shape `{ error: { code, message, status } }`.
 * - IAM Credentials `generateIdToken`
 *   (https://cloud.google.com/iam/docs/reference/credentials/rest/v1/projects.serviceAccounts/generateIdToken):
 *   `POST /v1/projects/-/serviceAccounts/{email}:generateIdToken`, Bearer source token,
 *   JSON `{ audience, includeEmail, delegates }` -> `{ token }` (a JWT whose `aud` is the
 *   audience, with `email` when includeEmail). google-auth-library also sends `useEmailAzp`.
 * - the metadata server (https://cloud.google.com/compute/docs/metadata/querying-metadata), when
 *   `metadata` is given: `GET /computeMetadata/v1/...` with `Metadata-Flavor: Google` (403
 *   without it), answering `instance/service-accounts/default/token` with `{ access_token,
 *   expires_in, token_type }`, its `email`, and `project/project-id`. Point
 *   google-auth-library at it with `GCE_METADATA_HOST=127.0.0.1:<port>`.
 * - STS token exchange (https://cloud.google.com/iam/docs/reference/sts/rest/v1/TopLevel/token):
 *   `POST /v1/token`, form-encoded (RFC 8693) -> `{ access_token, issued_token_type,
 *   token_type, expires_in }`. Errors use the OAuth shape `{ error, error_description }`.
 *
 * Every request is checked as the real API would; tests read the counters.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

const TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
const ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
const SUBJECT_TOKEN_TYPES = new Set([
  "urn:ietf:params:oauth:token-type:jwt",
  "urn:ietf:params:oauth:token-type:id_token",
  "urn:ietf:params:oauth:token-type:saml2",
  "urn:ietf:params:aws:token-type:aws4_request",
]);
const MAX_LIFETIME_S = 3600; // without the org policy that allows up to 12 h
const GENERATE = /^\/v1\/projects\/-\/serviceAccounts\/([^/:]+):generateAccessToken$/;
const GENERATE_ID = /^\/v1\/projects\/-\/serviceAccounts\/([^/:]+):generateIdToken$/;
const ID_TOKEN_FIELDS = new Set(["audience", "includeEmail", "delegates", "useEmailAzp"]);

/** What the stand-in accepts; everything else is refused as the real API would. */
export interface GcpTokenServerOptions {
  /** Bearer tokens accepted as source credentials for `generateAccessToken`. */
  sourceTokens?: string[];
  /** Service accounts the source may impersonate (others: 403 PERMISSION_DENIED). */
  serviceAccounts?: string[];
  /** The workload identity pool provider audience STS accepts. */
  audience?: string;
  /** Subject tokens STS accepts (others: 400 invalid_grant). */
  subjectTokens?: string[];
  /** Serve the metadata server as this VM's or Cloud Run service's default service account. */
  metadata?: { projectId: string; email: string; lifetimeSeconds?: number };
}

/** A running token stand-in; STS-issued tokens are also accepted as impersonation sources. */
export interface GcpTokenServer {
  /** `http://127.0.0.1:<port>`: `endpoint` for `Impersonated`, base of `token_url`. */
  readonly url: string;
  /** `${url}/v1/token`, the STS `token_url`. */
  readonly tokenUrl: string;
  readonly counts: {
    generateAccessToken: number;
    generateIdToken: number;
    metadataToken: number;
    sts: number;
    rejected: number;
  };
  /** The last accepted generateAccessToken request (body and target), for assertions. */
  readonly lastGenerate?: {
    email: string;
    scope: string[];
    delegates: string[];
    lifetime?: string;
  };
  /** The last accepted generateIdToken request, for assertions. */
  readonly lastGenerateId?: {
    email: string;
    audience: string;
    includeEmail: boolean;
    delegates: string[];
  };
  /** Access tokens issued (by either endpoint), to check what a later request carried. */
  readonly issued: Set<string>;
  close(): Promise<void>;
}

/**
 * Starts the stand-in on a free port of 127.0.0.1.
 *
 * @example
 * ```ts
 * const tokens = await startGcpTokenServer({ sourceTokens: [src], serviceAccounts: [sa] });
 * const client = new Impersonated({ sourceClient, targetPrincipal: sa, targetScopes: [scope],
 *   lifetime: 600, delegates: [], endpoint: tokens.url });
 * await tokens.close();
 * ```
 */
export async function startGcpTokenServer(
  opts: GcpTokenServerOptions = {},
): Promise<GcpTokenServer> {
  const sources = new Set(opts.sourceTokens ?? []);
  const accounts = new Set(opts.serviceAccounts ?? []);
  const subjects = new Set(opts.subjectTokens ?? []);
  const issued = new Set<string>();
  const state: {
    counts: GcpTokenServer["counts"];
    lastGenerate?: GcpTokenServer["lastGenerate"];
    lastGenerateId?: GcpTokenServer["lastGenerateId"];
  } = {
    counts: {
      generateAccessToken: 0,
      generateIdToken: 0,
      metadataToken: 0,
      sts: 0,
      rejected: 0,
    },
  };

  function googleError(res: ServerResponse, code: number, status: string, message: string) {
    state.counts.rejected++;
    send(res, code, { error: { code, message, status } });
  }
  function oauthError(res: ServerResponse, code: number, error: string, description: string) {
    state.counts.rejected++;
    send(res, code, { error, error_description: description });
  }

  async function generate(req: IncomingMessage, res: ServerResponse, email: string) {
    const auth = req.headers.authorization ?? "";
    if (!auth.startsWith("Bearer ")) {
      return googleError(
        res,
        401,
        "UNAUTHENTICATED",
        "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
      );
    }
    const token = auth.slice(7);
    if (!sources.has(token) && !issued.has(token)) {
      return googleError(
        res,
        401,
        "UNAUTHENTICATED",
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
      );
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse((await readBody(req)).toString("utf8") || "{}");
    } catch {
      return googleError(res, 400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
    }
    const scope = body.scope;
    if (
      !Array.isArray(scope) ||
      scope.length === 0 ||
      !scope.every((s) => typeof s === "string" && s)
    ) {
      return googleError(res, 400, "INVALID_ARGUMENT", "Scope required.");
    }
    const delegates = body.delegates ?? [];
    if (
      !Array.isArray(delegates) ||
      !delegates.every(
        (d) => typeof d === "string" && /^projects\/-\/serviceAccounts\/[^/]+$/.test(d),
      )
    ) {
      return googleError(
        res,
        400,
        "INVALID_ARGUMENT",
        "Invalid form of delegates: expected projects/-/serviceAccounts/{ACCOUNT_EMAIL_OR_UNIQUEID}.",
      );
    }
    let lifetimeS = MAX_LIFETIME_S;
    if (body.lifetime !== undefined) {
      const m =
        typeof body.lifetime === "string" ? /^(\d+)(\.\d{1,9})?s$/.exec(body.lifetime) : null;
      if (!m)
        return googleError(
          res,
          400,
          "INVALID_ARGUMENT",
          `Invalid value at 'lifetime' (type.googleapis.com/google.protobuf.Duration), ${JSON.stringify(body.lifetime)}`,
        );
      lifetimeS = Number(m[1]);
      if (lifetimeS < 1 || lifetimeS > MAX_LIFETIME_S) {
        return googleError(
          res,
          400,
          "INVALID_ARGUMENT",
          `The lifetime must be between 1s and ${MAX_LIFETIME_S}s.`,
        );
      }
    }
    if (
      !accounts.has(email) ||
      !delegates.every((d) => accounts.has(String(d).split("/").pop() ?? ""))
    ) {
      return googleError(
        res,
        403,
        "PERMISSION_DENIED",
        "Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist).",
      );
    }
    state.counts.generateAccessToken++;
    state.lastGenerate = {
      email,
      scope: scope as string[],
      delegates: delegates as string[],
      lifetime: body.lifetime as string | undefined,
    };
    const accessToken = `ya29.stand-in-${randomUUID()}`;
    issued.add(accessToken);
    const expireTime = new Date(Math.floor(Date.now() / 1000) * 1000 + lifetimeS * 1000)
      .toISOString()
      .replace(".000Z", "Z");
    send(res, 200, { accessToken, expireTime });
  }

  /** The source token check both IAM Credentials methods make; false once it answered. */
  function bearerOk(req: IncomingMessage, res: ServerResponse): boolean {
    const auth = req.headers.authorization ?? "";
    const token = auth.startsWith("Bearer ") ? auth.slice(7) : undefined;
    if (token && (sources.has(token) || issued.has(token))) return true;
    googleError(
      res,
      401,
      "UNAUTHENTICATED",
      token
        ? "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential."
        : "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
    );
    return false;
  }

  async function generateId(req: IncomingMessage, res: ServerResponse, email: string) {
    if (!bearerOk(req, res)) return;
    let body: Record<string, unknown>;
    try {
      body = JSON.parse((await readBody(req)).toString("utf8") || "{}");
    } catch {
      return googleError(res, 400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
    }
    const unknown = Object.keys(body).find((k) => !ID_TOKEN_FIELDS.has(k));
    if (unknown) {
      return googleError(
        res,
        400,
        "INVALID_ARGUMENT",
        `Invalid JSON payload received. Unknown name "${unknown}": Cannot find field.`,
      );
    }
    if (typeof body.audience !== "string" || !body.audience) {
      return googleError(res, 400, "INVALID_ARGUMENT", "Audience required.");
    }
    if (body.includeEmail !== undefined && typeof body.includeEmail !== "boolean") {
      return googleError(
        res,
        400,
        "INVALID_ARGUMENT",
        "Invalid value at 'include_email' (TYPE_BOOL).",
      );
    }
    const delegates = body.delegates ?? [];
    if (
      !Array.isArray(delegates) ||
      !delegates.every(
        (d) => typeof d === "string" && /^projects\/-\/serviceAccounts\/[^/]+$/.test(d),
      )
    ) {
      return googleError(
        res,
        400,
        "INVALID_ARGUMENT",
        "Invalid form of delegates: expected projects/-/serviceAccounts/{ACCOUNT_EMAIL_OR_UNIQUEID}.",
      );
    }
    if (
      !accounts.has(email) ||
      !delegates.every((d) => accounts.has(String(d).split("/").pop() ?? ""))
    ) {
      return googleError(
        res,
        403,
        "PERMISSION_DENIED",
        "Permission 'iam.serviceAccounts.getOpenIdToken' denied on resource (or it may not exist).",
      );
    }
    state.counts.generateIdToken++;
    const includeEmail = body.includeEmail === true;
    state.lastGenerateId = {
      email,
      audience: body.audience,
      includeEmail,
      delegates: delegates as string[],
    };
    const now = Math.floor(Date.now() / 1000);
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
    const claims = {
      aud: body.audience,
      azp: email,
      exp: now + 3600,
      iat: now,
      iss: "https://accounts.google.com",
      sub: String(Math.abs(hash(email))),
      ...(includeEmail ? { email, email_verified: true } : {}),
    };
    // Not signed by Google: the shape is what callers read (aud, exp, email).
    const token = `${b64({ alg: "RS256", typ: "JWT" })}.${b64(claims)}.${Buffer.from(randomUUID()).toString("base64url")}`;
    send(res, 200, { token });
  }

  /** The metadata server's few paths the library reads; plain text except the token. */
  function metadataServer(req: IncomingMessage, res: ServerResponse, path: string) {
    const md = opts.metadata;
    const text = (status: number, body: string) => {
      res.writeHead(status, { "content-type": "text/plain", "metadata-flavor": "Google" });
      res.end(body);
    };
    if (!md) return text(404, "Not Found");
    if (req.headers["metadata-flavor"] !== "Google") {
      state.counts.rejected++;
      return text(403, "Missing required header: Metadata-Flavor");
    }
    const rest = path.slice("/computeMetadata/v1/".length);
    if (rest === "instance" || rest === "instance/") return text(200, "attributes/\nhostname\n");
    if (rest === "project/project-id") return text(200, md.projectId);
    if (rest === "universe/universe-domain") return text(200, "googleapis.com");
    if (rest === "instance/service-accounts/default/email") return text(200, md.email);
    if (rest === "instance/service-accounts/default/token") {
      state.counts.metadataToken++;
      const access_token = `ya29.metadata-stand-in-${randomUUID()}`;
      issued.add(access_token);
      res.writeHead(200, { "content-type": "application/json", "metadata-flavor": "Google" });
      res.end(
        JSON.stringify({
          access_token,
          expires_in: md.lifetimeSeconds ?? 3599,
          token_type: "Bearer",
        }),
      );
      return;
    }
    return text(404, "Not Found");
  }

  async function sts(req: IncomingMessage, res: ServerResponse) {
    if (!(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) {
      return oauthError(
        res,
        400,
        "invalid_request",
        "Invalid Content-Type; expected application/x-www-form-urlencoded.",
      );
    }
    const form = new URLSearchParams((await readBody(req)).toString("utf8"));
    const need = [
      "grant_type",
      "subject_token",
      "subject_token_type",
      "requested_token_type",
      "audience",
    ];
    for (const k of need) {
      if (!form.get(k))
        return oauthError(res, 400, "invalid_request", `Missing required parameter: ${k}.`);
    }
    if (form.get("grant_type") !== TOKEN_EXCHANGE) {
      return oauthError(
        res,
        400,
        "unsupported_grant_type",
        `Unsupported grant_type: ${form.get("grant_type")}.`,
      );
    }
    if (form.get("requested_token_type") !== ACCESS_TOKEN_TYPE) {
      return oauthError(res, 400, "invalid_request", "Invalid requested_token_type.");
    }
    if (!SUBJECT_TOKEN_TYPES.has(form.get("subject_token_type") ?? "")) {
      return oauthError(res, 400, "invalid_request", "Invalid subject_token_type.");
    }
    if (opts.audience !== undefined && form.get("audience") !== opts.audience) {
      return oauthError(
        res,
        400,
        "invalid_target",
        'The target service indicated by the "audience" parameters is invalid.',
      );
    }
    if (!subjects.has(form.get("subject_token") ?? "")) {
      return oauthError(res, 400, "invalid_grant", "The subject token is invalid or has expired.");
    }
    state.counts.sts++;
    const access_token = `ya29.sts-stand-in-${randomUUID()}`;
    issued.add(access_token);
    send(res, 200, {
      access_token,
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: "Bearer",
      expires_in: 3600,
    });
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const g = GENERATE.exec(path);
    const gi = GENERATE_ID.exec(path);
    if (req.method === "GET" && path.startsWith("/computeMetadata/v1/")) {
      return metadataServer(req, res, path);
    }
    const run =
      req.method === "POST" && g
        ? generate(req, res, decodeURIComponent(g[1] as string))
        : req.method === "POST" && gi
          ? generateId(req, res, decodeURIComponent(gi[1] as string))
          : req.method === "POST" && path === "/v1/token"
            ? sts(req, res)
            : Promise.resolve(
                googleError(res, 404, "NOT_FOUND", `No route for ${req.method} ${path}`),
              );
    run.catch(() => googleError(res, 500, "INTERNAL", "token stand-in failed"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    tokenUrl: `${url}/v1/token`,
    get counts() {
      return state.counts;
    },
    get lastGenerate() {
      return state.lastGenerate;
    },
    get lastGenerateId() {
      return state.lastGenerateId;
    },
    issued,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json; charset=UTF-8" });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function hash(s: string): number {
  let h = 0;
  for (const c of s) h = (h * 31 + (c.codePointAt(0) ?? 0)) | 0;
  return h;
}
