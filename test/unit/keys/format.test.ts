import { randomBytes } from "node:crypto";
import { crc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import { BASE62_ALPHABET, bytesToBase62, uint32ToBase62 } from "../../../src/keys/base62.js";
import {
  checkKey,
  isValidPrefix,
  keyPattern,
  mintKey,
  parseKey,
  SUFFIX_LENGTH,
} from "../../../src/keys/format.js";

/** Recomputes a key's checksum independently of the module (CRC-32 of prefix + body). */
function reference(prefixAndBody: string): string {
  let n = crc32(Buffer.from(prefixAndBody, "ascii"));
  let out = "";
  for (let i = 0; i < 6; i++) {
    out = BASE62_ALPHABET.charAt(n % 62) + out;
    n = Math.floor(n / 62);
  }
  return out;
}

describe("base62", () => {
  it("writes big-endian, left-padded, in the documented alphabet", () => {
    expect(bytesToBase62(Uint8Array.of(0), 3)).toBe("000");
    expect(bytesToBase62(Uint8Array.of(61), 2)).toBe("0z");
    expect(bytesToBase62(Uint8Array.of(0, 62), 2)).toBe("10");
    expect(uint32ToBase62(0xffffffff, 6)).toBe("4gfFC3");
    expect(uint32ToBase62(0, 6)).toBe("000000");
  });

  it("24 bytes always fit in 33 digits (the largest value too)", () => {
    expect(bytesToBase62(new Uint8Array(24).fill(255), 33)).toMatch(/^[0-9A-Za-z]{33}$/);
    expect(() => bytesToBase62(new Uint8Array(25).fill(255), 33)).toThrow(RangeError);
  });
});

describe("key format", () => {
  it("is prefix + 33 base62 body + 6 base62 CRC-32 of prefix and body", () => {
    for (let i = 0; i < 50; i++) {
      const key = mintKey("acme_live_");
      expect(key).toMatch(/^acme_live_[0-9A-Za-z]{39}$/);
      const head = key.slice(0, -6);
      expect(key.slice(-6)).toBe(reference(head));
      expect(parseKey(key)).toEqual({
        ok: true,
        key: { prefix: "acme_live_", body: key.slice(10, 43), checksum: key.slice(43) },
      });
    }
  });

  it("keys are distinct (random bodies)", () => {
    const seen = new Set(Array.from({ length: 1000 }, () => mintKey("a_")));
    expect(seen.size).toBe(1000);
  });

  it("validates prefixes", () => {
    for (const ok of ["acme_live_", "a_", "shop2_test_", "x1_"])
      expect(isValidPrefix(ok)).toBe(true);
    for (const bad of [
      "",
      "_",
      "acme",
      "Acme_live_",
      "acme-live_",
      "acme__live_",
      "_acme_",
      "1acme_",
      "acmé_",
      `${"a".repeat(32)}_`,
      "acme live_",
    ]) {
      expect(isValidPrefix(bad), bad).toBe(false);
    }
  });
});

describe("parseKey / checkKey on hostile input", () => {
  const key = mintKey("acme_live_");
  const flip = (s: string, i: number) =>
    s.slice(0, i) + (s[i] === "a" ? "b" : "a") + s.slice(i + 1);

  it.each([
    ["not a string", 42],
    ["undefined", undefined],
    ["empty", ""],
    ["huge", "a".repeat(10_000_000)],
    ["truncated", key.slice(0, -1)],
    ["extra character", `${key}x`],
    ["leading space", ` ${key}`],
    ["trailing newline", `${key}\n`],
    ["no prefix", key.slice(10)],
    ["upper-case prefix", key.replace("acme_live_", "ACME_LIVE_")],
    ["unicode in body", `${key.slice(0, 20)}é${key.slice(21)}`],
    ["unicode look-alike digit", `${key.slice(0, 20)}\u0661${key.slice(21)}`],
    ["Bearer prefix kept", `Bearer ${key}`],
  ])("%s is malformed", (_name, input) => {
    expect(parseKey(input)).toEqual({ ok: false, reason: "malformed" });
    expect(checkKey(input)).toBe(false);
  });

  it("one changed character anywhere fails the checksum (typos)", () => {
    for (let i = 10; i < key.length; i++) {
      expect(parseKey(flip(key, i)).ok, `position ${i}`).toBe(false);
    }
  });

  it("a case change in the body fails the checksum", () => {
    const i = [...key.slice(10)].findIndex((c) => /[a-z]/i.test(c)) + 10;
    const swapped =
      key[i] === key[i]?.toLowerCase() ? key[i]?.toUpperCase() : key[i]?.toLowerCase();
    expect(parseKey(key.slice(0, i) + swapped + key.slice(i + 1))).toEqual({
      ok: false,
      reason: "bad-checksum",
    });
  });

  it("the checksum covers the prefix: the same body under another prefix fails", () => {
    expect(parseKey(`acme_test_${key.slice(10)}`)).toEqual({ ok: false, reason: "bad-checksum" });
  });

  it("random look-alikes of the right shape fail the checksum", () => {
    // 10 000 random 39-character suffixes: each passes with probability 2^-32.
    const alphabet = BASE62_ALPHABET;
    let passed = 0;
    for (let i = 0; i < 10_000; i++) {
      const bytes = randomBytes(SUFFIX_LENGTH);
      const suffix = Array.from(bytes, (b) => alphabet.charAt(b % 62)).join("");
      if (checkKey(`acme_live_${suffix}`)) passed++;
    }
    expect(passed).toBe(0);
  });

  it("restricts to given prefixes", () => {
    expect(checkKey(key, ["acme_live_"])).toBe(true);
    expect(parseKey(key, ["acme_test_"])).toEqual({ ok: false, reason: "malformed" });
  });
});

describe("keyPattern", () => {
  it("finds keys with registered prefixes, not inside longer runs", () => {
    const key = mintKey("acme_live_");
    const re = new RegExp(keyPattern(["acme_live_", "acme_test_"]), "g");
    expect(`token=${key};`.match(re)).toEqual([key]);
    expect(`x${key}`.match(re)).toBeNull();
    expect(`${key}Z`.match(re)).toBeNull();
    expect(mintKey("other_").match(re)).toBeNull();
  });

  it("refuses invalid prefixes (no regex injection)", () => {
    expect(() => keyPattern([".*_"])).toThrow(RangeError);
  });
});
