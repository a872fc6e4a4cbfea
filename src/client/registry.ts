/**
 * The client's providers: which name and schemes each has, its reference
 * rules in the client's scheme table, its creation on first use (with its
 * context), and the retirement of one that is replaced.
 */

import {
  ClientClosedError,
  ConfigError,
  NoProviderError,
  ProviderError,
  SecretsError,
} from "../errors.js";
import { assertServerRuntime } from "../guard.js";
import {
  type ConfiguredProvider,
  configured,
  isProvider,
  type ProviderInput,
  type ProviderOperations,
} from "../provider/define.js";
import type { SchemeTable } from "../reference/table.js";
import type { ParsedRef, ProviderContext } from "../types.js";
import { scrub } from "./stored.js";

/**
 * Puts the registered name on a provider's error: a provider registered as
 * `prod-env` reports `prod-env` in its errors, as in its events, whatever
 * name its code wrote.
 */
export function stamp<E extends SecretsError>(err: E, name: string): E {
  if (err.provider !== name) (err as { provider?: string }).provider = name;
  return err;
}

/** Names that would collide with object internals wherever names become keys. */
const RESERVED = new Set(["__proto__", "constructor", "prototype"]);

/** One registered provider. */
export interface Slot {
  readonly name: string;
  readonly provider: ConfiguredProvider;
  readonly schemes: readonly string[];
  instance?: ProviderOperations;
  creating?: Promise<ProviderOperations>;
}

/** @internal */
export class Registry {
  readonly #byScheme = new Map<string, Slot>();
  readonly #byName = new Map<string, Slot>();
  /** Replaced providers not yet closed. */
  readonly #retired = new Set<Slot>();
  readonly #context: (name: string) => ProviderContext;
  readonly #isClosed: () => boolean;
  /** The composition's rules (so a built-in reference without its provider still validates). */
  readonly #base: SchemeTable;
  /** The base rules plus every registered provider's. */
  #table: SchemeTable;

  constructor(
    context: (name: string) => ProviderContext,
    isClosed: () => boolean,
    base: SchemeTable,
  ) {
    this.#context = context;
    this.#isClosed = isClosed;
    this.#base = base;
    this.#table = base.copy();
  }

  /** The schemes references are parsed against. */
  get table(): SchemeTable {
    return this.#table;
  }

  /** Registers a provider; returns the slot it replaced, if any (the caller retires it). */
  register(name: string, input: ProviderInput): Slot | undefined {
    if (!isProvider(input)) {
      throw new ConfigError({
        message: `providers.${name} must be a provider made by defineProvider(), such as awsProvider({ region }) or myProvider(); a plain object with getSecret is no longer accepted (declare it with defineProvider({ name, schemes, create })).`,
      });
    }
    if (typeof name !== "string" || name === "" || RESERVED.has(name)) {
      throw new ConfigError({
        message: `providers: ${JSON.stringify(name)} is not a usable provider name; choose a plain name such as "vault".`,
      });
    }
    // Validates the routing before anything changes.
    const provider = configured(input);
    this.#table.copy().add(provider.declaration, `providers.${name}`);
    const schemes = Object.keys(provider.declaration.schemes).map((s) => s.toLowerCase());
    const slot: Slot = { name, provider, schemes };
    const old = this.#byName.get(name);
    if (old) this.#unroute(old);
    for (const s of schemes) this.#byScheme.set(s, slot);
    this.#byName.set(name, slot);
    this.#rebuildTable();
    return old;
  }

  /** True when `name` or one of `schemes` is taken. */
  taken(name: string, schemes: readonly string[]): boolean {
    if (this.#byName.has(name)) return true;
    return schemes.some((s) => this.#byScheme.has(s.toLowerCase()));
  }

  /** Built-in rules, then every registered provider's (a registered rule wins). */
  #rebuildTable(): void {
    const table = this.#base.copy();
    for (const slot of this.#byName.values()) {
      table.add(slot.provider.declaration, `providers.${slot.name}`);
    }
    this.#table = table;
  }

  #unroute(old: Slot): void {
    for (const [scheme, s] of this.#byScheme) if (s === old) this.#byScheme.delete(scheme);
    this.#retired.add(old);
  }

  /** Closes a retired provider once it exists; forgets it afterwards. */
  closeRetired(old: Slot): void {
    const p = old.instance;
    if (p?.close) {
      p.close().then(
        () => this.#retired.delete(old),
        () => this.#retired.delete(old),
      );
    } else if (!old.creating) this.#retired.delete(old);
  }

  byName(name: string): Slot | undefined {
    return this.#byName.get(name);
  }

  names(): string[] {
    return [...this.#byName.keys()];
  }

  /** The slot serving a parsed reference, or a NoProviderError that says how to register one. */
  slotFor(parsed: ParsedRef): Slot {
    const slot = this.#byScheme.get(parsed.scheme);
    if (slot) return slot;
    throw new NoProviderError({
      reference: parsed.raw,
      message:
        `No provider is registered for the scheme "${parsed.scheme}" (reference ${parsed.raw}). ` +
        `Register one: createSecrets({ providers: { name: myProvider() } }) with scheme "${parsed.scheme}".`,
    });
  }

  /** Every slot, current and retired, for close(). */
  all(): Slot[] {
    return [...new Set([...this.#byName.values(), ...this.#retired])];
  }

  /** The provider behind a slot, created on first use with its context. */
  instance(slot: Slot): Promise<ProviderOperations> {
    if (slot.instance) return Promise.resolve(slot.instance);
    const { declaration, options } = slot.provider;
    if (this.#isClosed()) return Promise.reject(new ClientClosedError({ provider: slot.name }));
    slot.creating ??= Promise.resolve()
      .then(() => {
        // Every provider refuses a browser when it is created, not only the root at import.
        assertServerRuntime();
        return declaration.create(this.#context(slot.name), options as never);
      })
      .then(
        async (p) => {
          if (p === null || typeof p !== "object" || typeof p.getSecret !== "function") {
            throw new ConfigError({
              provider: slot.name,
              message: `Provider "${slot.name}": create() must return its operations, an object with getSecret(ref, call).`,
            });
          }
          // Closed while this was being created: close() may already be past this slot.
          if (this.#isClosed()) {
            await p.close?.();
            throw new ClientClosedError({ provider: slot.name });
          }
          slot.instance = p as ProviderOperations;
          return p as ProviderOperations;
        },
        (err: unknown) => {
          slot.creating = undefined;
          scrub(err);
          if (SecretsError.is(err)) throw stamp(err, slot.name);
          throw new ProviderError({
            provider: slot.name,
            message: `Provider "${slot.name}" could not be created; check its options.`,
            cause: err,
          });
        },
      );
    return slot.creating;
  }

  /** The instance of a slot being closed: waits for one still being created. */
  async settled(slot: Slot): Promise<ProviderOperations | undefined> {
    if (slot.instance) return slot.instance;
    // A creation that sees the client closed closes the provider itself.
    return slot.creating ? slot.creating.catch(() => undefined) : undefined;
  }
}
