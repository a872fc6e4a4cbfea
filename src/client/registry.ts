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
import { builtinTable } from "../reference/builtin-table.js";
import type { SchemeTable } from "../reference/table.js";
import type { ParsedRef, ProviderContext, ProviderInput, SecretProvider } from "../types.js";
import { scrub } from "./values.js";

/** Names that would collide with object internals wherever names become keys. */
const RESERVED = new Set(["__proto__", "constructor", "prototype"]);

/** One registered provider. */
export interface Slot {
  readonly name: string;
  readonly input: ProviderInput;
  readonly schemes: readonly string[];
  instance?: SecretProvider;
  creating?: Promise<SecretProvider>;
}

/** @internal */
export class Registry {
  readonly #byScheme = new Map<string, Slot>();
  readonly #byName = new Map<string, Slot>();
  /** Replaced providers not yet closed. */
  readonly #retired = new Set<Slot>();
  readonly #context: (name: string) => ProviderContext;
  readonly #isClosed: () => boolean;
  /** Built-in rules (so a built-in reference without its provider still validates) plus every registered one. */
  #table: SchemeTable = builtinTable().copy();

  constructor(context: (name: string) => ProviderContext, isClosed: () => boolean) {
    this.#context = context;
    this.#isClosed = isClosed;
  }

  /** The schemes references are parsed against. */
  get table(): SchemeTable {
    return this.#table;
  }

  /** Registers a provider; returns the slot it replaced, if any (the caller retires it). */
  register(name: string, input: ProviderInput): Slot | undefined {
    if (
      !input ||
      typeof input !== "object" ||
      !("scheme" in input) ||
      !("getSecret" in input || "create" in input)
    ) {
      throw new ConfigError({
        message: `providers.${name} must be a provider object (with scheme and getSecret) or a definition ({ scheme, create }).`,
      });
    }
    if (typeof name !== "string" || name === "" || RESERVED.has(name)) {
      throw new ConfigError({
        message: `providers: ${JSON.stringify(name)} is not a usable provider name; choose a plain name such as "vault".`,
      });
    }
    // Validates the routing before anything changes.
    this.#table.copy().add(input, `providers.${name}`);
    const schemes = (typeof input.scheme === "string" ? [input.scheme] : [...input.scheme]).map(
      (s) => s.toLowerCase(),
    );
    const slot: Slot = { name, input, schemes };
    const old = this.#byName.get(name);
    if (old) this.#unroute(old);
    for (const s of schemes) this.#byScheme.set(s, slot);
    this.#byName.set(name, slot);
    this.#rebuildTable();
    return old;
  }

  /** True when `name` or one of `schemes` is taken. */
  taken(name: string, schemes: string | readonly string[]): boolean {
    if (this.#byName.has(name)) return true;
    const list = typeof schemes === "string" ? [schemes] : schemes;
    return list.some((s) => this.#byScheme.has(s.toLowerCase()));
  }

  /** Built-in rules, then every registered provider's (a registered rule wins). */
  #rebuildTable(): void {
    const table = builtinTable().copy();
    for (const slot of this.#byName.values()) table.add(slot.input, `providers.${slot.name}`);
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
  instance(slot: Slot): Promise<SecretProvider> {
    if (slot.instance) return Promise.resolve(slot.instance);
    const input = slot.input;
    if ("getSecret" in input) {
      slot.instance = input;
      return Promise.resolve(input);
    }
    if (this.#isClosed()) return Promise.reject(new ClientClosedError({ provider: slot.name }));
    slot.creating ??= Promise.resolve()
      .then(() => {
        // Every provider refuses a browser when it is created, not only the root at import.
        assertServerRuntime();
        return input.create(this.#context(slot.name));
      })
      .then(
        async (p) => {
          slot.instance = p;
          // Closed while this was being created: close() may already be past this slot.
          if (this.#isClosed()) {
            await p.close?.();
            throw new ClientClosedError({ provider: slot.name });
          }
          return p;
        },
        (err: unknown) => {
          slot.creating = undefined;
          scrub(err);
          if (SecretsError.is(err)) throw err;
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
  async settled(slot: Slot): Promise<SecretProvider | undefined> {
    const input = slot.input;
    if (slot.instance) return slot.instance;
    if ("getSecret" in input) return input;
    // A creation that sees the client closed closes the provider itself.
    return slot.creating ? slot.creating.catch(() => undefined) : undefined;
  }
}
