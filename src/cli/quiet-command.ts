/**
 * A commander `Command` whose parse errors never quote what the user typed.
 * Commander's own messages repeat the offending argument (`unknown option
 * '-sk_live_…'`, `argument '<value>' is invalid`, `too many arguments: a, b`),
 * and a value pasted where a reference or an option belongs would then be
 * printed on stderr, into CI logs. Here commander prints nothing: each error
 * is kept as a {@link ParseFailure} (what went wrong, and which argument), and
 * `describe-input.ts` words it by the argument's position and shape. That
 * module loads the core, so it is imported only when an error occurs.
 */

import { Command, type ErrorOptions } from "commander";

/**
 * A parse error, with the offending argument kept apart from the words
 * around it.
 *
 * @example
 * ```ts
 * const f: ParseFailure = { kind: "unknownOption", command: "get", value: "--jsno", suggestion: "--json" };
 * ```
 */
export type ParseFailure = {
  /** The subcommand (`get`), or undefined for `secrets` itself. */
  command: string | undefined;
  /** The command names of the program. */
  commands: string[];
} & (
  | { kind: "unknownOption" | "unknownCommand"; value?: string; suggestion?: string }
  | { kind: "invalidValue"; value?: string; option: string; reason: string }
  | { kind: "excessArguments"; expected?: number; got?: number }
  | { kind: "other"; message: string }
);

/**
 * A command (and, through `createCommand`, every subcommand) that keeps its
 * parse errors as {@link ParseFailure}s on the root (`failure`) instead of
 * printing commander's wording.
 *
 * @example
 * ```ts
 * const program = new QuietCommand("secrets", process.argv.slice(2));
 * ```
 */
export class QuietCommand extends Command {
  /** The last parse error (on the root command). */
  failure: ParseFailure | undefined;

  constructor(
    name: string | undefined,
    /** The command line after `secrets`, to find the offending argument. */
    private readonly argv: readonly string[],
  ) {
    super(name);
  }

  override createCommand(name?: string): Command {
    return new QuietCommand(name, this.argv);
  }

  override error(message: string, errorOptions?: ErrorOptions): never {
    let root: Command = this;
    while (root.parent) root = root.parent;
    const failure = this.#parse(message, errorOptions?.code);
    if (root instanceof QuietCommand) root.failure = failure;
    // Commander's own text is not printed (the program's outputError ignores it).
    return super.error("", errorOptions);
  }

  #parse(message: string, code: string | undefined): ParseFailure {
    let root: Command = this;
    while (root.parent) root = root.parent;
    const base = {
      command: this.parent ? this.name() : undefined,
      commands: root.commands.map((c) => c.name()),
    };
    const candidates = [...this.argv, ...this.argv.map((a) => a.slice(a.indexOf("=") + 1))];
    // The longest argument quoted right after `prefix`: the offending one.
    const quoted = (prefix: string) =>
      candidates
        .filter((a) => message.startsWith(`${prefix}'${a}'`))
        .sort((a, b) => b.length - a.length)[0];
    // A suggestion commander adds names a known option or command.
    const suggestion = (prefix: string, value: string | undefined) =>
      value === undefined
        ? undefined
        : /^\s*\(Did you mean (\S+)\?\)\s*$/.exec(message.slice(`${prefix}'${value}'`.length))?.[1];
    switch (code) {
      case "commander.unknownOption":
      case "commander.unknownCommand": {
        const prefix =
          code === "commander.unknownOption" ? "error: unknown option " : "error: unknown command ";
        const value = quoted(prefix);
        const s = suggestion(prefix, value);
        return {
          ...base,
          kind: code === "commander.unknownOption" ? "unknownOption" : "unknownCommand",
          ...(value !== undefined ? { value } : {}),
          ...(s ? { suggestion: s } : {}),
        };
      }
      case "commander.invalidArgument": {
        for (const value of candidates) {
          for (const form of [`argument '${value}' is invalid.`, `value '${value}' is invalid`]) {
            const at = message.indexOf(form);
            if (at === -1) continue;
            const option = message
              .slice(0, at)
              .replace(/^error: /, "")
              .trim();
            const reason = message.slice(at + form.length).trim();
            return { ...base, kind: "invalidValue", value, option, reason };
          }
        }
        return { ...base, kind: "invalidValue", option: "an argument", reason: "" };
      }
      case "commander.excessArguments": {
        const m = /Expected (\d+) arguments? but got (\d+)/.exec(message);
        return {
          ...base,
          kind: "excessArguments",
          ...(m ? { expected: Number(m[1]), got: Number(m[2]) } : {}),
        };
      }
      default:
        // Missing arguments or option values, conflicting options: commander
        // names its own flags and arguments there (describe-input.ts still
        // replaces any user argument that would appear).
        return { ...base, kind: "other", message: message.replace(/^error: /, "") };
    }
  }
}
