import { describe, expect, it } from "vitest";
import { classifyToken, tokenFacts } from "../../../providers/vault/auth-class.js";

const now = 1_800_000_000_000;
const cls = (d: Parameters<typeof tokenFacts>[0]) => classifyToken(tokenFacts(d, now));

describe("vault token classification (lookup-self)", () => {
  it("root, no TTL (orphan or not) and periodic without max TTL are long-lived", () => {
    expect(cls({ policies: ["root"], ttl: 0 })).toMatchObject({
      class: "long-lived",
      what: "a Vault root token",
    });
    expect(cls({ policies: ["app"], ttl: 0, orphan: true })).toMatchObject({
      class: "long-lived",
      what: "an orphan Vault token with no TTL",
    });
    expect(cls({ policies: ["app"], ttl: 3600, period: 3600 })).toMatchObject({
      class: "long-lived",
      what: expect.stringMatching(/periodic Vault token without an explicit max TTL/),
    });
  });

  it("a TTL (periodic with an explicit max TTL included) is short-lived until it expires", () => {
    expect(cls({ policies: ["app"], ttl: 60 })).toEqual({
      class: "short-lived",
      expiresAt: now + 60_000,
      what: "a Vault token with a TTL",
    });
    expect(
      cls({
        policies: ["app"],
        ttl: 60,
        period: 60,
        explicit_max_ttl: 600,
        expire_time: "2027-01-15T08:00:00Z",
      }),
    ).toMatchObject({ class: "short-lived", expiresAt: Date.parse("2027-01-15T08:00:00Z") });
  });

  it("keeps no strings in the memo (it registers them for redaction)", () => {
    const f = tokenFacts({ policies: ["root", "app"], ttl: 5, expire_time: "not a date" }, now);
    expect(Object.values(f).some((v) => typeof v === "string")).toBe(false);
  });
});
