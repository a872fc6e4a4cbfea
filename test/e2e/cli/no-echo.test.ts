/**
 * No CLI message quotes what the user typed where a value may have been
 * pasted: unknown options and commands, invalid option values, extra
 * arguments, bad `--env` pairs, references that are not references. Each is
 * named by its position and described by its shape. The values are fake,
 * built at run time; no 6 characters of their secret part may reach stdout
 * or stderr.
 */

import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, cli, usageLine } from "./support.js";

beforeAll(() => assertBuilt());

const secret = () => `Zq${randomBytes(12).toString("base64url").replace(/[-_]/g, "x")}`;
const S = secret();
const PW = secret();
const URL_WITH_PASSWORD = `postgres://svc:${PW}@db.internal.test:5432/app`;
const STRIPE_LIKE = ["-sk", "_live_", S].join("");
const PEM = [
  `-----BEGIN ${["PRIVATE", "KEY"].join(" ")}-----`,
  S,
  randomBytes(24).toString("base64"),
  `-----END ${["PRIVATE", "KEY"].join(" ")}-----`,
].join("\n");

/** Fails when any 6 characters in a row of `secret` appear in `text`. */
function expectNoPart(text: string, secretPart: string): void {
  for (let i = 0; i + 6 <= secretPart.length; i++) {
    expect(text, "a part of the value was echoed").not.toContain(secretPart.slice(i, i + 6));
  }
}

const CASES: Array<[string, string[], string, RegExp]> = [
  [
    "get with a Stripe-like key as the reference",
    ["get", STRIPE_LIKE],
    S,
    /argument 2 \(it looks like an API key/,
  ],
  ["get with a PEM as the reference", ["get", PEM], S, /argument 2 \(it looks like a PEM key/],
  [
    "get with a URL with a password as the reference",
    ["get", URL_WITH_PASSWORD],
    PW,
    /argument 2: the reference looks like a URL with a password/,
  ],
  ["get with a bare value as the reference", ["get", S], S, /argument 2: the reference/],
  [
    "an unknown option given with =",
    ["get", `--reveal=${S}`, "env://A"],
    S,
    /argument 2 \(it starts with "-"/,
  ],
  [
    "an unknown command",
    [S],
    S,
    /argument 1 \(it .*\) is not a command; commands: scan, doctor, get, rotate, run/,
  ],
  [
    "an unknown long option (with a suggestion)",
    ["get", `--jsno${S}`, "env://A"],
    S,
    /argument 2 .* is not an option of secrets get/,
  ],
  [
    "extra arguments",
    ["get", "env://A", S],
    S,
    /too many arguments for secrets get: expected 1, got 2/,
  ],
  [
    "an invalid --since",
    ["scan", "--since", S],
    S,
    /argument 3 \(it .*\): invalid value for option '--since <date>'; expected/,
  ],
  [
    "an invalid --since=",
    ["scan", `--since=${S}`],
    S,
    /argument 2 \(it .*\): invalid value for option '--since <date>'; expected/,
  ],
  [
    "an invalid --now",
    ["doctor", "--now", URL_WITH_PASSWORD],
    PW,
    /argument 3 \(it looks like a URL with a password/,
  ],
  [
    "an invalid --max-file-size",
    ["scan", "--max-file-size", S],
    S,
    /argument 3 .*: invalid value for option '--max-file-size <bytes>'/,
  ],
  [
    "run --env with a URL instead of NAME=ref",
    ["run", "--env", URL_WITH_PASSWORD, "--", "true"],
    PW,
    /^secrets: argument 3: looks like a URL with a password \(\d+ characters\); --env expects NAME=reference/,
  ],
  [
    "run --env with a bad name",
    ["run", "--env", `1${S}=x`, "--", "true"],
    S,
    /argument 3: has the form NAME=value/,
  ],
  [
    "run --env= with a PEM",
    ["run", `--env=${PEM}`, "--", "true"],
    S,
    /argument 2: looks like a PEM key/,
  ],
  [
    "run with an unknown option",
    ["run", STRIPE_LIKE, "--", "true"],
    S,
    /argument 2 \(it looks like an API key/,
  ],
];

describe("the CLI never echoes a value given where something else belongs", () => {
  it.each(CASES)("%s", (_label, args, secretPart, expected) => {
    const r = cli(args);
    expectNoPart(r.stdout + r.stderr, secretPart);
    expect(usageLine(r)).toMatch(expected);
  });

  it("run: a reference that is a URL with a password is described, not shown", () => {
    const r = cli(["run", "--env", `A=${URL_WITH_PASSWORD}`, "--", "true"]);
    expectNoPart(r.stdout + r.stderr, PW);
    expectNoPart(r.stdout + r.stderr, "svc:");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /could not resolve A \(argument 3, --env A=…\): \[INVALID_REFERENCE\] the reference looks like a URL with a password/,
    );
  });

  it("run: a command that looks like a credential is not named", () => {
    const r = cli(["run", "--env", "A=env://HOME", "--", ["sk", "_live_", S].join("")]);
    expectNoPart(r.stdout + r.stderr, S);
    expect(r.code).toBe(127);
    expect(r.stderr).toMatch(/cannot run the command \(argument 5: it looks like an API key/);
  });

  it.each([
    ["get with a reference whose name is a key", ["get", `env://SK_LIVE_${S}`], S],
    [
      "get --config with a key as the path",
      ["get", `--config=${STRIPE_LIKE.slice(1)}`, "env://A"],
      S,
    ],
    [
      "run --from with a URL with a password",
      ["run", "--from", URL_WITH_PASSWORD, "--", "true"],
      PW,
    ],
    ["scan of a path that is a key", ["scan", STRIPE_LIKE.slice(1)], S],
  ])("%s: the message describes it", (_label, args, secretPart) => {
    const r = cli(args as string[]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/argument \d+: looks like/);
    expectNoPart(r.stdout + r.stderr, secretPart as string);
  });

  it("help and version still work", () => {
    expect(cli(["--help"]).code).toBe(0);
    expect(cli(["get", "--help"]).stdout).toMatch(/Usage: secrets get/);
    expect(cli(["-V"]).code).toBe(0);
  });
});
