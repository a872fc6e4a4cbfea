/**
 * The leak-alert handler proper, loaded on the first alert. It imports nothing of the keys
 * entry at run time (the format check and the limiter come in from `handle.ts`): shared with
 * this lazily loaded chunk, those modules would split off the entry into a chunk of their own,
 * one more file for every importer of `secrets-loader/keys` to load.
 */
import { createHash } from "node:crypto";
import type { parseKey as ParseKey } from "../format.js";
import type { createKeyLimiter as CreateKeyLimiter, KeyLimiter } from "../limits/limiter.js";
import type { KeyRecord } from "../types.js";
import { type AlertEntry, parseAlert } from "./alert.js";
import type { CheckedOptions } from "./checked.js";
import { SenderKeys } from "./public-keys.js";
import { verifySignature } from "./signature.js";
import type {
  KeyLeakedEvent,
  LeakAlertRateLimit,
  LeakAlertRequest,
  LeakAlertResponse,
  LeakAlertSender,
  LeakDetails,
  LeakFeedback,
} from "./types.js";

/** Handles one alert. */
export type Engine = (request: LeakAlertRequest) => Promise<LeakAlertResponse>;

/** What the entry passes in (see the module comment). */
export interface EngineDeps {
  parseKey: typeof ParseKey;
  createKeyLimiter: typeof CreateKeyLimiter;
}

type Label = LeakFeedback["label"];

/** Lookups and revocations run this many at a time: fast for 1,000 tokens, gentle on a database. */
const CONCURRENCY = 16;
/** Tokens answered recently, so a repeated alert is answered without a lookup. */
const MEMO_MAX = 10_000;
const MEMO_TTL_MS = 10 * 60_000;
const DEFAULT_RATE = { points: 60, per: 60 };
const PROBLEM = "application/problem+json";

const SENDERS: { sender: LeakAlertSender; id: string; signature: string; name: string }[] = [
  {
    sender: "github",
    id: "github-public-key-identifier",
    signature: "github-public-key-signature",
    name: "GitHub",
  },
  {
    sender: "gitlab",
    id: "gitlab-public-key-identifier",
    signature: "gitlab-public-key-signature",
    name: "GitLab",
  },
];

/** A problem answer: fixed texts only, nothing from the request. */
function problem(
  status: number,
  title: string,
  detail: string,
  headers: Record<string, string> = {},
): LeakAlertResponse {
  return {
    status,
    headers: { "content-type": PROBLEM, "cache-control": "no-store", ...headers },
    body: JSON.stringify({ type: "about:blank", title, status, detail }),
  };
}

const sha256 = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");

