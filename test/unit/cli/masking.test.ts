import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { MIN_MASKED_LENGTH } from "../../../src/cli/masking.js";
import { injectedForm, maskPatterns, secretStrings } from "../../../src/cli/run/forms.js";
import { OutputMasker } from "../../../src/cli/run/output-masker.js";

const rand = (n = 12) => randomBytes(n).toString("base64url");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A fake PEM private key, built at run time. */
function fakePem(): string {
  const body = Array.from({ length: 6 }, () => randomBytes(48).toString("base64"));
  const label = ["PRIVATE", "KEY"].join(" ");
  return [`-----BEGIN ${label}-----`, ...body, `-----END ${label}-----`].join("\n");
}

/** A masker over two streams whose output is collected per stream and interleaved. */
function harness(values: unknown[], holdMs = 100) {
  const out: string[] = ["", ""];
  let joined = "";
  const masker = new OutputMasker(
    maskPatterns(values.flatMap(secretStrings)),
    [0, 1].map((i) => (s: string) => {
      out[i] += s;
      joined += s;
    }),
    { holdMs },
  );
  return {
    masker,
    out,
    get joined() {
      return joined;
    },
  };
}

/** Fails when `text` holds the value or any line of it of the masked length or more. */
function expectNoLeak(text: string, value: string): void {
  expect(text).not.toContain(value);
  for (const line of value.split(/\r?\n/)) {
    if (line.length >= MIN_MASKED_LENGTH) expect(text).not.toContain(line);
  }
}

