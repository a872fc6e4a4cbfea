/**
 * handleLeakAlert: signatures made with key pairs generated here (ECDSA P-256, as GitHub and
 * GitLab sign), public keys served by a counting fetch double, a real keyring and an in-memory
 * store. Every answer, event and error is searched for the tokens.
 */
import { createHash, generateKeyPairSync, sign } from "node:crypto";
import { describe, expect, expectTypeOf, it } from "vitest";
import { ConfigError } from "../../../src/errors.js";
import { createKeyring } from "../../../src/keys/keyring.js";
import { handleLeakAlert } from "../../../src/keys/leak-alert/handle.js";
import type {
  KeyLeakedEvent,
  LeakAlertOptions,
  LeakAlertRequest,
  PublicKeyResponse,
  SenderPublicKey,
} from "../../../src/keys/leak-alert/types.js";
import { jsonLinesLogger } from "../../../src/keys/log.js";
import type { KeyEvent, KeyRecord } from "../../../src/keys/types.js";
import { clock, fakePepper, memoryStore } from "./support.js";

/** A signing key of a sender, as GitHub or GitLab hold them. */
function signer(id: string) {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return {
    id,
    entry: {
      key_identifier: id,
      key: publicKey.export({ type: "spki", format: "pem" }) as string,
      is_current: true,
    } satisfies SenderPublicKey,
    sign: (body: Buffer) =>
      sign("sha256", body, { key: privateKey, dsaEncoding: "der" }).toString("base64"),
  };
}
type Signer = ReturnType<typeof signer>;

/** A fetch double serving `list()` with an ETag, answering 304 to a matching If-None-Match. */
function keyServer(list: () => SenderPublicKey[]) {
  const calls: Record<string, string>[] = [];
  const fetch = async (_url: string, init: { headers: Record<string, string> }) => {
    calls.push(init.headers);
    const body = JSON.stringify({ public_keys: list() });
    const etag = `"${createHash("sha256").update(body).digest("hex").slice(0, 16)}"`;
    if (init.headers["if-none-match"] === etag) {
      return new Response(null, { status: 304, headers: { etag } }) as PublicKeyResponse;
    }
    return new Response(body, { status: 200, headers: { etag } }) as PublicKeyResponse;
  };
  return { fetch, calls };
}

const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");

async function setup(extra: Partial<LeakAlertOptions> = {}, signers = [signer("gh-1")]) {
  const time = clock(Date.UTC(2026, 11, 6, 12));
  const keyring = createKeyring({ pepper: fakePepper(), now: time.now });
  const store = memoryStore();
  const issued: { key: string; record: KeyRecord }[] = [];
  for (let i = 0; i < 3; i++) {
    const k = await keyring.issueKey({ prefix: "acme_live_", scopes: ["read"] });
    store.put(k.record);
    issued.push(k);
  }
  let served = signers.map((s) => s.entry);
  const server = keyServer(() => served);
  const revoked: KeyRecord[] = [];
  const events: KeyLeakedEvent[] = [];
  const errors: Error[] = [];
  const handle = handleLeakAlert({
    keyring,
    lookup: store.lookup,
    revoke: (record) => {
      revoked.push(record);
      store.put(record);
    },
    github: {
      url: "https://api.github.test/meta/public_keys/secret_scanning",
      fetch: server.fetch,
    },
    onEvent: (e) => events.push(e),
    onError: (e) => errors.push(e),
    rateLimit: false,
    now: time.now,
    ...extra,
  });
  const seen: string[] = [];
  const send = async (request: LeakAlertRequest) => {
    const answer = await handle(request);
    seen.push(answer.body, JSON.stringify(answer.headers));
    return answer;
  };
  return {
    time,
    keyring,
    store,
    issued,
    server,
    revoked,
    events,
    errors,
    handle,
    send,
    rotate(to: Signer[]) {
      served = to.map((s) => s.entry);
    },
    /** Everything that left the handler, to search for tokens. */
    output: () =>
      [
        ...seen,
        JSON.stringify(events),
        JSON.stringify(revoked),
        ...errors.map((e) => `${e.message} ${e.cause ?? ""}`),
      ].join("\n"),
  };
}

