/**
 * The small detector the core (field hints) and the CLI (messages about
 * arguments) share: which short texts look like credentials, and a shape
 * description that quotes nothing. Values are built at run time.
 */

import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { describeShape, looksLikeCredential } from "../../src/credential-shape.js";

const j = (...p: string[]) => p.join("");

describe("looksLikeCredential", () => {
  it.each([
    "password",
    "db_host",
    "apiKey",
    "DB_PASSWORD",
    "clientSecret",
    "databaseConnectionString",
    "serviceAccountEmail",
    "private_key_id",
    "sslmode",
  ])("a field name is not one: %s", (name) => {
    expect(looksLikeCredential(name)).toBe(false);
  });

  it.each([
    ["a Stripe-style key", j("sk", "_live_", "abc123")],
    ["a GitHub token", j("ghp", "_", "abcDEF")],
    ["a password with a digit in a word", j("Passw", "0", "rdSecret")],
    ["a word with a trailing digit", j("hunter", "2")],
    ["an AWS key id", j("AKIA", "ABCDEFGHIJKLMNOP")],
    ["random letters", j("tGhJkLm", "NpQrStVwX")],
    // Fixed, not random: a random draw can lack the digit/case mix the check looks for (flaky).
    ["random base64url", j("q9XvLr2T", "k7WmZp4N", "c8Hs_B3y")],
    ["a URL with a password", j("postgres://svc:", "Pw-1@db")],
    ["a PEM block", j("-----BEGIN ", "PRIVATE KEY-----\nMIIB\n-----END ", "PRIVATE KEY-----")],
  ])("%s is one", (_label, text) => {
    expect(looksLikeCredential(text)).toBe(true);
  });
});

describe("describeShape", () => {
  it("describes without quoting", () => {
    const secret = randomBytes(12).toString("hex");
    const cases: Array<[string, RegExp]> = [
      [
        j("postgres://svc:", secret, "@db/app"),
        /^looks like a URL with a password \(\d+ characters\)$/,
      ],
      [j("-sk", "_live_", secret), /^looks like an API key/],
      [
        j("-----BEGIN ", "PRIVATE KEY-----\n", secret, "\n-----END ", "PRIVATE KEY-----"),
        /on 3 lines/,
      ],
      [j("https://example.test/", secret), /^looks like a URL/],
      [j("A=", secret), /^has the form NAME=value/],
      ["", /^is empty$/],
      ["hello world", /^is text of 11 characters$/],
    ];
    for (const [text, shape] of cases) {
      const d = describeShape(text);
      expect(d).toMatch(shape);
      expect(d).not.toContain(secret.slice(0, 6));
    }
  });
});
