/**
 * `handleLeakAlert`: checks its options at once (a mistake throws at start-up, not at the first
 * alert), and loads the handler itself on the first alert: signature checks, the key fetch and
 * the alert parser are of no use to a service until GitHub or GitLab calls, so importing
 * `secrets-loader/keys` costs nothing more for them.
 */
import { ConfigError } from "../../errors.js";
import { isValidPrefix, parseKey } from "../format.js";
import { createKeyLimiter } from "../limits/limiter.js";
import type { CheckedOptions, CheckedSource } from "./checked.js";
import type { Engine } from "./handler.js";
import type {
  LeakAlertHandler,
  LeakAlertOptions,
  LeakAlertRequest,
  LeakAlertResponse,
  PublicKeySource,
} from "./types.js";

/** Where GitHub publishes the keys that sign its secret scanning alerts. */
export const GITHUB_PUBLIC_KEYS_URL = "https://api.github.com/meta/public_keys/secret_scanning";
const DEFAULT_MAX_BODY = 1024 * 1024;
const MAX_MAX_BODY = 16 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 5_000;
const LOOPBACK = new Set(["127.0.0.1", "[::1]", "localhost"]);

/** The default `onError`: one line on stderr. */
export function reportError(error: Error): void {
  console.error(`secrets-loader/keys: ${error.message}`);
}

const fail = (message: string): never => {
  throw new ConfigError({ message: `handleLeakAlert: ${message}` });
};

function checkSource(
  source: unknown,
  name: "github" | "gitlab",
  defaultUrl?: string,
): CheckedSource {
  if (typeof source !== "object" || source === null || Array.isArray(source)) {
    return fail(
      `${name} must be an object ({ url } or { keys })${name === "github" ? " or false" : ""}.`,
    );
  }
  const s = source as PublicKeySource;
  const checked: CheckedSource = { headers: {}, timeoutMs: DEFAULT_TIMEOUT_MS };
  if (s.keys !== undefined) {
    if (s.url !== undefined || s.fetch !== undefined) {
      fail(`${name}: pass either keys (a fixed list) or url (fetched), not both.`);
    }
    if (!Array.isArray(s.keys) || s.keys.length === 0) {
      fail(`${name}.keys must be a non-empty array of { key_identifier, key }.`);
    }
    checked.keys = s.keys.map((k, i) => {
      if (
        typeof k !== "object" ||
        k === null ||
        typeof k.key_identifier !== "string" ||
        k.key_identifier === ""
      ) {
        return fail(`${name}.keys[${i}].key_identifier must be a non-empty string.`);
      }
      if (typeof k.key !== "string" || !k.key.includes("-----BEGIN PUBLIC KEY-----")) {
        return fail(
          `${name}.keys[${i}].key must be a PEM public key ("-----BEGIN PUBLIC KEY-----").`,
        );
      }
      return { key_identifier: k.key_identifier, key: k.key };
    });
  } else {
    const url = s.url ?? defaultUrl;
    if (typeof url !== "string") {
      return fail(
        `${name} needs the URL of its public keys (GitLab gives it to partners on request), or a fixed keys list.`,
      );
    }
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return fail(`${name}.url is not a URL.`);
    }
    if (
      !(
        parsed.protocol === "https:" ||
        (parsed.protocol === "http:" && LOOPBACK.has(parsed.hostname))
      )
    ) {
      fail(`${name}.url must be https:// (http:// only on a loopback address).`);
    }
    checked.url = parsed.href;
    if (s.fetch !== undefined) {
      if (typeof s.fetch !== "function") fail(`${name}.fetch must be a function.`);
      checked.fetch = s.fetch;
    }
  }
  if (s.headers !== undefined) {
    if (typeof s.headers !== "object" || s.headers === null)
      fail(`${name}.headers must be an object.`);
    for (const [k, v] of Object.entries(s.headers)) {
      if (typeof v !== "string") fail(`${name}.headers["${k}"] must be a string.`);
      checked.headers[k.toLowerCase()] = v;
    }
  }
  if (s.timeoutMs !== undefined) {
    if (typeof s.timeoutMs !== "number" || !(s.timeoutMs > 0 && s.timeoutMs <= 60_000)) {
      fail(`${name}.timeoutMs must be a number of milliseconds between 1 and 60000.`);
    }
    checked.timeoutMs = s.timeoutMs;
  }
  return checked;
}

