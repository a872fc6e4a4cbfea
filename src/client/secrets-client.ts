/**
 * The client facade: routes references to providers (registry), puts one
 * cache in front of them (secrets, credentials and leased values share it),
 * runs every provider call under a deadline, and ends leases exactly once.
 * Public API -> client -> cache -> provider.
 */

import type {
  CacheOptions,
  CallOptions,
  GetOptions,
  LoadResult,
  LoadSpec,
  Secrets,
  SecretsOptions,
  ValueOf,
} from "../api.js";
import { type CacheSettings, type EntryMeta, FreshnessCache, sameLease } from "../cache/cache.js";
import { toMillis } from "../duration.js";
import {
  ClientClosedError,
  ConfigError,
  NoProviderError,
  ProviderError,
  SecretsError,
} from "../errors.js";
import { Emitter, type SecretsEvent, type SecretsListener } from "../events.js";
import { assertServerRuntime } from "../guard.js";
import type { AnyProvider, ProviderInput, ProviderOperations } from "../provider/define.js";
import { parseReference } from "../reference/parse.js";
import type { SchemeTable } from "../reference/table.js";
import type {
  CallContext,
  Issued,
  Lease,
  ParsedRef,
  ProviderContext,
  SecretMetadata,
  ValueType,
} from "../types.js";
import { warnIfReadAtBuild } from "./build-phase.js";
import { credentialsKey, memoKey, ofProvider, ofScheme, secretKey } from "./cache-keys.js";
import { type CallSubject, callWithDeadline } from "./calls.js";
import { type LeaseEndReason, LeaseKeeper } from "./leases.js";
import { planLoad } from "./load-plan.js";
import { Registry, type Slot, stamp } from "./registry.js";
import { checkedAuthClass, enforceShortLived, UNCLASSIFIED } from "./short-lived.js";
import {
  checkedSecret,
  checkedTimes,
  credentialsOf,
  type Stored,
  scrub,
  toStored,
  trackStored,
  typeOf,
  VIEW_TYPES,
  viewOf,
} from "./stored.js";

/** Per raw reference string: its parse, and the last string view served for it. */
interface Hot {
  readonly parsed: ParsedRef;
  stored: Stored | undefined;
  view: unknown;
}

const MAX_PARSED = 10_000;

function settingsFrom(o: CacheOptions = {}): CacheSettings {
  if (o === null || typeof o !== "object") {
    throw new ConfigError({ message: "cache must be an object of cache settings." });
  }
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
    staleWait: toMillis(o.staleWait ?? 250, "cache.staleWait"),
    maxBackoff: toMillis(o.maxBackoff ?? "60s", "cache.maxBackoff"),
  };
}

function positive(ms: number, name: string): number {
  if (!(ms > 0)) throw new ConfigError({ message: `${name} must be more than 0 ms (got ${ms}).` });
  return ms;
}

/** A signal that never fires: revocations must outlive close(). */
const NEVER = new AbortController().signal;

class SecretsClient implements Secrets {
  readonly #events = new Emitter();
  readonly #registry: Registry;
  readonly #parsed = new Map<string, Hot>();
  /** Secrets, credentials and leased values: one entry per value, so one lease. */
  readonly #cache: FreshnessCache<Stored>;
  /** Providers' own auth material (role sessions, login tokens), through `context.memo`. */
  readonly #memo: FreshnessCache<Stored>;
  readonly #leases: LeaseKeeper;
  readonly #abort = new AbortController();
  readonly #contexts = new Map<string, ProviderContext>();
  readonly #policy: Readonly<NonNullable<SecretsOptions["policy"]>>;
  readonly #timeout: number;
  #closed = false;
  #closing = false;

