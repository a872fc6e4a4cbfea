/**
 * `defineProvider`: the one way to declare a provider, built-in or third
 * party. The declaration is static (name, schemes and their rules, aliases,
 * suggestions, options check, optional peers, doctor facet) and is known
 * before anything loads; `create(context, options)` returns the operations
 * only. The core routes, validates and names everything from the declaration.
 */

import { ConfigError } from "../errors.js";
import type { ProviderContext, ReferenceRule } from "../types.js";
import type { DoctorFacet } from "./doctor.js";
import type { ProviderOperations } from "./operations.js";
import type { RotationFacet } from "./rotation.js";

export type { AuthClass, ProviderOperations } from "./operations.js";

/**
 * One problem an options check found: where (a key path inside the
 * provider's options) and what is wrong, in a sentence.
 *
 * @example
 * ```ts
 * const p: OptionsProblem = { path: ["region"], message: 'must be a string (an AWS region, such as "eu-west-1")' };
 * ```
 */
export interface OptionsProblem {
  /** The key path inside the provider's options. */
  readonly path: readonly (string | number)[];
  /** What is wrong, and what is expected. */
  readonly message: string;
}

/**
 * Checks a provider's options as a JSON config gives them: the first
 * problem, or `undefined` when they are fine.
 *
 * @example
 * ```ts
 * const check: OptionsCheck = (o) =>
 *   o.ttl === undefined || typeof o.ttl === "number" ? undefined : { path: ["ttl"], message: "must be a number of seconds" };
 * ```
 */
export type OptionsCheck = (
  options: Readonly<Record<string, unknown>>,
) => OptionsProblem | undefined;

/**
 * A provider's declaration: everything the client, the parser and the CLI
 * know about it before it loads, and how to create its operations.
 *
 * @typeParam O - the provider's options.
 * @typeParam P - the operations `create` returns (the doctor facet sees this type).
 * @example
 * ```ts
 * const declaration: ProviderDeclaration<{ data: Record<string, string> }> = {
 *   name: "mem",
 *   schemes: { mem: { example: "mem://key" } },
 *   create: (_ctx, options) => ({ getSecret: async (ref) => ({ value: options.data[ref.path] ?? "" }) }),
 * };
 * ```
 */
export interface ProviderDeclaration<
  O = Record<string, unknown>,
  P extends ProviderOperations = ProviderOperations,
> {
  /** The provider's name: `getCredentials(name, …)`, the config's `providers.<name>`, errors and events. */
  readonly name: string;
  /** The schemes it serves, each with its reference rule (checked before any I/O). */
  readonly schemes: Readonly<Record<string, ReferenceRule>>;
  /** Other spellings of a scheme (`{ bao: "vault" }`): normalised to it, so both share one cache entry. */
  readonly aliases?: Readonly<Record<string, string>>;
  /** Names people write by mistake, mapped to the scheme they mean (`{ ssm: "aws-ssm" }`): "did you mean" hints only. */
  readonly suggestions?: Readonly<Record<string, string>>;
  /**
   * Loads the check of the options a JSON config gives (the CLI runs it). A
   * dynamic import, so a validator library loads only in the CLI.
   */
  readonly options?: () => Promise<OptionsCheck>;
  /** The optional peer packages it loads on first use, each with what it is for. */
  readonly peers?: Readonly<Record<string, string>>;
  /** Loads its doctor facet; only the CLI calls this. */
  readonly doctor?: () => Promise<DoctorFacet<P>>;
  /** Loads its rotation facet (`secrets rotate`), when it can rotate what it serves. */
  readonly rotation?: () => Promise<RotationFacet>;
  /** Creates the operations the first time one of its references is used; import SDKs only now. */
  create(context: ProviderContext, options: O): P | Promise<P>;
}

/** Marks what `defineProvider` made, so a registry knows it without guessing from its shape. */
const CONFIGURED: unique symbol = Symbol.for("secrets-loader.configured-provider") as never;