describe("run --redact masking", () => {
  it("masks a PEM written line by line, and any one of its lines", () => {
    const pem = fakePem();
    const h = harness([pem]);
    for (const line of pem.split("\n")) h.masker.write(0, `${line}\n`);
    h.masker.write(1, `warning: key line ${pem.split("\n")[3]} seen\n`);
    h.masker.close();
    expectNoLeak(h.joined, pem);
    expect(h.out[1]).toMatch(/^warning: key line \[REDACTED\] seen\n$/);
  });

  it("masks the JSON-escaped form a structured logger prints", () => {
    const pem = fakePem();
    const h = harness([pem]);
    h.masker.write(0, `${JSON.stringify({ level: "info", key: pem })}\n`);
    h.masker.write(0, `${JSON.stringify({ k: `a/b ${pem}` }).replaceAll("/", "\\/")}\n`);
    h.masker.close();
    expect(h.out[0]).not.toContain(JSON.stringify(pem).slice(1, -1));
    for (const line of pem.split("\n")) expect(h.out[0]).not.toContain(line.replaceAll("/", "\\/"));
    expectNoLeak(h.out[0] as string, pem);
  });

  it("masks non-ASCII values, also \\u-escaped and followed by a combining mark", () => {
    const value = `pässwörd-${rand()}-日本`;
    const h = harness([value]);
    h.masker.write(0, `${value}\u0301\n`);
    const ascii = JSON.stringify(value).replace(
      /[^\x20-\x7e]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
    h.masker.write(0, `{"v": "${ascii}"}\n`);
    h.masker.close();
    expect(h.out[0]).not.toContain(value);
    expect(h.out[0]).not.toContain(ascii.slice(1, -1));
  });

  it("masks URL-encoded forms", () => {
    const value = `p@ss w/rd+${rand()}&x=1`;
    const h = harness([value]);
    h.masker.write(0, `GET /?token=${encodeURIComponent(value)}\n`);
    h.masker.write(0, `body: ${new URLSearchParams({ token: value }).toString()}\n`);
    h.masker.close();
    expect(h.out[0]).not.toContain(encodeURIComponent(value));
    expect(h.out[0]).not.toContain(new URLSearchParams({ v: value }).toString().slice(2));
  });

  it("masks base64, standalone and inside HTTP Basic credentials at every alignment", () => {
    const value = `pw-${rand(18)}`;
    const h = harness([value]);
    const b64 = Buffer.from(value).toString("base64");
    h.masker.write(0, `plain ${b64}\n`);
    const headers: string[] = [];
    for (const user of ["u", "us", "usr", "user", "users"]) {
      const header = Buffer.from(`${user}:${value}`).toString("base64");
      headers.push(header);
      h.masker.write(0, `Authorization: Basic ${header}\n`);
    }
    h.masker.close();
    expect(h.out[0]).not.toContain(b64.slice(0, -2));
    // At most one encoded block either side of the masked core survives.
    for (const header of headers) expect(h.out[0]).not.toContain(header.slice(4, -4));
    expect(h.out[0]?.match(/\[REDACTED\]/g)).toHaveLength(6);
  });

  it("masks a value split across two writes far apart in time", async () => {
    const value = `sk_${"live"}_${rand(16)}`;
    const h = harness([value], 50);
    h.masker.write(0, `key=${value.slice(0, 12)}`);
    await sleep(200);
    h.masker.write(0, `${value.slice(12)} done\n`);
    h.masker.close();
    expectNoLeak(h.joined, value);
    expect(h.out[0]).toBe("key=[REDACTED] done\n");
  });

  it("masks the rest of a value whose short start was let through", async () => {
    const value = `sk_${"live"}_${rand(16)}`;
    const h = harness([value], 50);
    h.masker.write(0, `key=${value.slice(0, 4)}`);
    await sleep(120);
    expect(h.out[0]).toBe(`key=${value.slice(0, 4)}`);
    h.masker.write(0, `${value.slice(4)}\n`);
    h.masker.close();
    expect(h.out[0]).toBe(`key=${value.slice(0, 4)}[REDACTED]\n`);
  });

  it("masks a value split across stdout and stderr", () => {
    const value = `tok-${rand(20)}`;
    const h = harness([value]);
    h.masker.write(0, value.slice(0, 10));
    h.masker.write(1, `${value.slice(10)}\n`);
    h.masker.close();
    expectNoLeak(h.joined, value);
    expect(h.out[0]).not.toContain(value.slice(0, 10));
  });

  it("masks a value in one stream while the other writes in between", () => {
    const value = `tok-${rand(20)}`;
    const h = harness([value]);
    h.masker.write(0, value.slice(0, 10));
    h.masker.write(1, "progress 50%\n");
    h.masker.write(0, `${value.slice(10)}\n`);
    h.masker.close();
    expect(h.out[0]).toBe("[REDACTED]\n");
    expect(h.out[1]).toBe("progress 50%\n");
  });

  it("holds a possible start of a value for at most the hold time, and not past a line break", async () => {
    const value = `abcdefgh-${rand()}`;
    const h = harness([value], 100);
    h.masker.write(0, "prompt> abc");
    expect(h.out[0]).toBe("prompt> ");
    await sleep(160);
    expect(h.out[0]).toBe("prompt> abc");
    h.masker.write(0, "\nabcdef\nnext");
    expect(h.out[0]).toBe("prompt> abc\nabcdef\nnext");
    h.masker.close();
  });

  it(`leaves values and lines shorter than ${MIN_MASKED_LENGTH} characters alone`, () => {
    const short = "hunter2";
    const multi = `ab\n${"x".repeat(4)}-${rand()}`;
    const h = harness([short, multi]);
    h.masker.write(0, `${short} ab ${multi.split("\n")[1]}\n`);
    h.masker.close();
    expect(h.out[0]).toBe(`${short} ab [REDACTED]\n`);
  });

  it("injects bytes as base64 and masks them and their text", () => {
    const text = `bin-${rand()}`;
    const bytes = new Uint8Array(Buffer.from(text));
    expect(injectedForm(bytes)).toBe(Buffer.from(text).toString("base64"));
    const h = harness([bytes]);
    h.masker.write(0, `${injectedForm(bytes)} ${text}\n`);
    h.masker.close();
    expect(h.out[0]).toBe("[REDACTED] [REDACTED]\n");
  });

  it("masks the string leaves of a JSON value", () => {
    const secret = `leaf-${rand()}`;
    const value = { user: "app", password: secret };
    const h = harness([value]);
    h.masker.write(0, `password is ${secret}\n${JSON.stringify(value)}\n`);
    h.masker.close();
    expect(h.out[0]).not.toContain(secret);
  });
});

describe("run --redact: base64 wrapped at any width up to 120, LF or CRLF", () => {
  it("masks the value's base64 however it is wrapped, also inside user:password", () => {
    const value = `postgres://svc:Pw-${rand(24)}@db.internal.test:5432/app?sslmode=verify-full`;
    const wrap = (s: string, width: number, eol: string) =>
      (s.match(new RegExp(`.{1,${width}}`, "g")) ?? []).join(eol);
    for (const text of [value, `user:${value}`]) {
      const b64 = Buffer.from(text).toString("base64");
      for (let width = 1; width <= 120; width++) {
        for (const eol of ["\n", "\r\n"]) {
          const h = harness([value]);
          h.masker.write(0, `${wrap(b64, width, eol)}${eol}`);
          h.masker.close();
          const flat = (h.out[0] as string).replace(/[\r\n]/g, "");
          const core = Buffer.from(value).toString("base64").slice(2, -2);
          for (let i = 0; i + 12 <= core.length; i += 4) {
            expect(flat, `width ${width} ${JSON.stringify(eol)}`).not.toContain(
              core.slice(i, i + 12),
            );
          }
        }
      }
    }
  });
});