/** A GitHub alert body as GitHub writes it (compact JSON, its own key order). */
function githubBody(tokens: string[], url = "https://github.com/octo/demo/blob/abc/.env") {
  return Buffer.from(
    JSON.stringify(
      tokens.map((token) => ({ source: "content", token, type: "acme_api_key", url })),
    ),
  );
}

function githubRequest(s: Signer, body: Buffer, id = s.id): LeakAlertRequest {
  return {
    body,
    headers: { "github-public-key-identifier": id, "github-public-key-signature": s.sign(body) },
    ip: "192.0.2.10",
  };
}

describe("handleLeakAlert: signature", () => {
  it("a valid alert revokes the key, emits key-leaked and answers with hashes only", async () => {
    const gh = signer("gh-1");
    const t = await setup({}, [gh]);
    const [leaked] = t.issued;
    const key = leaked?.key as string;
    const answer = await t.send(githubRequest(gh, githubBody([key])));
    expect(answer.status).toBe(200);
    expect(answer.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(answer.body)).toEqual([
      { token_hash: sha256(key), token_type: "acme_api_key", label: "true_positive" },
    ]);
    expect(t.revoked).toHaveLength(1);
    expect(t.revoked[0]?.id).toBe(leaked?.record.id);
    expect(t.revoked[0]?.revokedAt).toBe(t.time.now());
    expect(t.events).toEqual([
      {
        type: "key-leaked",
        at: t.time.now(),
        keyId: leaked?.record.id,
        prefix: "acme_live_",
        sender: "github",
        tokenType: "acme_api_key",
        url: "https://github.com/octo/demo/blob/abc/.env",
        source: "content",
      },
    ]);
    // The key no longer verifies; the other keys still do.
    expect(await t.keyring.verifyKey(key, t.store.lookup)).toMatchObject({
      ok: false,
      reason: "revoked",
    });
    expect((await t.keyring.verifyKey(t.issued[1]?.key, t.store.lookup)).ok).toBe(true);
    expect(t.output()).not.toContain(key);
  });

  it("a tampered body is refused with 401 and revokes nothing, looks nothing up", async () => {
    const gh = signer("gh-1");
    const t = await setup({}, [gh]);
    const key = t.issued[0]?.key as string;
    const signed = githubBody([key]);
    const request = githubRequest(gh, signed);
    const tampered = Buffer.from(signed.toString().replace("octo/demo", "octo/dem0"));
    const answer = await t.send({ ...request, body: tampered });
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body)).toMatchObject({
      status: 401,
      detail: "The signature does not match the body.",
    });
    expect(t.revoked).toEqual([]);
    expect(t.store.calls).toEqual([]);
    expect(t.output()).not.toContain(key);
  });

  it("a re-serialised body fails: the signature covers the raw bytes", async () => {
    const gh = signer("gh-1");
    const t = await setup({}, [gh]);
    const key = t.issued[0]?.key as string;
    // As GitHub's own sample: spaces and its key order, which a parse-and-stringify changes.
    const raw = Buffer.from(
      `[{"source": "content", "token": "${key}", "type": "acme_api_key", "url": ""}]`,
    );
    const request = githubRequest(gh, raw);
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(raw.toString())));
    expect(reserialised.equals(raw)).toBe(false);
    expect((await t.send({ ...request, body: reserialised })).status).toBe(401);
    expect(t.revoked).toEqual([]);
    // The same signature over the bytes as sent holds.
    expect((await t.send(request)).status).toBe(200);
    expect(t.revoked).toHaveLength(1);
  });

  it("a signature by another listed key than the identifier names is refused", async () => {
    const a = signer("gh-a");
    const b = signer("gh-b");
    const t = await setup({}, [a, b]);
    const body = githubBody([t.issued[0]?.key as string]);
    const answer = await t.send(githubRequest(a, body, "gh-b"));
    expect(answer.status).toBe(401);
    expect(t.revoked).toEqual([]);
  });

  it("an unknown identifier refetches the keys once, then at most once a minute", async () => {
    const old = signer("gh-old");
    const added = signer("gh-new");
    const t = await setup({}, [old]);
    const key = t.issued[0]?.key as string;
    expect((await t.send(githubRequest(old, githubBody([key])))).status).toBe(200);
    expect(t.server.calls).toHaveLength(1);

    t.rotate([old, added]);
    t.time.advance(120_000);
    const second = t.issued[1]?.key as string;
    expect((await t.send(githubRequest(added, githubBody([second])))).status).toBe(200);
    expect(t.server.calls).toHaveLength(2); // refetched once

    // A forged identifier: one refetch is allowed a minute, so this one is answered from the cache.
    const forger = signer("gh-forged");
    const forged = await t.send(githubRequest(forger, githubBody([t.issued[2]?.key as string])));
    expect(forged.status).toBe(401);
    expect(JSON.parse(forged.body).detail).toBe("No GitHub public key has this identifier.");
    expect(t.server.calls).toHaveLength(2);
    t.time.advance(61_000);
    expect((await t.send(githubRequest(forger, githubBody(["x"])))).status).toBe(401);
    expect(t.server.calls).toHaveLength(3);
    expect(t.revoked).toHaveLength(2);
  });

  it("a rotated key list: the new key verifies, the withdrawn one no longer does", async () => {
    const first = signer("gh-2025");
    const next = signer("gh-2026");
    const t = await setup({}, [first]);
    const [k0, k1, k2] = t.issued.map((i) => i.key);
    expect((await t.send(githubRequest(first, githubBody([k0 as string])))).status).toBe(200);
    t.rotate([next]);
    t.time.advance(60_000);
    expect((await t.send(githubRequest(next, githubBody([k1 as string])))).status).toBe(200);
    expect((await t.send(githubRequest(first, githubBody([k2 as string])))).status).toBe(401);
    expect(t.revoked.map((r) => r.id)).toEqual([t.issued[0]?.record.id, t.issued[1]?.record.id]);
  });

  it("revalidates the cached list after an hour with a conditional request (304 keeps it)", async () => {
    const gh = signer("gh-1");
    const t = await setup({}, [gh]);
    const [k0, k1] = t.issued.map((i) => i.key);
    await t.send(githubRequest(gh, githubBody([k0 as string])));
    t.time.advance(60 * 60_000);
    expect((await t.send(githubRequest(gh, githubBody([k1 as string])))).status).toBe(200);
    expect(t.server.calls).toHaveLength(2);
    expect(t.server.calls[0]?.["if-none-match"]).toBeUndefined();
    expect(t.server.calls[1]?.["if-none-match"]).toMatch(/^"[0-9a-f]{16}"$/);
  });

  it("GitLab: its headers, its body, its configured keys; refused when not configured", async () => {
    const gl = signer("gl-1");
    const t = await setup({ gitlab: { keys: [gl.entry] } });
    const key = t.issued[0]?.key as string;
    const body = Buffer.from(JSON.stringify([{ type: "acme_api_key", token: key, url: "" }]));
    const answer = await t.send({
      body,
      headers: {
        "gitlab-public-key-identifier": gl.id,
        "gitlab-public-key-signature": gl.sign(body),
      },
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual([
      { token_hash: sha256(key), token_type: "acme_api_key", label: "true_positive" },
    ]);
    expect(t.events[0]).toMatchObject({ sender: "gitlab", url: "" });
    expect(t.events[0]).not.toHaveProperty("source");
    expect(t.server.calls).toEqual([]); // GitHub's keys were never needed

    // The same alert under GitHub's headers: GitHub's list does not hold gl-1.
    const asGithub = await t.send({
      body,
      headers: {
        "github-public-key-identifier": gl.id,
        "github-public-key-signature": gl.sign(body),
      },
    });
    expect(asGithub.status).toBe(401);

    const noGitlab = await setup();
    const refused = await noGitlab.send({
      body,
      headers: {
        "gitlab-public-key-identifier": gl.id,
        "gitlab-public-key-signature": gl.sign(body),
      },
    });
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body).detail).toBe("Alerts from GitLab are not accepted here.");
    expect(t.output() + noGitlab.output()).not.toContain(key);
  });

  it("missing, repeated or mixed signature headers are refused with 401", async () => {
    const gh = signer("gh-1");
    const t = await setup({}, [gh]);
    const body = githubBody([t.issued[0]?.key as string]);
    const sig = gh.sign(body);
    for (const headers of [
      {},
      { "github-public-key-identifier": gh.id },
      { "github-public-key-identifier": [gh.id, gh.id], "github-public-key-signature": sig },
      {
        "github-public-key-identifier": gh.id,
        "github-public-key-signature": sig,
        "gitlab-public-key-identifier": gh.id,
        "gitlab-public-key-signature": sig,
      },
      { "github-public-key-identifier": gh.id, "github-public-key-signature": "not base64!" },
    ]) {
      expect((await t.send({ body, headers })).status, JSON.stringify(Object.keys(headers))).toBe(
        401,
      );
    }
    expect(t.revoked).toEqual([]);
  });

  it("an oversized body is refused with 413 before any key is fetched", async () => {
    const gh = signer("gh-1");
    const t = await setup({ maxBodyBytes: 1024 }, [gh]);
    const body = githubBody(
      t.issued.map((i) => i.key),
      `https://github.com/${"x".repeat(1024)}`,
    );
    const answer = await t.send(githubRequest(gh, body));
    expect(answer.status).toBe(413);
    expect(t.handle.maxBodyBytes).toBe(1024);
    expect(t.server.calls).toEqual([]);
    expect(t.revoked).toEqual([]);
  });

  it("an unreachable key URL is retried after 10 s, not by every alert", async () => {
    const gh = signer("gh-1");
    let calls = 0;
    let up = false;
    const t = await setup({
      github: {
        url: "https://api.github.test/keys",
        fetch: async () => {
          calls++;
          return (
            up
              ? new Response(JSON.stringify({ public_keys: [gh.entry] }))
              : new Response("unavailable", { status: 502 })
          ) as PublicKeyResponse;
        },
      },
    });
    const request = githubRequest(gh, githubBody([t.issued[0]?.key as string]));
    expect((await t.send(request)).status).toBe(503);
    expect((await t.send(request)).status).toBe(503);
    expect(calls).toBe(1);
    expect(t.errors.map((e) => e.message)).toEqual([
      "Could not fetch GitHub's public keys from https://api.github.test/keys: HTTP 502",
    ]);
    up = true;
    t.time.advance(10_000);
    expect((await t.send(request)).status).toBe(200);
    expect(calls).toBe(2);
  });

  it("keys that cannot be fetched in time: 503 with Retry-After, nothing revoked", async () => {
    const gh = signer("gh-1");
    const t = await setup({
      github: {
        url: "https://api.github.test/keys",
        timeoutMs: 50,
        fetch: () => new Promise<PublicKeyResponse>(() => {}), // never answers
      },
    });
    const started = performance.now();
    const answer = await t.send(githubRequest(gh, githubBody([t.issued[0]?.key as string])));
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(answer.status).toBe(503);
    expect(answer.headers["retry-after"]).toBe("60");
    expect(t.errors[0]?.message).toBe(
      "Could not fetch GitHub's public keys from https://api.github.test/keys: no answer within 50 ms",
    );
    expect(t.revoked).toEqual([]);
  });
});