/**
 * A declared provider bound to its options: what `createSecrets({ providers })` takes.
 *
 * @example
 * ```ts
 * const configured: ConfiguredProvider = memProvider({ data: { key: "v" } });
 * configured.declaration.name; // "mem"
 * ```
 */
export interface ConfiguredProvider<O = unknown> {
  /** The declaration. */
  readonly declaration: ProviderDeclaration<O, ProviderOperations>;
  /** The options `create` receives. */
  readonly options: O;
  /** @internal */
  readonly [CONFIGURED]: true;
}

/**
 * What {@link defineProvider} returns: call it with options to get a
 * {@link ConfiguredProvider}; its `declaration` is the static description.
 *
 * @example
 * ```ts
 * createSecrets({ providers: { mem: memProvider({ data: { key: "v" } }) } });
 * memProvider.declaration.schemes; // { mem: … }
 * ```
 */
export interface Provider<
  O = Record<string, unknown>,
  P extends ProviderOperations = ProviderOperations,
> {
  /** Binds options; with none, `create` receives `{}`. */
  (options?: O): ConfiguredProvider<O>;
  /** The declaration. */
  readonly declaration: ProviderDeclaration<O, P>;
}

/**
 * What `createSecrets({ providers })` takes per name: a provider bound to its
 * options (`awsProvider({ region })`), or a provider with none (`awsProvider`).
 *
 * @example
 * ```ts
 * const inputs: Record<string, ProviderInput> = { aws: awsProvider({ region: "eu-west-1" }), env: envProvider };
 * ```
 */
export type ProviderInput = ConfiguredProvider | AnyProvider;

/**
 * Any provider, whatever its options and operations: the type of a list of
 * providers (`compose([...BUILTIN_PROVIDERS, memProvider])`).
 *
 * @example
 * ```ts
 * const list: readonly AnyProvider[] = [awsProvider, memProvider];
 * ```
 */
export interface AnyProvider {
  /** Binds options. */
  (options?: never): ConfiguredProvider;
  /** The declaration. */
  readonly declaration: ProviderDeclaration<unknown, ProviderOperations>;
}

function invalid(name: string, message: string): never {
  throw new ConfigError({ message: `defineProvider(${JSON.stringify(name)}): ${message}` });
}

function checkDeclaration(d: ProviderDeclaration<unknown>): void {
  if (d === null || typeof d !== "object") {
    throw new ConfigError({
      message: "defineProvider(declaration): declaration must be an object.",
    });
  }
  const name = typeof d.name === "string" ? d.name : "?";
  if (typeof d.name !== "string" || !/^[a-z][a-z0-9-]*$/.test(d.name)) {
    invalid(name, 'name must be lower-case letters, digits and dashes, such as "vault".');
  }
  if (d.schemes === null || typeof d.schemes !== "object" || Object.keys(d.schemes).length === 0) {
    invalid(
      name,
      'schemes must map at least one scheme to its rule, such as { mem: { example: "mem://key" } }.',
    );
  }
  for (const [scheme, rule] of Object.entries(d.schemes)) {
    if (rule === null || typeof rule !== "object" || typeof rule.example !== "string") {
      invalid(
        name,
        `schemes.${scheme} must be a reference rule with an example, such as { example: "${scheme}://path" }.`,
      );
    }
  }
  if (typeof d.create !== "function") invalid(name, "create(context, options) must be a function.");
  for (const key of ["options", "doctor", "rotation"] as const) {
    if (d[key] !== undefined && typeof d[key] !== "function") {
      invalid(name, `${key} must be a function that loads it (() => import(…)).`);
    }
  }
}

