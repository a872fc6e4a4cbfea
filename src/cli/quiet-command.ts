/**
 * A commander `Command` whose parse errors never quote what the user typed.
 * Commander's own messages repeat the offending argument (`unknown option
 * '-sk_live_…'`, `argument '<value>' is invalid`, `too many arguments: a, b`),
 * and a value pasted where a reference or an option belongs is then printed
 * on stderr, into CI logs. Here each such message names the argument by its
 * position on the command line and describes its shape instead.
 */

import { Command, type ErrorOptions } from "commander";
import { describeShape, looksLikeCredential } from "../credential-shape.js";

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
export function argumentAt(value: string, args: readonly string[]): string {
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
 * A command (and, through `createCommand`, every subcommand) whose errors
 * describe arguments instead of quoting them.
 *
 * @example
 * ```ts
 * const program = new QuietCommand("secrets", process.argv.slice(2));
 * ```
 */
export class QuietCommand extends Command {
  constructor(
    name: string | undefined,
    /** The command line after `secrets`, to find an argument's position. */
    private readonly argv: readonly string[],
  ) {
    super(name);
  }

  override createCommand(name?: string): Command {
    return new QuietCommand(name, this.argv);
  }

  override error(message: string, errorOptions?: ErrorOptions): never {
    return super.error(this.#safe(message, errorOptions?.code), errorOptions);
  }

  #safe(message: string, code: string | undefined): string {
    const args = this.argv;
    const where = (value: string) => `${argumentAt(value, args)} (it ${describeShape(value)})`;
    const help = this.parent ? `secrets ${this.name()} --help` : "secrets --help";
    // The longest argument the message quotes ('...'): the offending one.
    const quoted = (prefix: string) =>
      [...args, ...args.map((a) => a.slice(a.indexOf("=") + 1))]
        .filter((a) => message.startsWith(`${prefix}'${a}'`))
        .sort((a, b) => b.length - a.length)[0];
    // A suggestion commander adds names a known option or command: safe to show.
    const suggestion = (prefix: string, value: string) =>
      message
        .slice(`${prefix}'${value}'`.length)
        .replace(/^\s*\(Did you mean (\S+)\?\)\s*$/, "; did you mean $1?")
        .replace(/^(?!; did you mean).*$/s, "");
    switch (code) {
      case "commander.unknownOption": {
        const prefix = "error: unknown option ";
        const value = quoted(prefix);
        if (value === undefined) return `error: unknown option; see ${help}`;
        return `error: ${where(value)} is not an option of ${this.#title()}${suggestion(prefix, value)}; see ${help}`;
      }
      case "commander.unknownCommand": {
        const prefix = "error: unknown command ";
        const value = quoted(prefix);
        const names = this.commands.map((c) => c.name()).join(", ");
        if (value === undefined) return `error: unknown command; commands: ${names}`;
        return `error: ${where(value)} is not a command${suggestion(prefix, value)}; commands: ${names}`;
      }
      case "commander.invalidArgument": {
        for (const candidate of [...args, ...args.map((a) => a.slice(a.indexOf("=") + 1))]) {
          for (const form of [
            `argument '${candidate}' is invalid.`,
            `value '${candidate}' is invalid`,
          ]) {
            const at = message.indexOf(form);
            if (at === -1) continue;
            const head = message.slice(0, at).replace(/^error: /, "");
            const reason = message.slice(at + form.length).trim();
            return `error: ${where(candidate)}: invalid value for ${head.trim()}; ${reason}`;
          }
        }
        return `error: an argument of ${this.#title()} is invalid; see ${help}`;
      }
      case "commander.excessArguments": {
        const m = /Expected (\d+) arguments? but got (\d+)/.exec(message);
        return `error: too many arguments for ${this.#title()}${m ? `: expected ${m[1]}, got ${m[2]}` : ""}; see ${help}`;
      }
      default:
        // missing argument, missing option value, conflicting options: these
        // name commander's own flags and arguments. Any user argument that
        // would still appear is described instead.
        return args
          .filter((a) => a.length > 2 && !this.#known(a))
          .reduce((m, a) => (m.includes(a) ? m.replaceAll(a, argumentAt(a, args)) : m), message);
    }
  }

  #title(): string {
    return this.parent ? `secrets ${this.name()}` : "secrets";
  }

  /** A command name or option flag of this program (shown freely). */
  #known(text: string): boolean {
    let root: Command = this;
    while (root.parent) root = root.parent;
    const names = new Set<string>();
    for (const c of [root, ...root.commands]) {
      names.add(c.name());
      for (const o of c.options) {
        if (o.long) names.add(o.long);
        if (o.short) names.add(o.short);
      }
    }
    return names.has(text);
  }
}
