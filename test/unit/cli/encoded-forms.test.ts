/**
 * The one list of spellings shared by `run --redact` and `scan --values`.
 */

import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { encodedForms } from "../../../src/cli/encoded-forms.js";
import { KnownValues } from "../../../src/cli/scan/known-values-search.js";

const value = `p@ss/w&rd <${randomBytes(6).toString("hex")}> é+x y`;

describe("encodedForms", () => {
  it("lists every documented spelling once, the value first", () => {
    const forms = encodedForms(value);
    const texts = forms.map((f) => f.text);
    expect(forms[0]).toEqual({ form: "exact", text: value });
    expect(new Set(texts).size).toBe(texts.length);
    const b64 = Buffer.from(value).toString("base64");
    const hex = Buffer.from(value).toString("hex");
    for (const expected of [
      JSON.stringify(value).slice(1, -1),
      JSON.stringify(value).slice(1, -1).replaceAll("/", "\\/"),
      JSON.stringify(value)
        .slice(1, -1)
        .replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`),
      encodeURIComponent(value),
      encodeURI(value),
      escape(value),
      new URLSearchParams({ v: value }).toString().slice(2),
      b64,
      Buffer.from(value).toString("base64url"),
      hex,
      hex.toUpperCase(),
    ]) {
      expect(texts, expected).toContain(expected);
    }
  });

  it("skips what is shorter than 8 characters", () => {
    expect(encodedForms("short")).toEqual([]);
  });

  it("is what scan --values searches: a hex spelling is found and named", () => {
    const hex = Buffer.from(value).toString("hex");
    const hits = new KnownValues([{ name: "DB_PASSWORD", value }]).find(`x = "${hex}"`);
    expect(hits.map((h) => h.form)).toEqual(["hex"]);
  });
});
