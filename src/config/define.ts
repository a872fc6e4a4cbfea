/**
 * `defineConfig`: a service's configuration declared once (a reference or an
 * env name per entry, plus a Standard Schema, a default, `optional`, `live`),
 * read with ONE `load()` and validated into a deeply frozen, typed object.
 */

import {
  type CallOptions,
  ConfigError,
  defaultSecrets,
  type ErrorCode,
  type LoadFailure,
  type LoadSpec,
  redact,
  type Secrets,
  SecretsError,
  type ValueOf,
  type ValueType,
} from "../index.js";
import { closest } from "../provider/index.js";
import { type ConfigFailure, type ConfigIssue, ConfigLoadError } from "./error.js";
import type { StandardSchemaV1 } from "./standard-schema.js";

/**
 * One entry of {@link defineConfig}: a reference such as `aws-sm://prod/db#url`,
 * a plain environment variable name (`"PORT"` is `env://PORT`), or an object.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * const entry: ConfigEntry = { ref: "env://PORT", schema: z.coerce.number().int(), default: 8080 };
 * ```
 */
export type ConfigEntry =
  | string
  | {
      /** The reference, or a plain environment variable name. */
      readonly ref: string;
      /** The shape read and handed to the schema: `string` (default), `json` or `binary`. */
      readonly type?: ValueType;
      /** A Standard Schema (Zod, Valibot, ArkType ...), sync or async. Its output type is the entry's type. */
      readonly schema?: StandardSchemaV1;
      /** Used as it is (not validated) when the secret does not exist (`NOT_FOUND` only, never on a failing backend). */
      readonly default?: unknown;
      /** Resolve to `undefined` when the secret does not exist. */
      readonly optional?: boolean;
      /** What the entry is for (shown by tools; never a value). */
      readonly description?: string;
      /**
       * Read through the cache on every call instead of snapshotted at load: the entry becomes an
       * async accessor `() => Promise<T>` that follows rotation, expiry and lease renewal.
       */
      readonly live?: boolean;
    };

/**
 * What {@link defineConfig} takes: entry names (environment-variable style) mapped to entries.
 *
 * @example
 * ```ts
 * const spec = { PORT: "PORT", DB_URL: { ref: "aws-sm://prod/db#url" } } satisfies ConfigSpec;
 * ```
 */
export type ConfigSpec = Readonly<Record<string, ConfigEntry>>;

/**
 * The value one entry loads to: its schema's output (else the value read, by `type`), with the
 * default's type or `undefined` when it may be absent.
 *
 * @example
 * ```ts
 * type Port = EntryOutput<{ ref: "env://PORT"; schema: typeof portSchema; default: 8080 }>; // number
 * ```
 */
export type EntryOutput<E> =
  | (E extends string
      ? string
      : E extends {
            /** The entry's schema. */
            readonly schema: infer S extends StandardSchemaV1;
          }
        ? StandardSchemaV1.InferOutput<S>
        : E extends {
              /** The shape read. */
              readonly type: infer T extends ValueType;
            }
          ? ValueOf<T>
          : string)
  | (E extends {
      /** The entry's default. */
      readonly default: infer D;
    }
      ? D
      : E extends {
            /** Declared optional. */
            readonly optional: true;
          }
        ? undefined
        : never);

/**
 * The type of one entry once loaded: {@link EntryOutput}, or for a `live` entry an async
 * accessor returning it.
 *
 * @example
 * ```ts
 * type Password = ConfigValue<{ ref: "vault://database/creds/ro#password"; live: true }>; // () => Promise<string>
 * ```
 */
export type ConfigValue<E> = E extends {
  /** Declared live. */
  readonly live: true;
}
  ? () => Promise<EntryOutput<E>>
  : EntryOutput<E>;

/**
 * What {@link defineConfig} accepts of a spec: any key of an entry outside the known ones
 * (`defualt`) is a type error.
 *
 * @example
 * ```ts
 * const ok: StrictSpec<{ A: { ref: "env://A" } }> = { A: { ref: "env://A" } };
 * ```
 */