describe("handleLeakAlert: tokens", () => {
  it("a token that is not ours (prefix or checksum) is a false_positive without any lookup", async () => {
    const gh = signer("gh-1");
    const t = await setup({ prefixes: ["acme_live_"] }, [gh]);
    const ours = t.issued[0]?.key as string;
    const typo = `${ours.slice(0, -1)}${ours.endsWith("A") ? "B" : "A"}`;
    const otherPrefix = await createKeyring({ pepper: fakePepper() }).issueKey({
      prefix: "acme_test_",
      scopes: [],
    });
    const foreign = `ghp_${"a".repeat(36)}`;
    const tokens = [typo, otherPrefix.key, foreign];
    const answer = await t.send(githubRequest(gh, githubBody(tokens)));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual(
      tokens.map((tok) => ({
        token_hash: sha256(tok),
        token_type: "acme_api_key",
        label: "false_positive",
      })),
    );
    expect(t.store.calls).toEqual([]);
    expect(t.revoked).toEqual([]);
  });

  it("a well-formed key with no record is a false_positive (looked up once)", async () => {
    const gh = signer("gh-1");
    const t = await setup({}, [gh]);
    const unknown = await createKeyring({ pepper: fakePepper() }).issueKey({
      prefix: "acme_live_",
      scopes: [],
    });
    const answer = await t.send(githubRequest(gh, githubBody([unknown.key])));
    expect(JSON.parse(answer.body)[0].label).toBe("false_positive");
    expect(t.store.calls).toHaveLength(1);
  });

  it("idempotent: the same alert twice (or at once) revokes once and answers the same", async () => {
    const gh = signer("gh-1");
    const t = await setup({}, [gh]);
    const request = githubRequest(gh, githubBody(t.issued.map((i) => i.key)));
    const [a, b] = await Promise.all([t.send(request), t.send(request)]);
    const c = await t.send(request);
    expect(a.status).toBe(200);
    expect(b.body).toBe(a.body);
    expect(c.body).toBe(a.body);
    expect(t.revoked).toHaveLength(3);
    expect(t.events).toHaveLength(3);

    // Another instance (no memory of the first alert): the stored revocation answers it.
    const other = handleLeakAlert({
      keyring: t.keyring,
      lookup: t.store.lookup,
      revoke: (r) => t.revoked.push(r),
      github: { keys: [gh.entry] },
      rateLimit: false,
      now: t.time.now,
    });
    const d = await other(request);
    expect(d.body).toBe(a.body);
    expect(t.revoked).toHaveLength(3);
  });

  it("a key restricted to IP ranges, or already expired, is revoked all the same", async () => {
    const gh = signer("gh-1");
    const t = await setup({}, [gh]);
    const restricted = await t.keyring.issueKey({
      prefix: "acme_live_",
      scopes: [],
      allowedIps: ["10.0.0.0/8"],
    });
    const shortLived = await t.keyring.issueKey({
      prefix: "acme_live_",
      scopes: [],
      expiresIn: "1h",
    });
    t.store.put(restricted.record);
    t.store.put(shortLived.record);
    t.time.advance(2 * 3_600_000);
    const answer = await t.send(githubRequest(gh, githubBody([restricted.key, shortLived.key])));
    expect(JSON.parse(answer.body).map((l: { label: string }) => l.label)).toEqual([
      "true_positive",
      "true_positive",
    ]);
    expect(t.revoked.map((r) => r.id).sort()).toEqual(
      [restricted.record.id, shortLived.record.id].sort(),
    );
  });

  it("a token reported twice in one alert is answered and revoked once", async () => {
    const gh = signer("gh-1");
    const t = await setup({}, [gh]);
    const key = t.issued[0]?.key as string;
    const answer = await t.send(githubRequest(gh, githubBody([key, key])));
    expect(JSON.parse(answer.body)).toHaveLength(1);
    expect(t.revoked).toHaveLength(1);
  });

  it("a revoke that throws answers 503; the sender's retry revokes", async () => {
    const gh = signer("gh-1");
    let fail = true;
    const revoked: KeyRecord[] = [];
    const t = await setup(
      {
        revoke: (r) => {
          if (fail) throw new Error("database down");
          revoked.push(r);
        },
      },
      [gh],
    );
    const request = githubRequest(gh, githubBody([t.issued[0]?.key as string]));
    const first = await t.send(request);
    expect(first.status).toBe(503);
    expect(first.headers["retry-after"]).toBe("30");
    expect(t.errors[0]?.message).toBe(
      "A leaked key could not be looked up or revoked (lookup or revoke threw).",
    );
    expect(t.events).toEqual([]);
    fail = false;
    expect((await t.send(request)).status).toBe(200);
    expect(revoked).toHaveLength(1);
  });

  it("a signed body that is not an alert is refused with 400, naming the field", async () => {
    const gh = signer("gh-1");
    const t = await setup({}, [gh]);
    for (const [body, detail] of [
      ["{}", "The body must be a JSON array of matches."],
      ["not json", "The body is not UTF-8 JSON."],
      [
        '[{"token": 42, "type": "acme_api_key", "url": ""}]',
        'Match 0: "token" must be a string of 1 to 1024 characters.',
      ],
      ['[{"token": "a", "type": null, "url": ""}]', 'Match 0: "type" must be a string.'],
      ['[{"token": "a", "type": "t", "url": 1}]', 'Match 0: "url" must be a string.'],
    ] as const) {
      const answer = await t.send(githubRequest(gh, Buffer.from(body)));
      expect(answer.status, body).toBe(400);
      expect(JSON.parse(answer.body).detail).toBe(detail);
    }
  });

  it("rate-limits by client IP before any other work (429 with Retry-After)", async () => {
    const gh = signer("gh-1");
    const t = await setup({ rateLimit: { points: 2, per: 60 } }, [gh]);
    const request = githubRequest(gh, githubBody(["not-a-key"]));
    expect((await t.send(request)).status).toBe(200);
    expect((await t.send(request)).status).toBe(200);
    const limited = await t.send(request);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    expect((await t.send({ ...request, ip: "192.0.2.11" })).status).toBe(200);
  });
});