  constructor(options: SecretsOptions, composition: ClientComposition) {
    assertServerRuntime();
    if (options === null || typeof options !== "object") {
      throw new ConfigError({ message: "createSecrets(options): options must be an object." });
    }
    const settings = settingsFrom(options.cache);
    this.#timeout = positive(toMillis(options.timeout ?? "10s", "timeout"), "timeout");
    const grace = toMillis(options.cache?.leaseGrace ?? "30s", "cache.leaseGrace");
    this.#policy = Object.freeze({ ...options.policy });
    this.#leases = new LeaseKeeper((p, r, l, why) => this.#revoke(p, r, l, why), grace);
    const hooks = {
      onStore: (issued: Issued<Stored>) => {
        // A value that arrives after close() is not registered (nothing would release it).
        if (!this.#closed) trackStored(issued.value, 1);
      },
      onDrop: (
        issued: Issued<Stored>,
        meta: EntryMeta,
        next: Issued<Stored> | undefined,
        orphan?: boolean,
      ) => {
        if (next?.value !== issued.value) trackStored(issued.value, -1);
        const lease = issued.lease;
        if (lease && !sameLease(lease, next?.lease)) {
          const why: LeaseEndReason = this.#closing
            ? "close"
            : next || orphan
              ? "replaced"
              : "dropped";
          this.#leases.end(meta.provider, meta.reference, lease, why, issued.expiresAt);
        }
      },
    };
    this.#cache = new FreshnessCache<Stored>(settings, this.#events, hooks);
    this.#memo = new FreshnessCache<Stored>(settings, this.#events, hooks);
    this.#registry = new Registry(
      (name) => this.#contextFor(name),
      () => this.#closed,
      composition.table,
    );
    if (options.onEvent) this.#events.on(options.onEvent);
    for (const [name, input] of Object.entries(options.providers ?? {})) this.register(name, input);
    if (options.builtins !== false) {
      for (const p of composition.providers) {
        const { name, schemes } = p.declaration;
        if (this.#registry.taken(name, Object.keys(schemes))) continue;
        this.#registry.register(name, p);
      }
    }
  }

  #emit = (e: SecretsEvent): void => {
    if (this.#events.active) this.#events.emit(e);
  };

  /** The context a provider gets once, at creation (and, with a call's signal, on every call). */
  #contextFor(name: string): ProviderContext {
    let ctx = this.#contexts.get(name);
    if (!ctx) {
      ctx = Object.freeze({
        name,
        policy: this.#policy,
        // Every event of the provider carries the name it is registered under.
        emit: (event: SecretsEvent) => {
          if (this.#events.active) this.#events.emit({ ...event, provider: name });
        },
        signal: this.#abort.signal,
        memo: this.#memoFor(name, this.#timeout),
      });
      this.#contexts.set(name, ctx);
    }
    return ctx;
  }

  /** A provider's memo whose issue runs under `timeout` (a call's own, inside a call). */
  #memoFor(provider: string, timeout: number): ProviderContext["memo"] {
    return async <T>(key: string, issue: (signal: AbortSignal) => Promise<Issued<T>>) => {
      if (this.#closed) throw new ClientClosedError({ provider });
      const meta: EntryMeta = { provider, reference: key, kind: "credential" };
      const stored = await this.#memo.get(memoKey(provider, key), meta, () =>
        callWithDeadline(
          this.#contextFor(provider),
          this.#abort.signal,
          timeout,
          { provider, what: key },
          async (call) => toStored(checkedTimes(await issue(call.signal), provider)),
        ),
      );
      return stored.raw as T;
    };
  }

  register(name: string, input: ProviderInput): void {
    const old = this.#registry.register(name, input);
    if (old) this.#retire(old);
    this.#parsed.clear();
  }

