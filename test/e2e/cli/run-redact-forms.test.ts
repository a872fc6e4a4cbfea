/**
 * `secrets run --redact` against a child that prints three values (a URL
 * with a password, non-ASCII text, a PEM-like multi-line key) in every
 * spelling of `redact/encodings.ts`: whole, in 5-character writes, in two
 * writes 250 ms apart, and split between stdout and stderr. No 12 characters
 * in a row of any spelling may reach either stream (line breaks ignored, so
 * wrapped base64 counts as one text).
 */

import { randomBytes } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { ENCODINGS } from "./redact/encodings.js";
import { assertBuilt, cli } from "./support.js";

beforeAll(() => assertBuilt());

const rand = (n = 9) => randomBytes(n).toString("base64url");
const PRINT = join(dirname(fileURLToPath(import.meta.url)), "redact/print.ts");

function fakePem(): string {
  const body = Array.from({ length: 4 }, () => randomBytes(48).toString("base64"));
  const label = ["PRIVATE", "KEY"].join(" ");
  return [`-----BEGIN ${label}-----`, ...body, `-----END ${label}-----`].join("\n");
}

const VALUES = {
  // 100+ characters, with & < > " ' space and + for the encoders to escape.
  V1: `postgres://svc:Pw-${rand()}&q<r>"s'@db-${rand(6)}.internal.test:5432/app?sslmode=verify-full&opt=a b+c`,
  V2: `pässwörd-${rand()}-日本-€ 😀 und/oder+${rand(6)}`,
  V3: fakePem(),
};

/** Every run of `n` characters of `encoded` (line breaks taken out). */
function windows(encoded: string, n = 12): string[] {
  const flat = encoded.replace(/[\r\n]/g, "");
  const out: string[] = [];
  for (let i = 0; i + n <= flat.length; i++) out.push(flat.slice(i, i + n));
  return out;
}

describe("secrets run --redact masks every listed spelling (built bin, child process)", () => {
  it.each(Object.keys(ENCODINGS))("%s", (name) => {
    const encode = ENCODINGS[name] as (v: string) => string;
    const r = cli(
      [
        "run",
        "--redact",
        ...Object.keys(VALUES).flatMap((k) => ["--env", `${k}=env://LEAK_${k}`]),
        "--",
        process.execPath,
        PRINT,
        name,
      ],
      { env: Object.fromEntries(Object.entries(VALUES).map(([k, v]) => [`LEAK_${k}`, v])) },
    );
    expect(r.code, r.stderr).toBe(0);
    // The child printed what it was asked to (12 lines per value, 3 on stderr).
    expect(r.stdout.match(/ end\r?\n/g)).toHaveLength(9);
    expect(r.stderr.match(/ end\r?\n/g)).toHaveLength(3);
    for (const [key, value] of Object.entries(VALUES)) {
      const encoded = encode(value);
      for (const [stream, text] of [
        ["stdout", r.stdout],
        ["stderr", r.stderr],
      ] as const) {
        const flat = text.replace(/[\r\n]/g, "");
        const leaked = windows(encoded).find((w) => flat.includes(w));
        // On failure, name the way of writing (the first word of the line), not the value.
        const line =
          leaked && text.split("\n").find((l) => l.replace(/\r/g, "").includes(leaked.slice(0, 6)));
        expect(
          leaked === undefined,
          `${key} leaked on ${stream} (${name}): ${line?.split(" ")[0]}`,
        ).toBe(true);
      }
    }
  });
});