export type StrictSpec<S> = {
  [K in keyof S]: S[K] extends string
    ? S[K]
    : Record<
        Exclude<
          keyof S[K],
          "ref" | "type" | "schema" | "default" | "optional" | "description" | "live"
        >,
        never
      >;
};

/**
 * The loaded configuration: every declared name, typed; nothing else.
 *
 * @example
 * ```ts
 * const values: ConfigValues<typeof spec> = await config.load();
 * ```
 */
export type ConfigValues<S extends ConfigSpec> = { readonly [K in keyof S]: ConfigValue<S[K]> };

/**
 * An entry as the tools see it (the CLI's `--config-module`, the doctor): never a value.
 *
 * @example
 * ```ts
 * for (const e of config.entries) console.log(e.name, e.ref, e.live);
 * ```
 */
export interface ConfigEntryInfo {
  /** The entry's name. */
  readonly name: string;
  /** Its reference (`env://NAME` for a plain env name). */
  readonly ref: string;
  /** The shape read. */
  readonly type: ValueType;
  /** May be absent: `optional`, or has a `default`. */
  readonly optional: boolean;
  /** Has a `default`. */
  readonly hasDefault: boolean;
  /** Declared `live`. */
  readonly live: boolean;
  /** Has a schema. */
  readonly validated: boolean;
  /** Its description, if any. */
  readonly description?: string;
}

/**
 * A declared configuration: load it once at start-up, then read it synchronously anywhere.
 *
 * @example
 * ```ts
 * await config.load();
 * const { PORT } = config.get();
 * ```
 */
export interface Config<S extends ConfigSpec> {
  /** The entries, normalised (no value). */
  readonly entries: readonly ConfigEntryInfo[];
  /** True once a `load()` has succeeded. */
  readonly loaded: boolean;
  /**
   * Reads every entry with ONE `load()` of `secrets` (default: the zero-config client): batched
   * per provider, single flight, each provider call under the client's deadline (or `timeout`).
   * Then validates each value with its schema. Resolves to the deeply frozen values; rejects
   * with ONE {@link ConfigLoadError} naming every entry that failed.
   *
   * @example
   * ```ts
   * const { DB_URL, PORT } = await config.load();
   * ```
   */
  load(secrets?: Secrets, options?: CallOptions): Promise<ConfigValues<S>>;
  /**
   * The loaded values, synchronously. Throws a `ConfigError` before `load()` has resolved.
   *
   * @example
   * ```ts
   * const { PORT } = config.get();
   * ```
   */
  get(): ConfigValues<S>;
  /**
   * One loaded value, synchronously. Throws a `ConfigError` naming the entry before `load()` has resolved.
   *
   * @example
   * ```ts
   * const port = config.get("PORT");
   * ```
   */
  get<K extends keyof S & string>(name: K): ConfigValues<S>[K];
}

/** The brand tools (the CLI) recognise a config by, across copies of the package. @internal */
export const CONFIG_BRAND: unique symbol = Symbol.for("secrets-loader.config") as never;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const KEYS = ["ref", "type", "schema", "default", "optional", "description", "live"];
const TYPES: readonly string[] = ["string", "json", "binary"];
const MASK = "[REDACTED]";

interface Normalised extends ConfigEntryInfo {
  readonly schema?: StandardSchemaV1;
  readonly fallback?: unknown;
}

function problem(name: string, text: string): ConfigError {
  return new ConfigError({ message: `defineConfig(): entry ${name}: ${text}` });
}

