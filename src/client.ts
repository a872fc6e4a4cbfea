/**
 * The client: routes references to providers, puts the cache in front of
 * them, and shapes values. Public API -> client -> cache -> provider.
 */

import type {
  CacheOptions,
  GetOptions,
  LoadEntry,
  LoadResult,
  LoadSpec,
  Secrets,
  SecretsOptions,
  ValueOf,
} from "./api.js";
import { BUILTIN_PROVIDERS } from "./builtins.js";
import { type CacheSettings, type EntryMeta, FreshnessCache, type Loaded } from "./cache/cache.js";
import { toMillis } from "./duration.js";

import {
  ClientClosedError,
  ConfigError,
  LoadError,
  type LoadFailure,
  NoProviderError,
  ProviderError,
  SecretsError,
} from "./errors.js";
import { Emitter, type SecretsEvent, type SecretsListener } from "./events.js";
import { assertServerRuntime } from "./guard.js";
import { redact, track } from "./redact.js";
import { displayReference, parseReference } from "./reference/parse.js";
import { BUILTIN_SCHEMES } from "./reference/schemes.js";
import { stableKey } from "./stable-key.js";
import type {
  FetchContext,
  FetchedSecret,
  ParsedRef,
  ProviderInput,
  ReferenceSpec,
  SecretMetadata,
  SecretProvider,
  ValueType,
} from "./types.js";
import { shapeValue } from "./value.js";

interface Slot {
  readonly name: string;
  readonly input: ProviderInput;
  instance?: SecretProvider;
  creating?: Promise<SecretProvider>;
}

/** Per raw reference string: its parse, and the last string view served for it. */
interface Hot {
  readonly parsed: ParsedRef;
  stored: Stored | undefined;
  view: unknown;
}

/** A fetched secret as cached: the raw value plus memoised shaped views. */
interface Stored {
  readonly raw: string | Uint8Array;
  readonly views: Record<ValueType, Map<string, unknown>>;
  /** Shaped forms registered for redaction, released with the raw value. */
  readonly extra: unknown[];
}

const MAX_PARSED = 10_000;

function settingsFrom(o: CacheOptions = {}): CacheSettings {
  const refreshAhead = o.refreshAhead ?? 0.1;
  if (typeof refreshAhead !== "number" || !(refreshAhead >= 0 && refreshAhead < 1)) {
    throw new ConfigError({
      message: `cache.refreshAhead must be a number from 0 up to (not including) 1 (got ${JSON.stringify(refreshAhead)}).`,
    });
  }
  const maxEntries = o.maxEntries ?? 10_000;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new ConfigError({
      message: `cache.maxEntries must be a whole number >= 1 (got ${JSON.stringify(maxEntries)}).`,
    });
  }
  return {
    maxAge: toMillis(o.maxAge ?? "5m", "cache.maxAge"),
    refreshAhead,
    maxStale: toMillis(o.maxStale ?? "1h", "cache.maxStale"),
    maxEntries,
    credentialRefreshLead: toMillis(o.credentialRefreshLead ?? "5m", "cache.credentialRefreshLead"),
  };
}

function schemesOf(input: ProviderInput): readonly string[] {
  return typeof input.scheme === "string" ? [input.scheme] : input.scheme;
}

class SecretsClient implements Secrets {
  readonly #events = new Emitter();
  readonly #slotsByScheme = new Map<string, Slot>();
  readonly #slotsByName = new Map<string, Slot>();
  readonly #customSchemes = new Map<string, ReferenceSpec>();
  readonly #parsed = new Map<string, Hot>();
  /** Replaced providers not yet closed. */
  readonly #retired = new Set<Slot>();
  readonly #secrets: FreshnessCache<Stored>;
  readonly #credentials: FreshnessCache<unknown>;
  readonly #abort = new AbortController();
  readonly #ctx: FetchContext;
  #closed = false;

