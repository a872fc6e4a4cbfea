/**
 * The known-values matcher of `secrets scan --values`: every form a value
 * takes when copied (base64 at any alignment, URL-encoded, JSON-escaped,
 * each line of a multi-line value), the minimum length, and a finding that
 * holds nothing of the value.
 */

import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Scanner } from "../../../src/cli/scan/engine.js";
import { KnownValues } from "../../../src/cli/scan/known-values-search.js";

const password = () => `p@ss/${randomBytes(9).toString("base64url")}"+é`;

function forms(text: string, value: string, name = "DB_PASSWORD"): string[] {
  return new KnownValues([{ name, value }]).find(text).map((h) => `${h.name}:${h.form}`);
}

describe("KnownValues", () => {
  it("finds the value as is, URL-encoded and JSON-escaped", () => {
    const v = password();
    // Files are read as latin1 (one char per byte): the UTF-8 bytes of the value.
    const latin1 = Buffer.from(v).toString("latin1");
    expect(forms(`const a = '${latin1}';`, v)).toEqual(["DB_PASSWORD:exact"]);
    expect(forms(`https://db.test/?p=${encodeURIComponent(v)}&x=1`, v)).toEqual([
      "DB_PASSWORD:url-encoded",
    ]);
    const json = Buffer.from(JSON.stringify({ password: v })).toString("latin1");
    expect(forms(json, v)).toEqual(["DB_PASSWORD:json-escaped"]);
  });

  it("finds base64 standalone and embedded at all three alignments (HTTP Basic user:pass)", () => {
    const v = password();
    for (const user of ["a", "ab", "abc", "user"]) {
      const header = `Authorization: Basic ${Buffer.from(`${user}:${v}`).toString("base64")}`;
      expect(forms(header, v), user).toEqual(["DB_PASSWORD:base64"]);
    }
    expect(forms(Buffer.from(v).toString("base64url"), v)).toEqual([
      expect.stringMatching(/^DB_PASSWORD:base64(url)?$/),
    ]);
  });

  it("finds each line of a multi-line value, and the whole value once", () => {
    const lines = Array.from({ length: 4 }, () => randomBytes(24).toString("base64"));
    const pem = ["-----BEGIN TEST-----", ...lines, "-----END TEST-----"].join("\n");
    expect(forms(`key: |\n  ${lines[2]}\n`, pem, "TLS_KEY")).toEqual(["TLS_KEY:line"]);
    expect(forms(`x\n${pem}\ny`, pem, "TLS_KEY")).toEqual(["TLS_KEY:exact"]);
  });

  it("finds the string fields of a JSON value", () => {
    const secret = randomBytes(12).toString("hex");
    const value = JSON.stringify({ username: "app", password: secret });
    expect(forms(`PGPASSWORD=${secret}`, value, "DB")).toEqual(["DB:json-field"]);
  });

  it("skips values shorter than 8 characters in every form, and says which", () => {
    const known = new KnownValues([
      { name: "PIN", value: "4821" },
      { name: "SEVEN", value: "abc12xy" },
      { name: "EIGHT", value: "abc12xyz" },
    ]);
    expect(known.tooShort).toEqual(["PIN", "SEVEN"]);
    expect(known.find("4821 abc12xy YWJjMTJ4eQ== abc12xyz").map((h) => h.name)).toEqual(["EIGHT"]);
  });

  it("reports a hit as rule known-value naming the reference, with nothing of the value", () => {
    const v = password();
    const scanner = new Scanner({
      knownValues: new KnownValues([{ name: "DB_PASSWORD", value: v }]),
    });
    const text = `a\nconst url = "postgres://app:${encodeURIComponent(v)}@db.internal/app";\n`;
    const found = scanner.scanText(text, { file: "src/db.ts" });
    // The URL rule reports the same spot on its own; the known value names the reference.
    expect(found.map((x) => x.rule).sort()).toEqual(["known-value", "url-credentials"]);
    const f = found.find((x) => x.rule === "known-value");
    expect(f).toMatchObject({
      rule: "known-value",
      file: "src/db.ts",
      line: 2,
      reference: "DB_PASSWORD",
      fingerprint: "src/db.ts:known-value:2",
    });
    expect(f?.match).toMatch(/^DB_PASSWORD \(url-encoded, \d+ chars\)$/);
    const printed = JSON.stringify(f);
    expect(printed).not.toContain(v.slice(5, 13));
    expect(printed).not.toContain(encodeURIComponent(v).slice(5, 13));
    // No hash of the value either: the digest names the reference.
    expect(f?.digest).toBe("known-value:DB_PASSWORD");
  });

  it("stays linear: 100 values over 8 MB in well under a second", () => {
    const values = Array.from({ length: 100 }, (_, i) => ({
      name: `V${i}`,
      value: randomBytes(18).toString("base64"),
    }));
    const known = new KnownValues(values);
    const chunk = "const x = require('y'); function f(a, b) { return a + b; }\n";
    const text = `${chunk.repeat(Math.ceil(8e6 / chunk.length))}${values[42]?.value}`;
    const started = performance.now();
    expect(known.find(text).map((h) => h.name)).toEqual(["V42"]);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