function normalise(name: string, entry: ConfigEntry): Normalised {
  if (!NAME.test(name)) {
    throw new ConfigError({
      message: `defineConfig(): ${JSON.stringify(name)} is not a valid entry name: use letters, digits and "_", not starting with a digit (it is also the variable name \`secrets run\` sets).`,
    });
  }
  if (typeof entry === "string") entry = { ref: entry };
  if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
    throw problem(name, "expected a reference, an env name, or { ref, schema?, default?, ... }.");
  }
  for (const key of Object.keys(entry)) {
    if (!KEYS.includes(key)) {
      const near = closest(key, KEYS);
      throw problem(name, `unknown key "${key}"${near ? ` (did you mean "${near}"?)` : ""}.`);
    }
  }
  const { ref, type = "string", schema, optional = false, live = false, description } = entry;
  if (typeof ref !== "string" || ref.trim() === "") {
    throw problem(name, 'ref must be a reference such as "aws-sm://prod/db#url" or an env name.');
  }
  const reference = ref.includes("://") ? ref : `env://${ref}`;
  if (!ref.includes("://") && !NAME.test(ref)) {
    throw problem(
      name,
      "ref is neither a reference (scheme://path) nor an environment variable name.",
    );
  }
  if (typeof type !== "string" || !TYPES.includes(type)) {
    throw problem(name, 'type must be "string", "json" or "binary".');
  }
  if (schema !== undefined) {
    const std = (schema as Partial<StandardSchemaV1> | null)?.["~standard"];
    if (std?.version !== 1 || typeof std.validate !== "function") {
      throw problem(
        name,
        "schema must implement Standard Schema v1 (Zod >= 3.24, Valibot >= 1.0, ArkType >= 2.0 ...).",
      );
    }
  }
  for (const [key, v] of [
    ["optional", optional],
    ["live", live],
  ] as const) {
    if (typeof v !== "boolean") throw problem(name, `${key} must be true or false.`);
  }
  if (description !== undefined && typeof description !== "string") {
    throw problem(name, "description must be a string.");
  }
  const hasDefault = Object.hasOwn(entry, "default") && entry.default !== undefined;
  return {
    name,
    ref: reference,
    type,
    optional: optional || hasDefault,
    hasDefault,
    live,
    validated: schema !== undefined,
    ...(description !== undefined ? { description } : {}),
    ...(schema !== undefined ? { schema } : {}),
    ...(hasDefault ? { fallback: deepFreeze(entry.default) } : {}),
  };
}

/** Freezes plain objects and arrays all the way down (typed arrays cannot be frozen). */
function deepFreeze<T>(value: T, seen = new Set<unknown>()): T {
  if (value === null || typeof value !== "object" || ArrayBuffer.isView(value)) return value;
  if (seen.has(value)) return value;
  seen.add(value);
  for (const v of Object.values(value)) deepFreeze(v, seen);
  return Object.freeze(value);
}

/** The issue's path as `a.b.0`. */
function pathOf(path: StandardSchemaV1.Issue["path"]): string {
  if (!Array.isArray(path)) return "";
  return path
    .map((seg: PropertyKey | StandardSchemaV1.PathSegment) =>
      String(typeof seg === "object" && seg !== null ? seg.key : seg),
    )
    .join(".");
}

/** Quoted forms of the value (and of its JSON string leaves), as schema messages quote inputs. */
function quotedForms(raw: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 8) return out;
  if (typeof raw === "string") {
    // Quoted, whatever the length (messages quote inputs); bare, only when long enough not to
    // garble ordinary words (as redact() does).
    if (raw.length >= 2 || depth === 0) out.push(JSON.stringify(raw), `'${raw}'`);
    if (raw.length >= 4 && depth === 0) out.push(raw);
  } else if (typeof raw === "number" && depth > 0) {
    if (String(raw).length >= 2) out.push(String(raw));
  } else if (raw !== null && typeof raw === "object" && !ArrayBuffer.isView(raw)) {
    for (const v of Object.values(raw)) quotedForms(v, out, depth + 1);
  }
  return out;
}

/** A schema message with every loaded value masked (`redact()`), and this entry's value too. */
function masked(message: unknown, raw: unknown): string {
  let text = redact(typeof message === "string" ? message : "invalid value");
  for (const form of quotedForms(raw).sort((a, b) => b.length - a.length)) {
    if (form && text.includes(form)) text = text.replaceAll(form, MASK);
  }
  return text;
}

