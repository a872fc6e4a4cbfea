/**
 * Runs the built `secrets` bin as a child process, as a user would.
 */

import { type SpawnSyncOptions, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import Ajv04 from "ajv-draft-04";
import addFormats from "ajv-formats";
import { z } from "zod";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** The built bin (package.json "bin": secrets). */
export const BIN = join(root, "dist/src/cli/main.js");

/** Fails loudly when the package was not built. */
export function assertBuilt(): void {
  if (!existsSync(BIN))
    throw new Error(`${BIN} is missing: run \`npm run build\` before the e2e tests`);
}

/** What a CLI run produced. */
export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `secrets <args>` with a clean, colourless, non-TTY environment unless `env` says otherwise. */
export function cli(
  args: string[],
  o: { cwd?: string; env?: NodeJS.ProcessEnv; prefix?: string[] } = {},
): CliRun {
  assertBuilt();
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...o.env };
  const options: SpawnSyncOptions = { cwd: o.cwd ?? root, env, encoding: "utf8", timeout: 60_000 };
  const [cmd, ...pre] = o.prefix ?? [];
  const r = cmd
    ? spawnSync(cmd, [...pre, process.execPath, BIN, ...args], options)
    : spawnSync(process.execPath, [BIN, ...args], options);
  if (r.error) throw r.error;
  return { code: r.status, signal: r.signal, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** True when the text has ANSI colour codes. */
export function hasAnsi(text: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for escape codes
  return /\x1b\[/.test(text);
}

/** Asserts a usage error: exit 2, one line on stderr, no stack trace. Returns the line. */
export function usageLine(r: CliRun): string {
  const lines = r.stderr.trimEnd().split("\n");
  if (r.code !== 2) throw new Error(`expected exit 2, got ${r.code}: ${r.stderr}`);
  if (lines.length !== 1) throw new Error(`expected one line on stderr, got:\n${r.stderr}`);
  if (/\n\s+at /.test(r.stderr) || /Error:/.test(r.stderr))
    throw new Error(`stack trace on stderr:\n${r.stderr}`);
  return lines[0] as string;
}

const require = createRequire(import.meta.url);

/** Validates against the official SARIF 2.1.0 JSON schema (vendored by @microsoft/jest-sarif). */
export function sarifValidator(): (doc: unknown) => string[] {
  const file = join(
    dirname(require.resolve("@microsoft/jest-sarif/package.json")),
    "lib/schemas/sarif-2.1.0-rtm.5.json",
  );
  const schema = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  // The published schema has one pattern that is only valid without the u flag.
  const ajv = new Ajv04.default({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats.default(ajv);
  const validate = ajv.compile(schema);
  return (doc) =>
    validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/** Validates against the JSON Schema generated from one of the CLI's zod output schemas. */
export function jsonValidator(schema: z.ZodType): (doc: unknown) => string[] {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats.default(ajv);
  const validate = ajv.compile(z.toJSONSchema(schema) as object);
  return (doc) =>
    validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/**
 * A command prefix under which file permission bits apply even to root:
 * util-linux `setpriv` drops the capabilities that let root read anything.
 */
export function withoutRootOverride(): string[] {
  if (process.getuid?.() !== 0) return [];
  const probe = spawnSync("setpriv", ["--version"]);
  if (probe.error)
    throw new Error("`setpriv` (util-linux) is needed to test an unreadable file as root");
  return ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--"];
}