export function createEngine(checked: CheckedOptions, deps: EngineDeps): Engine {
  const { options, now, report } = checked;
  const keys: Partial<Record<LeakAlertSender, SenderKeys>> = {};
  if (checked.github) keys.github = new SenderKeys("github", checked.github, now, report);
  if (checked.gitlab) keys.gitlab = new SenderKeys("gitlab", checked.gitlab, now, report);
  let limiter: KeyLimiter | undefined;
  if (options.rateLimit !== false) {
    const rate: LeakAlertRateLimit = options.rateLimit ?? DEFAULT_RATE;
    limiter = deps.createKeyLimiter({
      ...(rate.store !== undefined ? { store: rate.store } : {}),
      limits: [{ by: "key", points: rate.points, per: rate.per, name: "leak-alert" }],
      whenStoreDown: "open",
      onStoreError: (err) =>
        report(new Error("The leak-alert rate limit's store failed.", { cause: err })),
    });
  }
  const memo = new Map<string, { label: Label; until: number }>();
  const inflight = new Map<string, Promise<Label>>();

  const emit = (event: KeyLeakedEvent) => {
    try {
      options.onEvent?.(event);
    } catch {
      // A listener's failure must not undo a revocation.
    }
  };

  /** Classifies one token, revoking it when it is a live key of ours; once per token at a time. */
  function classify(entry: AlertEntry, tokenHash: string, sender: LeakAlertSender): Promise<Label> {
    const at = now();
    const known = memo.get(tokenHash);
    if (known !== undefined && known.until > at) return Promise.resolve(known.label);
    let running = inflight.get(tokenHash);
    if (running === undefined) {
      running = revokeIfOurs(entry, sender)
        .then((label) => {
          if (memo.size >= MEMO_MAX) memo.delete(memo.keys().next().value as string);
          memo.set(tokenHash, { label, until: now() + MEMO_TTL_MS });
          return label;
        })
        .finally(() => inflight.delete(tokenHash));
      inflight.set(tokenHash, running);
    }
    return running;
  }

  async function revokeIfOurs(entry: AlertEntry, sender: LeakAlertSender): Promise<Label> {
    // Prefix and checksum first: a look-alike or another issuer's token costs no lookup.
    if (!deps.parseKey(entry.token, options.prefixes).ok) return "false_positive";
    const result = await options.keyring.verifyKey(entry.token, options.lookup, {
      route: "leak-alert",
    });
    const record: KeyRecord | undefined = result.record;
    if (record === undefined) return "false_positive";
    const at = now();
    if (record.revokedAt !== undefined && record.revokedAt <= at) return "true_positive";
    const leak: LeakDetails = { sender, tokenType: entry.type, url: entry.url };
    if (entry.source !== undefined) leak.source = entry.source;
    await options.revoke({ ...record, revokedAt: at }, leak);
    emit({ type: "key-leaked", at, keyId: record.id, prefix: record.prefix, ...leak });
    return "true_positive";
  }

  return async function handle(request) {
    if (limiter !== undefined) {
      const decision = await limiter.consume({ keyId: `ip:${request.ip ?? "unknown"}` });
      if (!decision.allowed) {
        return problem(
          429,
          "Too Many Requests",
          "Too many alerts from this address: retry later.",
          {
            "retry-after": String(decision.retryAfterSeconds),
          },
        );
      }
    }
    const body = request.body;
    if (!(body instanceof Uint8Array)) {
      report(
        new Error(
          "handleLeakAlert: request.body must be the raw body bytes (a Buffer or Uint8Array).",
        ),
      );
      return problem(500, "Internal Server Error", "The alert could not be read.");
    }
    if (body.byteLength > checked.maxBodyBytes) {
      return problem(
        413,
        "Content Too Large",
        `The alert is larger than ${checked.maxBodyBytes} bytes.`,
      );
    }

    // Which sender: exactly one pair of signature headers, each given once.
    const header =
      typeof request.headers === "function"
        ? request.headers
        : (name: string) =>
            (request.headers as Record<string, string | string[] | undefined>)[name];
    const present = SENDERS.filter(
      (s) => header(s.id) !== undefined || header(s.signature) !== undefined,
    );
    if (present.length !== 1) {
      return problem(
        401,
        "Unauthorized",
        "The alert needs one Github-Public-Key-* or Gitlab-Public-Key-* header pair.",
      );
    }
    const s = present[0] as (typeof SENDERS)[number];
    const id = header(s.id);
    const signature = header(s.signature);
    if (typeof id !== "string" || typeof signature !== "string" || id === "" || id.length > 512) {
      return problem(
        401,
        "Unauthorized",
        `The alert needs exactly one ${s.name} public key identifier and one signature.`,
      );
    }
    const senderKeys = keys[s.sender];
    if (senderKeys === undefined) {
      return problem(401, "Unauthorized", `Alerts from ${s.name} are not accepted here.`);
    }
    const found = await senderKeys.find(id);
    if ("unavailable" in found) {
      return problem(
        503,
        "Service Unavailable",
        `${s.name}'s public keys could not be fetched: retry later.`,
        {
          "retry-after": "60",
        },
      );
    }
    if ("unknown" in found) {
      return problem(401, "Unauthorized", `No ${s.name} public key has this identifier.`);
    }
    if (!verifySignature(found.found, body, signature.trim())) {
      return problem(401, "Unauthorized", "The signature does not match the body.");
    }

    const parsed = parseAlert(body, s.sender);
    if ("error" in parsed) return problem(400, "Bad Request", parsed.error);

    // One answer per distinct token; a token reported twice (two files) is handled once.
    const distinct = new Map<string, AlertEntry>();
    for (const entry of parsed.entries) {
      const hash = sha256(entry.token);
      if (!distinct.has(hash)) distinct.set(hash, entry);
    }
    const work = [...distinct];
    const labels = new Array<Label>(work.length);
    let failure: unknown;
    let next = 0;
    const worker = async () => {
      while (next < work.length) {
        const i = next++;
        const [hash, entry] = work[i] as [string, AlertEntry];
        try {
          labels[i] = await classify(entry, hash, s.sender);
        } catch (err) {
          failure ??= err;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, work.length) }, worker));
    if (failure !== undefined) {
      // The keys that were revoked stay revoked (and remembered): the sender's retry finishes the rest.
      report(
        new Error("A leaked key could not be looked up or revoked (lookup or revoke threw).", {
          cause: failure,
        }),
      );
      return problem(
        503,
        "Service Unavailable",
        "Some keys could not be revoked yet: retry later.",
        {
          "retry-after": "30",
        },
      );
    }
    const feedback: LeakFeedback[] = work.map(([hash, entry], i) => ({
      token_hash: hash,
      token_type: entry.type,
      label: labels[i] as Label,
    }));
    return {
      status: 200,
      headers: { "content-type": "application/json", "cache-control": "no-store" },
      body: JSON.stringify(feedback),
      feedback,
    };
  };
}