/** Runs the schema; a failure as text only (message, path), never the issue objects. */
async function validate(
  entry: Normalised,
  raw: unknown,
): Promise<{ ok: true; value: unknown } | { ok: false; failure: ConfigFailure }> {
  const fail = (message: string, issues: ConfigIssue[]) => ({
    ok: false as const,
    failure: {
      name: entry.name,
      reference: entry.ref,
      code: "INVALID_VALUE" as ErrorCode,
      message,
      issues,
    },
  });
  if (!entry.schema) return { ok: true, value: raw };
  let result: StandardSchemaV1.Result<unknown>;
  try {
    result = await entry.schema["~standard"].validate(raw);
  } catch (err) {
    // A throwing schema's error may quote the value: only its class name is kept.
    const kind = err instanceof Error ? err.name : typeof err;
    return fail(`the schema threw ${kind} instead of returning issues`, []);
  }
  if (result.issues) {
    const issues = Array.from(result.issues, (i) => ({
      message: masked(i?.message, raw),
      path: pathOf(i?.path),
    }));
    return fail(
      `the value does not match its schema (${issues.length} issue${issues.length === 1 ? "" : "s"})`,
      issues,
    );
  }
  return { ok: true, value: result.value };
}

function readFailure(entry: Normalised, f: Pick<LoadFailure, "code" | "message">): ConfigFailure {
  return { name: entry.name, reference: entry.ref, code: f.code, message: f.message, issues: [] };
}

/** Duck-typed so a LoadError from another copy of the package counts too. */
function loadFailures(err: unknown): readonly LoadFailure[] | undefined {
  return SecretsError.is(err, "LOAD_FAILED")
    ? (err as unknown as { failures: readonly LoadFailure[] }).failures
    : undefined;
}

class DefinedConfig<S extends ConfigSpec> implements Config<S> {
  /** What tools see: no schema, no default value. */
  readonly entries: readonly ConfigEntryInfo[];
  readonly #entries: readonly Normalised[];
  readonly #byName: ReadonlyMap<string, Normalised>;
  #values: ConfigValues<S> | undefined;

  constructor(spec: S) {
    if (spec === null || typeof spec !== "object" || Array.isArray(spec)) {
      throw new ConfigError({ message: "defineConfig(spec): spec must be an object of entries." });
    }
    this.#entries = Object.entries(spec).map(([name, entry]) => normalise(name, entry));
    this.#byName = new Map(this.#entries.map((e) => [e.name, e]));
    this.entries = Object.freeze(
      this.#entries.map(({ schema: _s, fallback: _f, ...info }) => Object.freeze(info)),
    );
  }

  get loaded(): boolean {
    return this.#values !== undefined;
  }

  get [CONFIG_BRAND](): 1 {
    return 1;
  }

