/**
 * Which schemes a client understands: each with its reference rule, plus the
 * aliases that normalise to them. Built-in and custom schemes share this one
 * rule system; the built-in table comes from the provider descriptors.
 */

import { ConfigError } from "../errors.js";
import type { ReferenceRule } from "../types.js";

/**
 * What the table takes from a provider's declaration: its schemes with their
 * rules, its aliases and its "did you mean" suggestions.
 *
 * @example
 * ```ts
 * const routing: SchemeRouting = { schemes: { vault: { example: "vault://secret/app#key" } }, aliases: { bao: "vault" } };
 * ```
 */
export interface SchemeRouting {
  /** Schemes and their rules. */
  readonly schemes: Readonly<Record<string, ReferenceRule>>;
  /** Other spellings of a scheme. */
  readonly aliases?: Readonly<Record<string, string>> | undefined;
  /** Names written by mistake, mapped to the scheme meant. */
  readonly suggestions?: Readonly<Record<string, string>> | undefined;
}

/** The shape of a scheme name. */
export const SCHEME_NAME = /^[a-z][a-z0-9+.-]*$/;

/**
 * A scheme as the table resolves it: the main scheme (for an alias) and its rule.
 *
 * @example
 * ```ts
 * const r: ResolvedScheme | undefined = table.resolve("bao"); // { scheme: "vault", rule }
 * ```
 */
export interface ResolvedScheme {
  /** The main scheme. */
  scheme: string;
  /** Its reference rule. */
  rule: ReferenceRule;
}

/**
 * Schemes with their rules and aliases. Add routings with {@link SchemeTable.add}.
 *
 * @example
 * ```ts
 * import { parseReferenceWith, SchemeTable } from "secrets-loader/provider";
 * const table = new SchemeTable().add({ schemes: { mem: { example: "mem://key" } } });
 * parseReferenceWith("mem://key", table);
 * ```
 */
export class SchemeTable {
  readonly #rules = new Map<string, ReferenceRule>();
  readonly #aliases = new Map<string, string>();
  readonly #suggestions = new Map<string, string>();

  /**
   * Adds a provider's schemes, rules and aliases (replacing earlier ones of the same name).
   *
   * @example
   * ```ts
   * table.add({ schemes: { vault: vaultRule }, aliases: { bao: "vault" } });
   * ```
   */
  add(routing: SchemeRouting, owner = "provider"): this {
    const schemes = Object.keys(routing.schemes);
    for (const raw of schemes) {
      const scheme = checkName(raw, owner);
      const rule = routing.schemes[raw];
      this.#rules.set(scheme, rule ?? { example: `${scheme}://path/to/secret` });
      this.#aliases.delete(scheme);
    }
    for (const [wrong, meant] of Object.entries(routing.suggestions ?? {})) {
      this.#suggestions.set(wrong.toLowerCase(), meant.toLowerCase());
    }
    for (const [alias, target] of Object.entries(routing.aliases ?? {})) {
      const a = checkName(alias, owner);
      const t = target.toLowerCase();
      if (!schemes.some((s) => s.toLowerCase() === t)) {
        throw new ConfigError({
          message: `${owner}: alias "${alias}" points to "${target}", which is not one of its schemes (${schemes.join(", ")}).`,
        });
      }
      if (!this.#rules.has(a)) this.#aliases.set(a, t);
    }
    return this;
  }

  /**
   * Removes schemes (and aliases pointing to them).
   *
   * @example
   * ```ts
   * table.remove(["mem"]);
   * ```
   */
  remove(schemes: Iterable<string>): this {
    for (const s of schemes) {
      const scheme = s.toLowerCase();
      this.#rules.delete(scheme);
      for (const [alias, target] of this.#aliases)
        if (target === scheme) this.#aliases.delete(alias);
    }
    return this;
  }

  /**
   * The main scheme and its rule for a scheme or alias, if known.
   *
   * @example
   * ```ts
   * table.resolve("bao"); // { scheme: "vault", rule: … }
   * ```
   */
  resolve(scheme: string): ResolvedScheme | undefined {
    const main = this.#aliases.get(scheme) ?? scheme;
    const rule = this.#rules.get(main);
    return rule ? { scheme: main, rule } : undefined;
  }

  /**
   * The scheme a mistaken name most likely means, from the providers' suggestions.
   *
   * @example
   * ```ts
   * table.suggest("ssm"); // "aws-ssm"
   * ```
   */
  suggest(written: string): string | undefined {
    return this.#suggestions.get(written);
  }

  /**
   * The main schemes known, in the order added.
   *
   * @example
   * ```ts
   * table.schemes(); // ["env", "aws-sm", …]
   * ```
   */
  schemes(): string[] {
    return [...this.#rules.keys()];
  }

  /**
   * A copy, to extend without changing this table.
   *
   * @example
   * ```ts
   * const mine = table.copy().add(custom);
   * ```
   */
  copy(): SchemeTable {
    const t = new SchemeTable();
    for (const [k, v] of this.#rules) t.#rules.set(k, v);
    for (const [k, v] of this.#aliases) t.#aliases.set(k, v);
    for (const [k, v] of this.#suggestions) t.#suggestions.set(k, v);
    return t;
  }
}

function checkName(name: string, owner: string): string {
  const s = typeof name === "string" ? name.toLowerCase() : "";
  if (!SCHEME_NAME.test(s)) {
    throw new ConfigError({
      message: `${owner}: scheme ${JSON.stringify(name)} must be letters, digits, '+', '.' or '-', starting with a letter.`,
    });
  }
  return s;
}
