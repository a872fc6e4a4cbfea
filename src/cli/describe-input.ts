/**
 * Words errors about what the user typed without quoting it: an argument is
 * named by its position on the command line and described by its shape
 * (`argument 2 (it looks like an API key (27 characters))`). Loads the core's
 * credential detectors, so the CLI imports it only on its error paths.
 */

import { describeShape, looksLikeCredential } from "../index.js";
import type { ParseFailure } from "./quiet-command.js";

/**
 * "argument 3" for the argument `value` of the command line (1 is the first
 * after `secrets`), also when it was given as `--option=value`; "an argument"
 * when it is not found.
 *
 * @example
 * ```ts
 * argumentAt("x", ["get", "x"]); // "argument 2"
 * ```
 */
export function argumentAt(value: string, args: readonly string[] = process.argv.slice(2)): string {
  const i = args.findIndex((a) => a === value || a.endsWith(`=${value}`));
  return i === -1 ? "an argument" : `argument ${i + 1}`;
}

/**
 * `message` with every argument of the command line that looks like a
 * credential (whole, after an `=`, or a part of it between `/`, `:`, `@`, `#`,
 * `?`, `&` or `=`) replaced by its position and shape. The last guard on what
 * the CLI prints about its input: a message built from a path or a
 * reference the user gave cannot carry a value pasted there.
 *
 * @example
 * ```ts
 * scrubArguments("no file ./x", ["scan", "./x"]); // unchanged: "./x" is no credential
 * ```
 */
export function scrubArguments(
  message: string,
  args: readonly string[] = process.argv.slice(2),
): string {
  let out = message;
  args.forEach((arg, i) => {
    const value = arg.startsWith("-") && arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : arg;
    const parts = [value, ...value.split(/[/:@#?&=\s]+/)].filter(
      (p) => p.length >= 6 && looksLikeCredential(p),
    );
    for (const p of parts.sort((a, b) => b.length - a.length)) {
      if (out.includes(p)) out = out.replaceAll(p, `<argument ${i + 1}: ${describeShape(p)}>`);
    }
  });
  return out;
}

/**
 * The one-line message for a parse error, naming arguments by position and
 * shape, never by content.
 *
 * @example
 * ```ts
 * describeFailure({ kind: "excessArguments", command: "get", commands: [], expected: 1, got: 2 }, []);
 * ```
 */
export function describeFailure(f: ParseFailure, args: readonly string[]): string {
  const where = (value: string) => `${argumentAt(value, args)} (it ${describeShape(value)})`;
  const title = f.command ? `secrets ${f.command}` : "secrets";
  const help = `${title} --help`;
  const hint = (s: string | undefined) => (s ? `; did you mean ${s}?` : "");
  switch (f.kind) {
    case "unknownOption":
      return f.value === undefined
        ? `unknown option; see ${help}`
        : `${where(f.value)} is not an option of ${title}${hint(f.suggestion)}; see ${help}`;
    case "unknownCommand":
      return `${f.value === undefined ? "unknown command" : `${where(f.value)} is not a command`}${hint(f.suggestion)}; commands: ${f.commands.join(", ")}`;
    case "invalidValue":
      return f.value === undefined
        ? `an argument of ${title} is invalid; see ${help}`
        : `${where(f.value)}: invalid value for ${f.option}; ${f.reason}`;
    case "excessArguments":
      return `too many arguments for ${title}${f.expected !== undefined ? `: expected ${f.expected}, got ${f.got}` : ""}; see ${help}`;
    default: {
      // Commander's wording names its own flags; any user argument in it is described.
      let out = f.message;
      for (const a of args) {
        if (a.length > 2 && !a.startsWith("-") && !f.commands.includes(a) && out.includes(`'${a}'`))
          out = out.replaceAll(`'${a}'`, argumentAt(a, args));
      }
      return scrubArguments(out, args);
    }
  }
}