  async load(secrets: Secrets = defaultSecrets(), options?: CallOptions): Promise<ConfigValues<S>> {
    const spec: LoadSpec = {};
    for (const e of this.#entries)
      spec[e.name] = { ref: e.ref, type: e.type, optional: e.optional };
    const raw: Record<string, unknown> = {};
    const failures = new Map<string, ConfigFailure>();
    const readErrors: Error[] = [];
    const note = (failed: readonly LoadFailure[]) => {
      for (const f of failed) {
        const entry = this.#byName.get(f.name);
        if (!entry) continue;
        failures.set(f.name, readFailure(entry, f));
        readErrors.push(f.error);
      }
    };
    try {
      Object.assign(raw, await secrets.load(spec, options));
    } catch (err) {
      const failed = loadFailures(err);
      if (!failed) throw err;
      note(failed);
      // The others were read (and cached) by that same load(): served from the cache now.
      const rest: LoadSpec = {};
      for (const [name, s] of Object.entries(spec)) if (!failures.has(name)) rest[name] = s;
      try {
        Object.assign(raw, await secrets.load(rest, options));
      } catch (again) {
        const more = loadFailures(again);
        if (!more) throw again;
        note(more);
      }
    }
    const out: Record<string, unknown> = {};
    await Promise.all(
      this.#entries.map(async (e) => {
        if (failures.has(e.name)) return;
        const value = raw[e.name];
        if (value === undefined) {
          out[e.name] = e.live ? this.#accessor(e, secrets, options, undefined) : e.fallback;
          return;
        }
        const checked = await validate(e, value);
        if (!checked.ok) {
          failures.set(e.name, checked.failure);
          return;
        }
        const frozen = deepFreeze(checked.value);
        out[e.name] = e.live
          ? this.#accessor(e, secrets, options, { raw: value, value: frozen })
          : frozen;
      }),
    );
    if (failures.size > 0) {
      const ordered = this.#entries.flatMap((e) => failures.get(e.name) ?? []);
      throw new ConfigLoadError(ordered, this.#entries.length, readErrors);
    }
    const values: Record<string, unknown> = {};
    for (const e of this.#entries) values[e.name] = out[e.name];
    this.#values = Object.freeze(values) as ConfigValues<S>;
    return this.#values;
  }

  /**
   * A live entry: each call reads through the client's cache (so rotation, expiry and lease
   * renewal are followed); a changed value is validated again, and a value that fails its
   * schema rejects with a ConfigLoadError naming the entry (the old value is not served).
   */
  #accessor(
    e: Normalised,
    secrets: Secrets,
    options: CallOptions | undefined,
    first: { raw: unknown; value: unknown } | undefined,
  ): () => Promise<unknown> {
    let last = first;
    const type = e.type;
    return Object.freeze(async () => {
      let raw: unknown;
      try {
        raw = await secrets.getSecret(e.ref, { type, ...options });
      } catch (err) {
        if (e.optional && SecretsError.is(err, "NOT_FOUND")) return e.fallback;
        throw err;
      }
      if (last !== undefined && last.raw === raw) return last.value;
      const checked = await validate(e, raw);
      if (!checked.ok) throw new ConfigLoadError([checked.failure], 1);
      last = { raw, value: deepFreeze(checked.value) };
      return last.value;
    });
  }

  get(): ConfigValues<S>;
  get<K extends keyof S & string>(name: K): ConfigValues<S>[K];
  get(name?: string): unknown {
    const values = this.#values;
    if (name !== undefined) {
      if (!this.#byName.has(name)) {
        const near = closest(
          String(name),
          this.entries.map((e) => e.name),
        );
        throw new ConfigError({
          message: `config.get(${JSON.stringify(String(name))}): no such entry${near ? ` (did you mean "${near}"?)` : ""}.`,
        });
      }
      if (!values) {
        throw new ConfigError({
          message: `config entry ${name} was read before config.load() resolved: await config.load() at start-up, before the code that reads it runs.`,
        });
      }
      return values[name as keyof S];
    }
    if (!values) {
      const names = this.entries.map((e) => e.name);
      throw new ConfigError({
        message: `config.get() was called before config.load() resolved (entries ${names.slice(0, 5).join(", ")}${names.length > 5 ? ", ..." : ""}): await config.load() at start-up, before the code that reads it runs.`,
      });
    }
    return values;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `Config { entries: [${this.entries.map((e) => e.name).join(", ")}]${this.#values ? ", loaded" : ""} }`;
  }

  toJSON(): Record<string, unknown> {
    return { entries: this.entries.map((e) => e.name), loaded: this.loaded };
  }
}

/**
 * Declares a service's configuration: each entry a reference (or a plain env name) with an
 * optional Standard Schema, default, description, `optional` and `live` flag. Nothing is read
 * until `load()`; the declaration is checked now (a misspelt key fails with a suggestion).
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { defineConfig } from "secrets-loader/config";
 *
 * export const config = defineConfig({
 *   DB_URL: { ref: "aws-sm://prod/db#url", schema: z.string().url() },
 *   PORT: { ref: "env://PORT", schema: z.coerce.number().int(), default: 8080 },
 *   LOG_LEVEL: "LOG_LEVEL",
 * });
 * const { DB_URL, PORT } = await config.load(); // string, number
 * ```
 */
export function defineConfig<const S extends ConfigSpec>(spec: S & StrictSpec<S>): Config<S> {
  return new DefinedConfig(spec);
}
