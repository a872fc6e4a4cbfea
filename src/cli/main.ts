#!/usr/bin/env node
/**
 * The `secrets` CLI: doctor, scan, get, run. Arguments are parsed by
 * commander; every failure becomes one line on stderr and an exit code
 * (0 ok, 1 findings or failed checks, 2 usage or input errors), never a
 * stack trace (set SECRETS_DEBUG=1 to see one).
 */

import { type Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { ConfigFileError, EXIT, ScanInputError, UsageError } from "./errors.js";
import { QuietCommand } from "./quiet-command.js";
import { MAX_READABLE_FILE_SIZE } from "./scan/limits.js";
import { isValidSince, SINCE_FORMS } from "./scan/since.js";
import { packageVersion } from "./version.js";

function fileSize(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new InvalidArgumentError("expected a whole number of bytes > 0");
  if (n > MAX_READABLE_FILE_SIZE)
    throw new InvalidArgumentError(
      `expected at most ${MAX_READABLE_FILE_SIZE} bytes (the largest file that can be scanned)`,
    );
  return n;
}

function since(value: string): string {
  if (!isValidSince(value)) throw new InvalidArgumentError(`expected ${SINCE_FORMS}`);
  return value.trim();
}

const NOW_FORM = "an ISO 8601 date or date-time with a zone (2026-03-01, or 2026-03-01T12:00:00Z)";
const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/**
 * `--now`: a date (midnight UTC) or a date-time with a zone, so the moment
 * does not depend on the machine's time zone. The calendar is checked here
 * because `Date` rolls "2026-02-30" over to March.
 */
function now(value: string): Date {
  const text = value.trim();
  const m = ISO_INSTANT.exec(text);
  if (m) {
    const [, y, mo, d, h = "0", mi = "0", sec = "0"] = m;
    const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
    const at = new Date(text);
    if (
      day.getUTCMonth() === Number(mo) - 1 &&
      day.getUTCDate() === Number(d) &&
      Number(h) < 24 &&
      Number(mi) < 60 &&
      Number(sec) < 60 &&
      !Number.isNaN(at.getTime())
    )
      return at;
  }
  throw new InvalidArgumentError(`expected ${NOW_FORM}`);
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * Builds the commander program for the command line `args` (after
 * `secrets`), which its error messages refer to by position. Exported for tests.
 */
export function buildProgram(args: readonly string[] = process.argv.slice(2)): Command {
  const program = new QuietCommand("secrets", args)
    .description(
      "Check an app against the API-key security checklist, scan for leaked keys, and load secrets.",
    )
    .version(packageVersion(), "-V, --version")
    .showSuggestionAfterError(true)
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      // Commander's wording quotes the offending argument: main() prints its own.
      outputError: () => {},
    });

  program
    .command("scan")
    .description("Scan files, staged changes or git history for leaked keys (exit 1 on findings).")
    .argument("[paths...]", "files or directories to scan (default: .)")
    .option("--staged", "scan the lines added in the git index (for a pre-commit hook)")
    .option("--history", "scan the added lines of all reachable git history")
    .addOption(
      new Option(
        "--since <date>",
        'with --history: only commits after this date (2025-01-31, or "90 days ago")',
      ).argParser(since),
    )
    .option("--json", "print JSON")
    .option("--sarif", "print SARIF 2.1.0 (for code scanning)")
    .option("--config <file>", "config file (default: search secrets.config.json / package.json)")
    .option("--no-gitignore", "also scan files that .gitignore excludes")
    .option(
      "--values",
      "also find the values of the config's references (resolved through their providers, held in memory only)",
    )
    .addOption(new Option("--max-file-size <bytes>", "skip larger files").argParser(fileSize))
    .action(async (paths: string[], options) => {
      const { runScan } = await import("./commands/scan.js");
      process.exitCode = await runScan(paths, options);
    });

  program
    .command("doctor")
    .description("Check a project against the API-key security checklist (exit 1 on any fail).")
    .argument("[dir]", "project directory", ".")
    .option("--json", "print JSON")
    .option("--sarif", "print SARIF 2.1.0 (for code scanning)")
    .option(
      "--sarif-file <path>",
      "also write SARIF 2.1.0 to this file (the table or --json still print)",
    )
    .option("--strict", "treat warnings as failures")
    .option("--fix-hooks", "install a git pre-commit hook running `secrets scan --staged`")
    .addOption(
      new Option(
        "--since <date>",
        'bound the git history scan (2025-01-31, or "90 days ago")',
      ).argParser(since),
    )
    .option("--config <file>", "config file (default: search from dir)")
    .option(
      "--config-module <file>",
      "also check the entries of this defineConfig() module (.js/.mjs; .ts on Node >= 22.18)",
    )
    .option("--offline", "skip checks that contact providers (reported as manual)")
    .addOption(
      new Option(
        "--now <iso>",
        "measure rotation ages from this moment instead of the clock (2026-03-01T12:00:00Z)",
      ).argParser(now),
    )
    .action(async (dir: string, options) => {
      const { runDoctor } = await import("./commands/doctor.js");
      process.exitCode = await runDoctor(dir, options);
    });

  program
    .command("get")
    .description("Print a secret's value for scripts (on a terminal only with --reveal).")
    .argument("<ref>", "a reference such as env://API_KEY or aws-sm://prod/db#password")
    .option("--reveal", "print the value even though stdout is a terminal")
    .option("--json", "print metadata (provider, version, expiry), never the value")
    .option("--config <file>", "config file for provider options")
    .action(async (ref: string, options) => {
      const { runGet } = await import("./commands/get.js");
      process.exitCode = await runGet(ref, options);
    });

  program
    .command("rotate")
    .description(
      "Rotate an aws-sm:// secret: generate, deploy, verify, finish (resumes after a crash).",
    )
    .argument("<ref>", "the secret, such as aws-sm://prod/db")
    .requiredOption("--with <module>", "a module exporting generate, deploy and verify")
    .option("--provider <name>", "the AWS provider's name in the config", "aws")
    .option("--step-timeout <ms>", "deadline of each step in ms (default 120000)")
    .option("--config <file>", "config file for provider options")
    .action(async (ref: string, options) => {
      const { runRotate } = await import("./commands/rotate.js");
      process.exitCode = await runRotate(ref, options);
    });

  program
    .command("run")
    .description("Run a command with resolved secrets in its environment.")
    .argument("<command...>", "the command and its arguments, after --")
    .option("--env <NAME=ref>", "set NAME to the value of ref (repeatable)", collect)
    .option("--from <config>", "also set every reference of this config file")
    .option(
      "--config-module <file>",
      "also validate and set every entry of this defineConfig() module (.js/.mjs; .ts on Node >= 22.18)",
    )
    .option("--redact", "mask the values in the command's stdout and stderr")
    .option("--config <file>", "config file for provider options")
    .passThroughOptions()
    .action(async (command: string[], options) => {
      const { runRun } = await import("./commands/run.js");
      process.exitCode = await runRun(command, options);
    });

  return program;
}