describe("handleLeakAlert: options", () => {
  const keyring = createKeyring({ pepper: fakePepper() });
  const base = { keyring, lookup: () => undefined, revoke: () => {} };
  it.each([
    [
      { ...base, revoke: undefined },
      "handleLeakAlert: revoke must be a function (record) => stores the record with its revokedAt.",
    ],
    [
      { ...base, gitlab: {} },
      "handleLeakAlert: gitlab needs the URL of its public keys (GitLab gives it to partners on request), or a fixed keys list.",
    ],
    [
      { ...base, gitlab: { url: "http://keys.example.com/gitlab" } },
      "handleLeakAlert: gitlab.url must be https:// (http:// only on a loopback address).",
    ],
    [
      { ...base, github: { keys: [{ key_identifier: "k", key: "nope" }] } },
      'handleLeakAlert: github.keys[0].key must be a PEM public key ("-----BEGIN PUBLIC KEY-----").',
    ],
    [
      { ...base, github: false },
      "handleLeakAlert: no sender left: github is false and gitlab is not configured.",
    ],
    [
      { ...base, maxBodyBytes: 1.5 },
      "handleLeakAlert: maxBodyBytes must be an integer between 2 and 16777216.",
    ],
    [
      { ...base, rateLimit: { points: 0, per: 60 } },
      "handleLeakAlert: rateLimit.points must be a positive integer.",
    ],
  ])("refuses bad options with a clear error (%#)", (options, message) => {
    expect(() => handleLeakAlert(options as unknown as LeakAlertOptions)).toThrow(ConfigError);
    expect(() => handleLeakAlert(options as unknown as LeakAlertOptions)).toThrow(message);
  });

  it("defaults to GitHub's published key URL", async () => {
    const seen: string[] = [];
    const handle = handleLeakAlert({
      ...base,
      rateLimit: false,
      github: {
        fetch: async (url) => {
          seen.push(url);
          return new Response(
            JSON.stringify({ public_keys: [signer("x").entry] }),
          ) as PublicKeyResponse;
        },
      },
    });
    await handle({
      body: Buffer.from("[]"),
      headers: { "github-public-key-identifier": "x", "github-public-key-signature": "AA==" },
    });
    expect(seen).toEqual(["https://api.github.com/meta/public_keys/secret_scanning"]);
  });
});

describe("leak events in the usage log", () => {
  it("a key-leaked event is one of the keys' events, so jsonLinesLogger takes it as typed", () => {
    const lines: string[] = [];
    const log = jsonLinesLogger({ write: (line: string) => lines.push(line) });
    const event: KeyLeakedEvent = {
      type: "key-leaked",
      at: 0,
      keyId: "key_1",
      prefix: "acme_live_",
      sender: "github",
      tokenType: "acme_api_key",
      url: "",
    };
    expectTypeOf(event).toMatchTypeOf<KeyEvent>();
    log(event);
    expect(JSON.parse(lines[0] ?? "{}")).toMatchObject({ type: "key-leaked", keyId: "key_1" });
  });
});