  constructor(options: SecretsOptions) {
    assertServerRuntime();
    const settings = settingsFrom(options.cache);
    this.#secrets = new FreshnessCache<Stored>(settings, this.#events, {
      onStore: (v) => track(v.raw, 1),
      onDrop: (v) => {
        track(v.raw, -1);
        for (const x of v.extra) track(x, -1);
      },
    });
    this.#credentials = new FreshnessCache<unknown>(settings, this.#events, {
      onStore: (v) => track(v, 1),
      onDrop: (v) => track(v, -1),
    });
    this.#ctx = Object.freeze({
      policy: Object.freeze({ ...options.policy }),
      emit: (e: SecretsEvent) => {
        if (this.#events.active) this.#events.emit(e);
      },
      signal: this.#abort.signal,
    });
    if (options.onEvent) this.#events.on(options.onEvent);
    for (const [name, input] of Object.entries(options.providers ?? {})) this.register(name, input);
    if (options.builtins !== false) {
      for (const [name, input] of Object.entries(BUILTIN_PROVIDERS)) {
        if (this.#slotsByName.has(name)) continue;
        if (schemesOf(input).some((s) => this.#slotsByScheme.has(s))) continue;
        this.register(name, input);
      }
    }
  }

  register(name: string, input: ProviderInput): void {
    if (
      !input ||
      typeof input !== "object" ||
      !("scheme" in input) ||
      !("getSecret" in input || "create" in input)
    ) {
      throw new ConfigError({
        message: `providers.${name} must be a provider object (with scheme and getSecret) or { scheme, create }.`,
      });
    }
    const slot: Slot = { name, input };
    const old = this.#slotsByName.get(name);
    if (old) this.#retire(old);
    for (const scheme of schemesOf(input)) {
      const s = scheme.toLowerCase();
      if (!/^[a-z][a-z0-9+.-]*$/.test(s)) {
        throw new ConfigError({
          message: `providers.${name}: scheme ${JSON.stringify(scheme)} must be letters, digits, '+', '.' or '-', starting with a letter.`,
        });
      }
      if (!(s in BUILTIN_SCHEMES)) this.#customSchemes.set(s, input.referenceSpec ?? {});
      this.#slotsByScheme.set(s, slot);
    }
    this.#slotsByName.set(name, slot);
    this.#parsed.clear();
  }

  getSecret(ref: string): Promise<string>;
  getSecret<T extends ValueType>(ref: string, options: GetOptions<T>): Promise<ValueOf<T>>;
  getSecret(ref: string, options?: GetOptions): Promise<unknown> {
    if (this.#closed) return Promise.reject(new ClientClosedError({ reference: ref }));
    let hot = this.#parsed.get(ref);
    if (hot === undefined) {
      try {
        hot = this.#hot(ref);
      } catch (err) {
        return Promise.reject(err);
      }
    }
    const parsed = hot.parsed;
    const stored = this.#secrets.fresh(parsed.source);
    if (stored !== undefined) {
      if (options === undefined) {
        // The last string view handed out for this exact reference, if still current.
        if (hot.stored === stored) return Promise.resolve(hot.view);
        const view = stored.views.string.get(parsed.canonical);
        if (view !== undefined) {
          hot.stored = stored;
          hot.view = view;
          return Promise.resolve(view);
        }
      } else {
        const view = stored.views[options.type ?? "string"]?.get(parsed.canonical);
        if (view !== undefined) {
          return Promise.resolve(options.type === "binary" ? (view as Uint8Array).slice() : view);
        }
      }
    }
    return this.#resolve(parsed, options?.type ?? "string", stored !== undefined);
  }

  async #resolve(
    parsed: ParsedRef,
    type: ValueType,
    hitCounted: boolean,
    batch?: Promise<Array<FetchedSecret | Error>>,
    index = 0,
  ): Promise<unknown> {
    if (!(type in VIEW_TYPES)) {
      throw new ConfigError({
        reference: parsed.raw,
        message: `type must be "string", "json" or "binary" (got ${JSON.stringify(type)}).`,
      });
    }
    const slot = this.#slotFor(parsed);
    const meta: EntryMeta = { provider: slot.name, reference: parsed.source, kind: "secret" };
    let first = batch !== undefined;
    const load = async () => {
      if (first && batch) {
        first = false;
        const result = (await batch)[index];
        if (result instanceof Error) throw this.#wrap(result, slot, parsed);
        return toLoaded(checked(result, slot.name, parsed));
      }
      return toLoaded(await this.#fetch(slot, parsed));
    };
    const stored = await this.#secrets.get(parsed.source, meta, load, hitCounted);
    return this.#view(stored, parsed, type, slot.name);
  }

  #view(stored: Stored, parsed: ParsedRef, type: ValueType, provider: string): unknown {
    const views = stored.views[type];
    let view = views.get(parsed.canonical);
    if (view === undefined) {
      view = shapeValue(stored.raw, parsed, type, provider);
      // Shaped values count as loaded values for redaction too: a decoded
      // binary secret, or a JSON leaf that is a number.
      const extra =
        type === "binary"
          ? view
          : parsed.field && typeof view !== "object"
            ? String(view)
            : undefined;
      if (extra !== undefined) {
        track(extra, 1);
        stored.extra.push(extra);
      }
      views.set(parsed.canonical, view);
    }
    return type === "binary" ? (view as Uint8Array).slice() : view;
  }

  async #fetch(slot: Slot, parsed: ParsedRef): Promise<FetchedSecret> {
    try {
      const provider = await this.#instance(slot);
      return checked(await provider.getSecret(parsed, this.#ctx), slot.name, parsed);
    } catch (err) {
      throw this.#wrap(err, slot, parsed);
    }
  }

  #wrap(err: unknown, slot: Slot, parsed?: ParsedRef): Error {
    scrub(err);
    if (SecretsError.is(err)) return err;
    return new ProviderError({ provider: slot.name, reference: parsed?.raw, cause: err });
  }

  async getCredentials<T = unknown>(provider: string, request: unknown = {}): Promise<T> {
    if (this.#closed) throw new ClientClosedError({ provider });
    const slot = this.#slotsByName.get(provider);
    if (!slot)
      throw new NoProviderError({
        provider,
        message: `No provider named "${provider}" is registered (registered: ${[...this.#slotsByName.keys()].join(", ") || "none"}).`,
      });
    const key = `${provider}\u0000${stableKey(request)}`;
    const meta: EntryMeta = { provider, reference: `${provider}:credentials`, kind: "credential" };
    return (await this.#credentials.get(key, meta, async () => {
      try {
        const p = await this.#instance(slot);
        if (!p.getCredentials) {
          throw new NoProviderError({
            provider,
            message: `Provider "${provider}" does not issue credentials; use getSecret() with its references instead.`,
          });
        }
        return await p.getCredentials(request, this.#ctx);
      } catch (err) {
        throw this.#wrap(err, slot);
      }
    })) as T;
  }

  async load<S extends LoadSpec>(spec: S): Promise<LoadResult<S>> {
    if (this.#closed) throw new ClientClosedError();
    const names = Object.keys(spec);
    const failures: LoadFailure[] = [];
    const jobs: Array<Promise<void>> = [];
    const out: Record<string, unknown> = {};
    const items: Array<{
      name: string;
      parsed: ParsedRef;
      type: ValueType;
      optional: boolean;
      slot: Slot;
    }> = [];
    const fail = (name: string, reference: string, error: unknown) => {
      const e = error instanceof Error ? error : new ProviderError({ reference, cause: error });
      failures.push({
        name,
        reference,
        code: SecretsError.is(e) ? e.code : "PROVIDER_ERROR",
        message: e.message,
        error: e,
      });
    };
    for (const name of names) {
      const entry = spec[name] as LoadEntry;
      const ref = typeof entry === "string" ? entry : entry?.ref;
      try {
        const parsed = this.#parse(ref as string);
        const type = typeof entry === "string" ? "string" : (entry.type ?? "string");
        items.push({
          name,
          parsed,
          type,
          optional: typeof entry !== "string" && entry.optional === true,
          slot: this.#slotFor(parsed),
        });
      } catch (err) {
        // A parse error carries the reference as it may be shown (a value passed
        // by mistake is masked); never echo the raw input here.
        fail(
          name,
          SecretsError.is(err) && err.reference ? err.reference : displayReference(String(ref)),
          err,
        );
      }
    }
    // One batch per provider that has a batch API, for the secrets not already cached or in flight.
    const batches = new Map<
      Slot,
      {
        refs: ParsedRef[];
        index: Map<string, number>;
        promise?: Promise<Array<FetchedSecret | Error>>;
      }
    >();
    for (const it of items) {
      if (!this.#secrets.needsFetch(it.parsed.source)) continue;
      const input = it.slot.instance ?? it.slot.input;
      if (!("getSecrets" in input) && !("create" in input)) continue;
      let b = batches.get(it.slot);
      if (!b) {
        b = { refs: [], index: new Map() };
        batches.set(it.slot, b);
      }
      if (!b.index.has(it.parsed.source)) {
        b.index.set(it.parsed.source, b.refs.length);
        b.refs.push(it.parsed);
      }
    }
    for (const [slot, b] of batches) {
      if (b.refs.length < 2) continue;
      const refs = b.refs;
      b.promise = this.#instance(slot)
        .then((p) =>
          p.getSecrets
            ? p.getSecrets(refs, this.#ctx)
            : Promise.all(refs.map((r) => this.#fetch(slot, r).catch((e: Error) => e))),
        )
        // A whole batch that fails is each reference's failure, typed like a single fetch.
        .catch((err: unknown) => refs.map((r) => this.#wrap(err, slot, r)));
    }
    for (const it of items) {
      const b = batches.get(it.slot);
      const index = b?.index.get(it.parsed.source);
      const viaBatch = index !== undefined ? b?.promise : undefined;
      jobs.push(
        this.#resolve(it.parsed, it.type, false, viaBatch, index).then(
          (v) => {
            out[it.name] = v;
          },
          (err: unknown) => {
            if (it.optional && SecretsError.is(err, "NOT_FOUND")) out[it.name] = undefined;
            else fail(it.name, it.parsed.raw, err);
          },
        ),
      );
    }
    await Promise.all(jobs);
    if (failures.length > 0) {
      failures.sort((a, b) => names.indexOf(a.name) - names.indexOf(b.name));
      throw new LoadError(failures, names.length);
    }
    const ordered: Record<string, unknown> = {};
    for (const name of names) if (Object.hasOwn(out, name)) ordered[name] = out[name];
    return ordered as LoadResult<S>;
  }

  async describe(ref: string): Promise<SecretMetadata | undefined> {
    if (this.#closed) throw new ClientClosedError({ reference: ref });
    const parsed = this.#parse(ref);
    const slot = this.#slotFor(parsed);
    try {
      const provider = await this.#instance(slot);
      return provider.describe ? await provider.describe(parsed, this.#ctx) : undefined;
    } catch (err) {
      throw this.#wrap(err, slot, parsed);
    }
  }

  invalidate(ref: string): boolean {
    return this.#secrets.invalidate(this.#parse(ref).source);
  }

  invalidateCredentials(provider: string, request?: unknown): number {
    if (request !== undefined)
      return this.#credentials.invalidate(`${provider}\u0000${stableKey(request)}`) ? 1 : 0;
    return this.#credentials.invalidateWhere((k) => k.startsWith(`${provider}\u0000`));
  }

  clear(): void {
    this.#secrets.clear();
    this.#credentials.clear();
    this.#parsed.clear(); // also drops the last view memoised per reference
  }

  on(listener: SecretsListener): () => void {
    return this.#events.on(listener);
  }

  provider(name: string): Promise<SecretProvider> {
    if (this.#closed) return Promise.reject(new ClientClosedError({ provider: name }));
    const slot = this.#slotsByName.get(name);
    if (!slot)
      return Promise.reject(
        new NoProviderError({
          provider: name,
          message: `No provider named "${name}" is registered.`,
        }),
      );
    return this.#instance(slot);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#abort.abort(new ClientClosedError());
    this.clear();
    // Providers still being created are closed once they exist (a Vault
    // provider may already hold a token or lease).
    const slots = [...new Set([...this.#slotsByName.values(), ...this.#retired])];
    await Promise.allSettled(
      slots.map(async (slot) => {
        const input = slot.input;
        const p =
          slot.instance ??
          ("getSecret" in input ? input : slot.creating ? await slot.creating : undefined);
        await p?.close?.();
      }),
    );
  }

  /** Unroutes a replaced provider, drops what it cached, and closes it. */
  #retire(old: Slot): void {
    for (const [scheme, s] of this.#slotsByScheme) {
      if (s !== old) continue;
      this.#slotsByScheme.delete(scheme);
      this.#customSchemes.delete(scheme);
      this.#secrets.invalidateWhere((key) => key.startsWith(`${scheme}://`));
    }
    this.#credentials.invalidateWhere((key) => key.startsWith(`${old.name}\u0000`));
    this.#retired.add(old);
    const p = old.instance;
    if (p?.close) {
      p.close().then(
        () => this.#retired.delete(old),
        () => this.#retired.delete(old),
      );
    } else if (!old.creating) this.#retired.delete(old);
  }

  #parse(ref: string): ParsedRef {
    return (this.#parsed.get(ref) ?? this.#hot(ref)).parsed;
  }

  #hot(ref: string): Hot {
    const hot: Hot = {
      parsed: parseReference(ref, this.#customSchemes),
      stored: undefined,
      view: undefined,
    };
    if (this.#parsed.size >= MAX_PARSED) this.#parsed.clear();
    this.#parsed.set(ref, hot);
    return hot;
  }

  #slotFor(parsed: ParsedRef): Slot {
    const slot = this.#slotsByScheme.get(parsed.scheme);
    if (slot) return slot;
    throw new NoProviderError({
      reference: parsed.raw,
      message:
        `No provider is registered for the scheme "${parsed.scheme}" (reference ${parsed.raw}). ` +
        `Register one: createSecrets({ providers: { name: myProvider() } }) with scheme "${parsed.scheme}".`,
    });
  }

  #instance(slot: Slot): Promise<SecretProvider> {
    if (slot.instance) return Promise.resolve(slot.instance);
    if ("getSecret" in slot.input) {
      slot.instance = slot.input;
      return Promise.resolve(slot.instance);
    }
    if (this.#closed) return Promise.reject(new ClientClosedError({ provider: slot.name }));
    const input = slot.input;
    slot.creating ??= Promise.resolve()
      .then(() => input.create())
      .then(
        async (p) => {
          slot.instance = p;
          // Closed while this was being created: close() may already be past this slot.
          if (this.#closed) {
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

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `Secrets { providers: [${[...this.#slotsByName.keys()].join(", ")}], cached: ${this.#secrets.size + this.#credentials.size}${this.#closed ? ", closed" : ""} }`;
  }

  toJSON(): Record<string, unknown> {
    return {
      providers: [...this.#slotsByName.keys()],
      cached: this.#secrets.size + this.#credentials.size,
      closed: this.#closed,
    };
  }
}

/**
 * Masks loaded values inside a foreign error's message and stack (a provider
 * or SDK may quote what it was given); the error itself stays the `cause`.
 */
function scrub(err: unknown): void {
  if (!(err instanceof Error)) return;
  for (let e: unknown = err, i = 0; e instanceof Error && i < 5; e = e.cause, i++) {
    if (SecretsError.is(e)) continue;
    const message = redact(e.message);
    if (message !== e.message) {
      e.message = message;
      if (e.stack) e.stack = redact(e.stack);
    }
  }
}

/** A provider's answer must carry a string or bytes; anything else is its bug, reported by name. */
function checked(
  fetched: FetchedSecret | undefined,
  provider: string,
  parsed: ParsedRef,
): FetchedSecret {
  if (!fetched || (typeof fetched.value !== "string" && !(fetched.value instanceof Uint8Array))) {
    throw new ProviderError({
      provider,
      reference: parsed.raw,
      message: `Provider ${provider} returned no string or bytes value for ${parsed.raw}.`,
    });
  }
  return fetched;
}

const VIEW_TYPES: Record<ValueType, true> = { string: true, json: true, binary: true };

function toLoaded(f: FetchedSecret): Loaded<Stored> {
  return {
    value: {
      raw: f.value,
      views: { string: new Map(), json: new Map(), binary: new Map() },
      extra: [],
    },
    version: f.version,
    expiresAt: f.expiresAt,
    refreshBefore: f.refreshBefore,
  };
}

/**
 * Creates a secrets client. With no options it is the zero-config client:
 * every built-in provider is registered and created on first use.
 *
 * @example
 * ```ts
 * import { createSecrets } from "secrets-loader";
 *
 * const secrets = createSecrets({ cache: { maxAge: "10m" }, onEvent: (e) => log.info(e) });
 * const config = await secrets.load({ DB_PASSWORD: "env://DB_PASSWORD" });
 * ```
 */
export function createSecrets(options: SecretsOptions = {}): Secrets {
  return new SecretsClient(options);
}