/**
 * A reader that went away (`secrets get ... | head -1`) ends our output
 * quietly: further writes are dropped, and no stack trace is printed.
 */
function quietOnBrokenPipe(stream: NodeJS.WriteStream): void {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE" || err.code === "ERR_STREAM_DESTROYED") {
      stream.destroy();
      return;
    }
    if (stream !== process.stderr)
      process.stderr.write(`secrets: cannot write output: ${err.code ?? err.message}\n`);
    process.exitCode = EXIT.usage;
  });
}

/**
 * Runs the CLI with `argv` and sets `process.exitCode`.
 */
export async function main(argv: readonly string[]): Promise<void> {
  quietOnBrokenPipe(process.stdout);
  quietOnBrokenPipe(process.stderr);
  const program = buildProgram(argv.slice(2));
  try {
    await program.parseAsync(argv as string[]);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; a parse error is worded without quoting any argument.
      process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
      const failure = program instanceof QuietCommand ? program.failure : undefined;
      if (failure) {
        const { describeFailure } = await import("./describe-input.js");
        process.stderr.write(`secrets: ${describeFailure(failure, argv.slice(2))}\n`);
      }
      return;
    }
    if (process.env.SECRETS_DEBUG) console.error(err);
    const known =
      err instanceof UsageError || err instanceof ScanInputError || err instanceof ConfigFileError;
    // Loaded only on this path: the start-up of every command does not pay for it.
    const { firstLine } = await import("../provider/index.js");
    const { scrubArguments } = await import("./describe-input.js");
    process.stderr.write(
      `secrets: ${known ? "" : "error: "}${scrubArguments(firstLine(err), argv.slice(2))}\n`,
    );
    process.exitCode = EXIT.usage;
  }
}

await main(process.argv);
