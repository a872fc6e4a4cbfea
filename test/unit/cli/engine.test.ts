import { describe, expect, it } from "vitest";
import { redactMatch, Scanner } from "../../../src/cli/scan/engine.js";
import { shannonEntropy } from "../../../src/cli/scan/entropy.js";
import { isPlaceholder } from "../../../src/cli/scan/placeholders.js";
import { FAKES } from "./support/fakes.js";

const stripe = FAKES.stripe_live as () => string;
const ghp = FAKES.ghp as () => string;

describe("Scanner", () => {
  const scanner = new Scanner();

  it("reports file, line, column and a masked match: public prefix and length only", () => {
    const key = stripe();
    const text = `line one\nline two\nconst k = "${key}";\n`;
    const [f, ...rest] = scanner.scanText(text, { file: "a.ts" });
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      rule: "stripe-secret-key",
      file: "a.ts",
      line: 3,
      column: 12,
      match: "sk_live_… (32 chars)",
    });
    expect(f?.fingerprint).toBe("a.ts:stripe-secret-key:3");
    expect(JSON.stringify(f)).not.toContain(key.slice(4));
  });

  it("finds nothing in text without keywords", () => {
    expect(scanner.scanText("hello world\n".repeat(1000), { file: "a.txt" })).toEqual([]);
  });

  it("finds several keys on one line and in one file", () => {
    const text = `a = "${stripe()}" b = "${ghp()}"\n\nc = "${stripe()}"`;
    const rules = scanner.scanText(text, { file: "x" }).map((f) => `${f.rule}@${f.line}`);
    expect(rules).toEqual(["stripe-secret-key@1", "github-token@1", "stripe-secret-key@3"]);
  });

  it("honours inline allow comments", () => {
    const text = `k = "${stripe()}" # secrets-scan:allow\nj = "${stripe()}"`;
    expect(scanner.scanText(text, { file: "x" }).map((f) => f.line)).toEqual([2]);
  });

  it("honours disabled rules and allowlist regexes", () => {
    const text = `k = "${stripe()}"\nt = "${ghp()}"`;
    expect(
      new Scanner({ disabledRules: ["github-token"] }).scanText(text, { file: "x" }),
    ).toHaveLength(1);
    expect(new Scanner({ allowValues: [/^sk_live_/] }).scanText(text, { file: "x" })).toHaveLength(
      1,
    );
  });

  it("maps diff lines through lineOf and tags commits", () => {
    const [f] = scanner.scanText(`x\n"${stripe()}"`, {
      file: "a.ts",
      commit: "a".repeat(40),
      date: "2026-01-01T00:00:00Z",
      lineOf: (n) => n + 100,
    });
    expect(f).toMatchObject({ line: 102, commit: "a".repeat(40) });
    expect(f?.fingerprint).toBe(`${"a".repeat(40)}:a.ts:stripe-secret-key:102`);
  });

  it("reports a PEM key at its body and only once", () => {
    const pem = (FAKES.pem_rsa as () => string)();
    const found = scanner.scanText(`# key\n${pem}`, { file: "k.pem" });
    expect(found).toHaveLength(1);
    expect(found[0]?.line).toBe(3);
  });

  it("handles long minified lines without blowing up", () => {
    const line = `${"a".repeat(200_000)}key${"b".repeat(200_000)}="${"c1".repeat(10)}"`;
    const started = performance.now();
    scanner.scanText(line, { file: "min.js" });
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe("helpers", () => {
  it("masks to the public prefix and the length, never part of the secret or a hash of it", () => {
    // An 8-character password used to show half of itself ("abcd****").
    expect(redactMatch("abcdefgh")).toBe("… (8 chars)");
    expect(redactMatch("ab")).toBe("… (2 chars)");
    const key = `${"sk_"}live_${"Q".repeat(3)}x9Zr2Lm`;
    expect(redactMatch(key, /^(?:sk|rk)_(?:live|test)_/)).toBe(`sk_live_… (${key.length} chars)`);
    // A value that is only the prefix shows nothing of it.
    expect(redactMatch("sk_live_", /^sk_live_/)).toBe("… (8 chars)");
  });

  it("measures entropy", () => {
    expect(shannonEntropy("")).toBe(0);
    expect(shannonEntropy("aaaa")).toBe(0);
    expect(shannonEntropy("abcd1234")).toBe(3);
  });

  it("recognises placeholders", () => {
    for (const p of [
      "<your-key>",
      "xxxxxxxx",
      "EXAMPLEKEY",
      ["$", "{API_KEY}"].join(""),
      "{{ secrets.X }}",
      "changeme",
      "00000000",
      "0123456789abc",
    ]) {
      expect(isPlaceholder(p), p).toBe(true);
    }
    expect(isPlaceholder(ghp())).toBe(false);
  });
});