  /** Drops what a replaced provider cached, then closes it. */
  #retire(old: Slot): void {
    for (const scheme of old.schemes) this.#cache.invalidateWhere(ofScheme(scheme));
    this.#cache.invalidateWhere(ofProvider(old.name));
    this.#memo.invalidateWhere(ofProvider(old.name));
    this.#registry.closeRetired(old);
  }

  getSecret(ref: string): Promise<string>;
  getSecret<T extends ValueType = "string">(
    ref: string,
    options: GetOptions<T>,
  ): Promise<ValueOf<T>>;
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
    const stored = this.#cache.fresh(secretKey(parsed));
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
      } else if (typeof options === "object" && options !== null) {
        const type = options.type ?? "string";
        const view = Object.hasOwn(VIEW_TYPES, type)
          ? stored.views[type].get(parsed.canonical)
          : undefined;
        if (view !== undefined) {
          return Promise.resolve(type === "binary" ? (view as Uint8Array).slice() : view);
        }
      }
    }
    let type: ValueType;
    let timeout: number;
    try {
      type = typeOf(options, parsed);
      timeout = this.#timeoutOf(options);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#resolve(parsed, type, timeout, { hitCounted: stored !== undefined });
  }

  #timeoutOf(options: CallOptions | undefined): number {
    if (options?.timeout === undefined) return this.#timeout;
    return positive(toMillis(options.timeout, "timeout"), "timeout");
  }

  async #resolve(
    parsed: ParsedRef,
    type: ValueType,
    timeout: number,
    o: {
      /** The caller already counted a hit for this read. */
      hitCounted?: boolean;
      /** A batch read under way, and this reference's index in it. */
      batch?: { results: Promise<Array<Issued<unknown> | Error> | undefined>; index: number };
    } = {},
  ): Promise<unknown> {
    const slot = this.#registry.slotFor(parsed);
    const meta: EntryMeta = { provider: slot.name, reference: parsed.source, kind: "secret" };
    let batch = o.batch;
    const load = async (previous: Issued<Stored> | undefined): Promise<Issued<Stored>> => {
      warnIfReadAtBuild(parsed.raw, slot.name, this.#emit);
      if (batch) {
        const { results, index } = batch;
        batch = undefined;
        const answered = await results;
        // No batch read: this reference is read on its own (renewing its lease, if any).
        if (answered) {
          const result = answered[index];
          if (result instanceof Error) throw this.#wrap(result, slot, parsed);
          return toStored(checkedSecret(result, slot.name, parsed));
        }
      }
      return this.#fetchSecret(slot, parsed, timeout, previous);
    };
    const stored = await this.#cache.get(secretKey(parsed), meta, load, o.hitCounted);
    return viewOf(stored, parsed, type, slot.name);
  }

  /** Reads one secret through the one issue path. */
  #fetchSecret(
    slot: Slot,
    parsed: ParsedRef,
    timeout: number,
    previous: Issued<Stored> | undefined,
  ): Promise<Issued<Stored>> {
    return this.#issue(slot, {
      timeout,
      previous,
      parsed,
      label: parsed.source,
      subject: { provider: slot.name, reference: parsed.raw, what: parsed.raw },
      fetch: (provider, call) => provider.getSecret(parsed, call),
      check: (issued) => checkedSecret(issued, slot.name, parsed),
    });
  }

  /**
   * The one issue path of secrets and credentials: creates the provider on
   * first use, renews `previous`'s lease in place while it can, else issues
   * anew under the call's deadline (its signal also fires on close()), checks
   * the answer and wraps any failure as a typed error of the provider.
   */
  async #issue(
    slot: Slot,
    o: {
      timeout: number;
      previous: Issued<Stored> | undefined;
      /** What the entry is called in events (a reference's source or a credentials label). */
      label: string;
      subject: CallSubject;
      parsed?: ParsedRef;
      fetch: (provider: ProviderOperations, call: CallContext) => Promise<Issued<unknown>>;
      check: (issued: Issued<unknown>) => Issued<unknown>;
    },
  ): Promise<Issued<Stored>> {
    try {
      const provider = slot.instance ?? (await this.#registry.instance(slot));
      await this.#allowed(slot, provider, o.timeout, o.parsed?.raw);
      if (o.previous?.lease) {
        const renewed = await this.#renewed(slot, provider, o.label, o.timeout, o.previous);
        if (renewed) return renewed;
      }
      const issued = await this.#call(
        slot,
        o.timeout,
        o.subject,
        (call) => o.fetch(provider, call),
        o.previous,
      );
      return toStored(o.check(issued));
    } catch (err) {
      throw this.#wrap(err, slot, o.parsed);
    }
  }

  /**
   * `policy.requireShortLived`, the one enforcement point before any read:
   * the provider's `authClass` (cached with its auth material) decides. Costs
   * nothing with the policy off.
   */
  async #allowed(
    slot: Slot,
    provider: ProviderOperations,
    timeout: number,
    reference?: string,
  ): Promise<void> {
    const mode = this.#policy.requireShortLived;
    if (mode !== true && mode !== "strict") return;
    const classify = provider.authClass?.bind(provider);
    const auth = classify
      ? checkedAuthClass(
          await this.#call(
            slot,
            timeout,
            { provider: slot.name, what: "its credentials" },
            (call) => Promise.resolve(classify(call)),
          ),
        )
      : UNCLASSIFIED;
    enforceShortLived(mode, slot.name, auth, reference);
  }

  /** Extends `previous`'s lease in place, if the provider can; `undefined` means issue anew. */
  async #renewed(
    slot: Slot,
    provider: ProviderOperations,
    reference: string,
    timeout: number,
    previous: Issued<Stored> | undefined,
  ): Promise<Issued<Stored> | undefined> {
    const lease = previous?.lease;
    if (!previous || !lease?.renewable || !provider.renew) return undefined;
    const now = Date.now();
    // An expired lease is gone on the backend; one at its maximum cannot grow.
    if (previous.expiresAt !== undefined && now >= previous.expiresAt) return undefined;
    if (lease.maxExpiresAt !== undefined && now >= lease.maxExpiresAt) return undefined;
    const renew = provider.renew.bind(provider);
    let renewed: Issued<unknown> | undefined;
    try {
      renewed = await this.#call(
        slot,
        timeout,
        { provider: slot.name, what: `lease renewal for ${reference}` },
        (call) => renew(lease, call),
        previous,
      );
    } catch {
      return undefined; // The lease cannot be extended: issue anew.
    }
    if (!renewed || !sameLease(renewed.lease ?? lease, lease)) return undefined;
    checkedTimes(renewed, slot.name, reference);
    if (
      renewed.expiresAt !== undefined &&
      previous.expiresAt !== undefined &&
      renewed.expiresAt <= previous.expiresAt
    ) {
      return undefined; // Capped at its maximum: nothing gained.
    }
    this.#emit({
      type: "lease",
      action: "renewed",
      time: Date.now(),
      provider: slot.name,
      reference,
      lease: lease.id,
      ...(renewed.expiresAt !== undefined ? { expiresAt: renewed.expiresAt } : {}),
    });
    const same = renewed.value === undefined || renewed.value === previous.value.raw;
    return {
      ...renewed,
      lease: renewed.lease ?? lease,
      value: same ? previous.value : toStored(renewed).value,
    };
  }

  /** A provider call under `timeout`; its memo issues under the same deadline. */
  #call<T>(
    slot: Slot,
    timeout: number,
    subject: CallSubject,
    fn: (call: CallContext) => Promise<T>,
    previous?: Issued<Stored>,
  ): Promise<T> {
    const context = this.#contextFor(slot.name);
    return callWithDeadline(
      timeout === this.#timeout ? context : { ...context, memo: this.#memoFor(slot.name, timeout) },
      this.#abort.signal,
      timeout,
      subject,
      fn,
      previous ? { ...previous, value: previous.value.raw } : undefined,
    );
  }

  #wrap(err: unknown, slot: Slot, parsed?: ParsedRef): Error {
    scrub(err); // Also for errors thrown before any backend call (callWithDeadline scrubs those).
    if (SecretsError.is(err)) return stamp(err, slot.name);
    return new ProviderError({ provider: slot.name, reference: parsed?.raw, cause: err });
  }

  async #revoke(
    provider: string,
    reference: string,
    lease: Lease,
    reason: LeaseEndReason,
  ): Promise<void> {
    const slot = this.#registry.all().find((s) => s.name === provider && s.instance);
    const instance = slot?.instance;
    if (!instance?.revoke) return; // It ends by itself at its expiry.
    const revoke = instance.revoke.bind(instance);
    try {
      await callWithDeadline(
        this.#contextFor(provider),
        NEVER,
        this.#timeout,
        { provider, what: `revocation of lease ${lease.id}` },
        (call) => revoke(lease, call),
      );
      this.#emit({
        type: "lease",
        action: "revoked",
        time: Date.now(),
        provider,
        reference,
        lease: lease.id,
        reason,
      });
    } catch {
      this.#emit({
        type: "lease",
        action: "revoke-failed",
        time: Date.now(),
        provider,
        reference,
        lease: lease.id,
        reason,
      });
    }
  }

  // Typed by the Secrets interface's overloads (the class is never exported).
  async getCredentials(
    provider: string,
    request: unknown = {},
    options?: CallOptions,
  ): Promise<unknown> {
    if (this.#closed) throw new ClientClosedError({ provider });
    const slot = this.#named(provider);
    const timeout = this.#timeoutOf(options);
    let p: ProviderOperations;
    try {
      p = await this.#registry.instance(slot);
    } catch (err) {
      throw this.#wrap(err, slot);
    }
    const shared = p.credentialsReference?.(request);
    if (shared !== undefined) {
      // The same lease read both ways: one cache entry, keyed by the reference.
      const parsed = this.#parse(shared);
      // Named by the provider's label (`vault:database/creds/ro`) when credentials create the
      // entry; an entry a getSecret() created keeps its reference.
      const label = p.credentialsLabel?.(request) ?? parsed.source;
      const meta: EntryMeta = { provider, reference: label, kind: "credential" };
      const stored = await this.#cache.get(secretKey(parsed), meta, (prev) =>
        this.#fetchSecret(slot, parsed, timeout, prev),
      );
      return credentialsOf(stored, provider, parsed);
    }
    if (!p.getCredentials) {
      throw new NoProviderError({
        provider,
        message: `Provider "${provider}" does not issue credentials; use getSecret() with its references instead.`,
      });
    }
    const label = p.credentialsLabel?.(request) ?? `${provider}:credentials`;
    const meta: EntryMeta = { provider, reference: label, kind: "credential" };
    const stored = await this.#cache.get(credentialsKey(provider, request), meta, (previous) =>
      this.#issue(slot, {
        timeout,
        previous,
        label,
        subject: { provider, what: `credentials ${label}` },
        fetch: (ops, call) =>
          (ops.getCredentials as NonNullable<ProviderOperations["getCredentials"]>)(request, call),
        check: (issued) => checkedTimes(issued, provider),
      }),
    );
    return credentialsOf(stored, provider);
  }

  async load<S extends LoadSpec>(spec: S, options?: CallOptions): Promise<LoadResult<S>> {
    if (this.#closed) throw new ClientClosedError();
    const timeout = this.#timeoutOf(options);
    return planLoad(spec, {
      parse: (ref) => this.#parse(ref),
      slotFor: (parsed) => this.#registry.slotFor(parsed),
      needsFetch: (source) => this.#cache.needsFetch(source),
      batch: (slot, refs) =>
        this.#registry
          .instance(slot)
          .then(async (p) => {
            if (p.getSecrets) await this.#allowed(slot, p, timeout);
            return p.getSecrets
              ? this.#call(
                  slot,
                  timeout,
                  { provider: slot.name, what: `${refs.length} references` },
                  (call) =>
                    (p.getSecrets as NonNullable<ProviderOperations["getSecrets"]>)(refs, call),
                )
              : undefined;
          })
          // A whole batch that fails is each reference's failure, typed like a single fetch.
          .catch((err: unknown) => refs.map((r) => this.#wrap(err, slot, r))),
      resolve: (parsed, type, batch, index) =>
        this.#resolve(
          parsed,
          type,
          timeout,
          batch ? { batch: { results: batch, index: index ?? 0 } } : {},
        ),
    }) as Promise<LoadResult<S>>;
  }

  async describe(ref: string, options?: CallOptions): Promise<SecretMetadata | undefined> {
    if (this.#closed) throw new ClientClosedError({ reference: ref });
    const parsed = this.#parse(ref);
    const slot = this.#registry.slotFor(parsed);
    const timeout = this.#timeoutOf(options);
    try {
      const provider = await this.#registry.instance(slot);
      const describe = provider.describe?.bind(provider);
      if (!describe) return undefined;
      return await this.#call(
        slot,
        timeout,
        { provider: slot.name, reference: parsed.raw, what: parsed.raw },
        (call) => describe(parsed, call),
      );
    } catch (err) {
      throw this.#wrap(err, slot, parsed);
    }
  }

  invalidate(ref: string): boolean {
    return this.#cache.invalidate(secretKey(this.#parse(ref)));
  }

  invalidateCredentials(provider: string, request?: unknown): number {
    if (request === undefined) {
      return this.#cache.invalidateWhere(ofProvider(provider));
    }
    let n = this.#cache.invalidate(credentialsKey(provider, request)) ? 1 : 0;
    const shared = this.#registry.byName(provider)?.instance?.credentialsReference?.(request);
    if (shared !== undefined && this.#cache.invalidate(secretKey(this.#parse(shared)))) n++;
    return n;
  }

  clear(): void {
    this.#cache.clear();
    this.#parsed.clear(); // also drops the last view memoised per reference
  }

  on(listener: SecretsListener): () => void {
    return this.#events.on(listener);
  }

  provider(name: string): Promise<ProviderOperations> {
    if (this.#closed) return Promise.reject(new ClientClosedError({ provider: name }));
    try {
      return this.#registry.instance(this.#named(name));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  async withProvider<T>(
    name: string,
    fn: (provider: ProviderOperations, call: CallContext) => Promise<T>,
    options?: CallOptions,
  ): Promise<T> {
    if (this.#closed) throw new ClientClosedError({ provider: name });
    const slot = this.#named(name);
    const timeout = this.#timeoutOf(options);
    try {
      const provider = await this.#registry.instance(slot);
      return await this.#call(slot, timeout, { provider: name, what: `a ${name} call` }, (call) =>
        fn(provider, call),
      );
    } catch (err) {
      throw SecretsError.is(err) ? stamp(err, name) : err;
    }
  }

  /** The slot registered under `name`, or the one "no provider named" error. */
  #named(name: string): Slot {
    const slot = this.#registry.byName(name);
    if (slot) return slot;
    throw new NoProviderError({
      provider: name,
      message: `No provider named "${name}" is registered (registered: ${this.#registry.names().join(", ") || "none"}).`,
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#closing = true;
    // Rejects every pending caller and aborts every call in flight.
    this.#abort.abort(new ClientClosedError());
    this.clear();
    this.#memo.clear();
    await this.#leases.drain();
    // Providers still being created are closed once they exist (a Vault
    // provider may already hold a token).
    await Promise.allSettled(
      this.#registry.all().map(async (slot) => {
        const p = await this.#registry.settled(slot);
        await p?.close?.();
      }),
    );
  }

  #parse(ref: string): ParsedRef {
    return (this.#parsed.get(ref) ?? this.#hot(ref)).parsed;
  }

  #hot(ref: string): Hot {
    const hot: Hot = {
      parsed: parseReference(ref, this.#registry.table),
      stored: undefined,
      view: undefined,
    };
    if (this.#parsed.size >= MAX_PARSED) this.#parsed.clear();
    this.#parsed.set(ref, hot);
    return hot;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `Secrets { providers: [${this.#registry.names().join(", ")}], cached: ${this.#cache.size}${this.#closed ? ", closed" : ""} }`;
  }

  toJSON(): Record<string, unknown> {
    return { providers: this.#registry.names(), cached: this.#cache.size, closed: this.#closed };
  }
}

/** What a client is composed of: the providers registered by default, and their scheme table. */
export interface ClientComposition {
  /** Registered unless `builtins: false`, each under its declaration's name. */
  readonly providers: readonly AnyProvider[];
  /** Their schemes, rules, aliases and suggestions. */
  readonly table: SchemeTable;
}

/**
 * Creates a client over a composition (the root's `createSecrets` passes the built-ins).
 *
 * @internal
 */
export function createClient(options: SecretsOptions, composition: ClientComposition): Secrets {
  return new SecretsClient(options, composition);
}