function checkOptions(options: LeakAlertOptions): CheckedOptions {
  if (typeof options !== "object" || options === null) {
    return fail("pass options with keyring, lookup and revoke.");
  }
  if (typeof options.keyring?.verifyKey !== "function")
    fail("keyring must be a keyring (createKeyring).");
  if (typeof options.lookup !== "function") fail("lookup must be a function (hash) => record.");
  if (typeof options.revoke !== "function") {
    fail("revoke must be a function (record) => stores the record with its revokedAt.");
  }
  for (const [i, p] of (options.prefixes ?? []).entries()) {
    // Never quoted: a key pasted here by mistake must not end up in a log.
    if (!isValidPrefix(p)) fail(`prefixes[${i}] is not a key prefix (such as "acme_live_").`);
  }
  for (const name of ["onEvent", "onError", "now"] as const) {
    if (options[name] !== undefined && typeof options[name] !== "function") {
      fail(`${name} must be a function.`);
    }
  }
  const checked: CheckedOptions = {
    options,
    maxBodyBytes: DEFAULT_MAX_BODY,
    now: options.now ?? Date.now,
    report: options.onError ?? reportError,
  };
  if (options.github !== false)
    checked.github = checkSource(options.github ?? {}, "github", GITHUB_PUBLIC_KEYS_URL);
  if (options.gitlab !== undefined) checked.gitlab = checkSource(options.gitlab, "gitlab");
  const max = options.maxBodyBytes;
  if (max !== undefined) {
    if (typeof max !== "number" || !Number.isInteger(max) || max < 2 || max > MAX_MAX_BODY) {
      fail(`maxBodyBytes must be an integer between 2 and ${MAX_MAX_BODY}.`);
    }
    checked.maxBodyBytes = max;
  }
  const rate = options.rateLimit;
  if (rate !== undefined && rate !== false) {
    if (typeof rate !== "object" || rate === null)
      fail("rateLimit must be { points, per } or false.");
    if (typeof rate.points !== "number" || !Number.isInteger(rate.points) || rate.points < 1) {
      fail("rateLimit.points must be a positive integer.");
    }
    if (typeof rate.per !== "number" || !(rate.per > 0))
      fail("rateLimit.per must be a positive number of seconds.");
  }
  if (checked.github === undefined && checked.gitlab === undefined) {
    fail("no sender left: github is false and gitlab is not configured.");
  }
  return checked;
}

/**
 * Creates the handler of leak alerts from GitHub's secret scanning partner program and
 * GitLab's automatic response to leaked secrets. For each alert it:
 *
 * 1. rate-limits by client IP (429), bounds the body (413);
 * 2. verifies the ECDSA P-256 / SHA-256 signature over the raw body bytes against the sender's
 *    public key named by the identifier header (401 and nothing revoked when it fails; the keys
 *    are cached, revalidated with conditional requests, refetched once on an unknown identifier);
 * 3. parses the alert; for each token checks prefix and checksum (not one of yours:
 *    `false_positive`, no lookup), finds the record through the keyring and `lookup`, revokes it
 *    through `revoke` and emits `key-leaked`;
 * 4. answers 200 with the feedback array (SHA-256 of each token, never the token).
 *
 * Repeated alerts are answered alike and revoke once. The http, Express and Fastify adapters
 * (`leakAlertListener`, `leakAlertMiddleware`, `leakAlertPlugin`) read the raw body for it.
 *
 * @example
 * ```ts
 * import { createKeyring, handleLeakAlert } from "secrets-loader/keys";
 *
 * const keyring = createKeyring({ pepper: process.env.KEYS_PEPPER as string });
 * const onLeakAlert = handleLeakAlert({
 *   keyring,
 *   lookup: (hash) => db.keys.byHash(hash),
 *   revoke: (record) => db.keys.replace(record.id, record),
 *   onEvent: (event) => notifyOwner(event.keyId, event.url),
 * });
 * const answer = await onLeakAlert({ body: rawBody, headers: req.headers, ip: req.socket.remoteAddress });
 * res.writeHead(answer.status, answer.headers).end(answer.body);
 * ```
 */
export function handleLeakAlert(options: LeakAlertOptions): LeakAlertHandler {
  const checked = checkOptions(options);
  let engine: Promise<Engine> | undefined;
  const handler = async (request: LeakAlertRequest): Promise<LeakAlertResponse> => {
    engine ??= import("./handler.js").then((m) =>
      m.createEngine(checked, { parseKey, createKeyLimiter }),
    );
    try {
      return await (await engine)(request);
    } catch (err) {
      // Only a failed load of the handler's own code lands here: answer, do not throw.
      engine = undefined;
      (options.onError ?? reportError)(
        new Error("The leak-alert handler could not load.", { cause: err }),
      );
      return {
        status: 500,
        headers: { "content-type": "application/problem+json", "cache-control": "no-store" },
        body: JSON.stringify({ type: "about:blank", title: "Internal Server Error", status: 500 }),
      };
    }
  };
  return Object.defineProperty(handler, "maxBodyBytes", {
    value: checked.maxBodyBytes,
    enumerable: true,
  }) as LeakAlertHandler;
}
