/**
 * A leak corpus for the library: values of every shape (short, unicode,
 * multi-line, JSON, base64, values that look like the text around them) go
 * through every path that can fail or report, and no error, event, `inspect`
 * or JSON output contains any of them, at any length.
 */

import { randomBytes } from "node:crypto";
import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { envProvider } from "../../providers/env/index.js";
import { createSecrets, type Secrets, type SecretsEvent } from "../../src/index.js";

const pem = [
  "-----BEGIN PRIVATE KEY-----",
  randomBytes(48).toString("base64"),
  randomBytes(48).toString("base64"),
  "-----END PRIVATE KEY-----",
].join("\n");

/** Name -> value. Short ones are chosen so they cannot occur in messages by chance. */
const CORPUS: Record<string, string> = {
  TINY: "Qǂ",
  SHORT: "x9Zk",
  EIGHT: "7fQ2kZ9w",
  UNICODE: "pässwörd-✓-日本-Ωμέγα",
  PEM: pem,
  JSON_BLOB: JSON.stringify({ user: "svc", pw: `jp-${randomBytes(6).toString("hex")}` }),
  BASE64: randomBytes(24).toString("base64"),
  // Reference-shaped but invalid (a valid reference is a reference, and is shown).
  LOOKS_LIKE_A_REF: "aws-sm://zq9-vault/k7x?pw=but-a-value-9Zq",
  LOOKS_LIKE_TEXT: "not set in the environment-Zq81",
};

let secrets: Secrets | undefined;
afterEach(async () => {
  await secrets?.close();
});

function everything(client: Secrets, events: SecretsEvent[], errors: unknown[]): string {
  const parts = [inspect(client), JSON.stringify(client)];
  for (const e of events) parts.push(JSON.stringify(e), inspect(e));
  for (const err of errors) {
    parts.push(inspect(err, { depth: 8 }), JSON.stringify(err) ?? "");
    for (let e: unknown = err, i = 0; e instanceof Error && i < 8; e = e.cause, i++) {
      parts.push(e.message, e.stack ?? "");
    }
  }
  return parts.join("\n");
}

describe("leak corpus (library)", () => {
  it("no error, event, inspect or JSON output contains any value, at any length", async () => {
    const events: SecretsEvent[] = [];
    secrets = createSecrets({
      builtins: false,
      providers: { env: envProvider({ env: CORPUS }) },
      onEvent: (e) => events.push(e),
    });
    const errors: unknown[] = [];
    const attempt = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (err) {
        errors.push(err);
      }
    };
    for (const name of Object.keys(CORPUS)) {
      await attempt(secrets.getSecret(`env://${name}`));
      await attempt(secrets.getSecret(`env://${name}`, { type: "json" })); // not JSON: an error
      await attempt(secrets.getSecret(`env://${name}`, { type: "binary" })); // not base64: an error
      await attempt(secrets.getSecret(`env://${name}#missing.field`)); // field hints
      // The value passed where a reference belongs.
      await attempt(secrets.getSecret(CORPUS[name] as string));
      await attempt(
        secrets.load({ A: `env://${name}`, B: CORPUS[name] as string, C: "env://NOPE" }),
      );
    }
    await attempt(
      secrets.load(Object.fromEntries(Object.values(CORPUS).map((v, i) => [`K${i}`, v]))),
    );
    expect(errors.length).toBeGreaterThan(30);
    const out = everything(secrets, events, errors);
    for (const [name, value] of Object.entries(CORPUS)) {
      expect(out.includes(value), `${name} leaked`).toBe(false);
      // Every line of a multi-line value, and every 8-character window of a long one.
      for (const line of value.split("\n"))
        expect(out.includes(line), `${name} line leaked`).toBe(false);
      // (A scheme is shown by design: windows start after it.)
      const from = /^[a-z][a-z0-9+.-]*:\/\//.exec(value)?.[0].length ?? 0;
      for (let i = from; i + 8 <= value.length; i += 4) {
        const piece = value.slice(i, i + 8);
        // PEM armour and plain words are public text that messages use too.
        if (/^[-A-Z ]+$/.test(piece) || /^[a-z ]+$/.test(piece)) continue;
        expect(out.includes(piece), `${name} piece ${JSON.stringify(piece)} leaked`).toBe(false);
      }
    }
  });
});