/**
 * Declares a provider. Built-in and third-party providers, and inline test
 * providers, all go through it. The client stamps the registered name on
 * every error and event of the provider.
 *
 * @example
 * ```ts
 * import { defineProvider, NotFoundError } from "secrets-loader/provider";
 *
 * export const memProvider = defineProvider<{ data: Record<string, string> }>({
 *   name: "mem",
 *   schemes: { mem: { example: "mem://key" } },
 *   create: (_ctx, { data }) => ({
 *     async getSecret(ref) {
 *       const value = data[ref.path];
 *       if (value === undefined) throw new NotFoundError({ reference: ref.raw });
 *       return { value };
 *     },
 *   }),
 * });
 * // createSecrets({ providers: { mem: memProvider({ data: { key: "v" } }) } });
 * ```
 */
export function defineProvider<
  O = Record<string, unknown>,
  P extends ProviderOperations = ProviderOperations,
>(declaration: ProviderDeclaration<O, P>): Provider<O, P> {
  checkDeclaration(declaration as ProviderDeclaration<unknown>);
  const frozen = Object.freeze({ ...declaration });
  const provider = (options?: O): ConfiguredProvider<O> =>
    Object.freeze({
      declaration: frozen as ProviderDeclaration<O, ProviderOperations>,
      options: (options ?? {}) as O,
      [CONFIGURED]: true as const,
    });
  return Object.assign(provider, { declaration: frozen, [CONFIGURED]: true }) as Provider<O, P>;
}

/**
 * True for what {@link defineProvider} made: a configured provider, or the
 * provider itself (then configured with no options).
 *
 * @example
 * ```ts
 * isProvider(memProvider({ data: {} })); // true
 * isProvider({ getSecret() {} }); // false
 * ```
 */
export function isProvider(value: unknown): value is ProviderInput {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return false;
  return (value as Partial<ConfiguredProvider>)[CONFIGURED] === true;
}

/**
 * The configured provider behind a registry input: a provider with no options is configured with none.
 *
 * @example
 * ```ts
 * configured(memProvider).options; // {}
 * ```
 */
export function configured(value: ProviderInput): ConfiguredProvider {
  return typeof value === "function" ? value() : value;
}

/**
 * One issue a schema reports.
 *
 * @example
 * ```ts
 * const issue: SchemaIssue = { path: ["region"], message: "must be a string" };
 * ```
 */
export interface SchemaIssue {
  /** Where, as keys and indexes. */
  readonly path: readonly PropertyKey[];
  /** What is wrong. */
  readonly message: string;
}

/**
 * What a schema's `safeParse` returns.
 *
 * @example
 * ```ts
 * const r: SafeParseResult = { success: false, error: { issues: [{ path: ["ttl"], message: "must be a number" }] } };
 * ```
 */
export type SafeParseResult =
  | {
      /** Valid. */
      success: true;
    }
  | {
      /** Not valid. */
      success: false;
      /** The issues found. */
      error: {
        /** In the order found; the first is reported. */
        issues: readonly SchemaIssue[];
      };
    };

/**
 * The part of a schema library's API {@link optionsCheck} needs: zod's
 * `safeParse` has this shape.
 *
 * @example
 * ```ts
 * const schema: SafeParser = z.looseObject({ ttl: z.number() });
 * ```
 */
export interface SafeParser {
  /** Parses without throwing. */
  safeParse(value: unknown): SafeParseResult;
}

/**
 * An {@link OptionsCheck} from a schema (zod's, for example): the first issue
 * becomes the problem. Import the schema library in the module the
 * declaration's `options` loads, so that it loads only in the CLI.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * export const checkMemOptions = optionsCheck(z.looseObject({ ttl: z.number({ error: "must be a number of seconds" }).optional() }));
 * ```
 */
export function optionsCheck(schema: SafeParser): OptionsCheck {
  return (options) => {
    const r = schema.safeParse(options);
    if (r.success) return undefined;
    const issue = r.error.issues[0];
    if (!issue) return { path: [], message: "is not valid" };
    return {
      path: issue.path.map((k) => (typeof k === "symbol" ? String(k) : k)),
      message: issue.message,
    };
  };
}
