/**
 * The client facade: routes references to providers (registry), puts one
 * cache in front of them (secrets, credentials and leased values share it),
 * runs every provider call under a deadline, and ends leases exactly once.
 * Public API -> client -> cache -> provider.
 */

import { AsyncLocalStorage } from "node:async_hooks";
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
import { monoFromEpoch, monoNow, wallNow } from "../cache/clock.js";
import { toMillis } from "../duration.js";
import {
  ClientClosedError,
  ConfigError,
  NoProviderError,
  ProviderError,
  SecretsError,
  UnavailableError,
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
import { type CallSubject, callWithDeadline, type LateAnswers, SignalFanout } from "./calls.js";
import { type CloseResult, settleBy, untilAborted } from "./closing.js";
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
/** Values that left the cache and stay masked by redact() until clear()/close(). */
const RETIRED_MAX = 256;

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

/** What is left of a `timeout` ms deadline that started at `started` (monotonic), at least 1 ms. */
function leftOf(timeout: number, started: number): number {
  return Math.max(1, Math.round(timeout - (monoNow() - started)));
}

function positive(ms: number, name: string): number {
  if (!(ms > 0)) throw new ConfigError({ message: `${name} must be more than 0 ms (got ${ms}).` });
  return ms;
}

/** The `process.emitWarning` code of a load() over `cache.maxEntries`. */
const LOAD_EXCEEDS_CACHE = "SECRETS_LOADER_LOAD_EXCEEDS_CACHE";

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
  /**
   * The running provider call's timeout, so that a memo captured at creation
   * (`context.memo`) issues under the call it serves, like `call.memo`.
   */
  readonly #callTimeout = new AsyncLocalStorage<number>();
  readonly #maxEntries: number;
  /** The process warning for a load() over maxEntries is emitted once per client. */
  #warnedOverCache = false;
  readonly #closeTimeout: number;
  /** Aborted at close()'s deadline: late answers are no longer read, revocations stop. */
  readonly #closeDeadline = new AbortController();
  /** Calls in flight, told of close() through one listener for the client. */
  readonly #inFlight = new SignalFanout(this.#abort.signal);
  /** Calls reading a late answer, told of close()'s deadline through one listener. */
  readonly #lateReads = new SignalFanout(this.#closeDeadline.signal);
  /** Provider calls still running after their caller was answered (close() waits for them). */
  readonly #late = new Set<Promise<unknown>>();
  #closed = false;
  #closing = false;
  #closeResult: Promise<CloseResult> | undefined;
  /** Values that left the cache, still masked by redact() (oldest first). */
  readonly #retired = new Set<Stored>();

  constructor(options: SecretsOptions, composition: ClientComposition) {
    assertServerRuntime();
    if (options === null || typeof options !== "object") {
      throw new ConfigError({ message: "createSecrets(options): options must be an object." });
    }
    const settings = settingsFrom(options.cache);
    this.#maxEntries = settings.maxEntries;
    this.#timeout = positive(toMillis(options.timeout ?? "10s", "timeout"), "timeout");
    const grace = toMillis(options.cache?.leaseGrace ?? "30s", "cache.leaseGrace");
    this.#policy = Object.freeze({ ...options.policy });
    this.#closeTimeout = positive(
      toMillis(options.closeTimeout ?? "3s", "closeTimeout"),
      "closeTimeout",
    );
    this.#leases = new LeaseKeeper(
      (p, r, l, _why, signal) => this.#revoke(p, r, l, signal),
      (p, r, l, why, revoked) => this.#revokeOutcome(p, r, l, why, revoked),
      grace,
      this.#timeout,
    );
    /** A lease's end on the monotonic clock, taken when it was stored. */
    const monoEnds = new WeakMap<Issued<Stored>, number>();
    const hooks = {
      onStore: (issued: Issued<Stored>) => {
        if (issued.lease && issued.expiresAt !== undefined) {
          monoEnds.set(issued, monoFromEpoch(issued.expiresAt));
        }
        // A value that arrives after close() is not registered (nothing would release it).
        if (!this.#closed) trackStored(issued.value, 1);
      },
      onDrop: (
        issued: Issued<Stored>,
        meta: EntryMeta,
        next: Issued<Stored> | undefined,
        orphan?: boolean,
      ) => {
        if (next?.value !== issued.value) this.#keepMasked(issued.value);
        const lease = issued.lease;
        if (lease && !sameLease(lease, next?.lease)) {
          const why: LeaseEndReason = this.#closing
            ? "close"
            : next || orphan
              ? "replaced"
              : "dropped";
          const end = issued.expiresAt;
          const monoEnd = monoEnds.get(issued);
          // Skipped only when both clocks say the lease ended: a wall-clock step
          // forward must not strand a live lease.
          this.#leases.end(
            meta.provider,
            meta.reference,
            lease,
            why,
            end === undefined || monoEnd === undefined
              ? undefined
              : () => wallNow() >= end && monoNow() >= monoEnd,
          );
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
        memo: this.#memoFor(name),
      });
      this.#contexts.set(name, ctx);
    }
    return ctx;
  }

  /**
   * A provider's memo. Its issue runs under the timeout of the provider call
   * it serves (creation included); outside any call (a provider's own timer),
   * under the client's.
   */
  #memoFor(provider: string): ProviderContext["memo"] {
    return async <T>(key: string, issue: (signal: AbortSignal) => Promise<Issued<T>>) => {
      if (this.#closed) throw new ClientClosedError({ provider });
      const meta: EntryMeta = { provider, reference: key, kind: "credential" };
      const stored = await this.#memo.get(memoKey(provider, key), meta, () =>
        callWithDeadline(
          this.#contextFor(provider),
          this.#inFlight,
          this.#callTimeout.getStore() ?? this.#timeout,
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
      /** Ms of the deadline the caller already spent (creating the provider). */
      spent?: number;
    },
  ): Promise<Issued<Stored>> {
    try {
      const started = monoNow() - (o.spent ?? 0);
      const provider = slot.instance ?? (await this.#instance(slot, o.timeout, o.subject));
      await this.#allowed(slot, provider, o.timeout, o.parsed?.raw);
      if (o.previous?.lease) {
        const renewed = await this.#renewed(slot, provider, o.label, o.timeout, o.previous);
        if (renewed) return renewed;
      }
      // One deadline for the call: creating the provider spent part of it.
      const issued = await this.#call(
        slot,
        leftOf(o.timeout, started),
        { ...o.subject, deadlineMs: o.timeout },
        (call) => o.fetch(provider, call),
        o.previous,
        o.label,
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
    const now = wallNow();
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

  /**
   * A provider call under `timeout`; its memo issues under the same deadline.
   * With `issues` (the label of what it issues; one per result for a batch),
   * an answer that arrives after the caller gave up is still taken, and its
   * leases revoked.
   */
  #call<T>(
    slot: Slot,
    timeout: number,
    subject: CallSubject,
    fn: (call: CallContext) => Promise<T>,
    previous?: Issued<Stored>,
    issues?: string | readonly string[],
  ): Promise<T> {
    return this.#callTimeout.run(timeout, () =>
      callWithDeadline(
        this.#contextFor(slot.name),
        this.#inFlight,
        timeout,
        subject,
        fn,
        previous ? { ...previous, value: previous.value.raw } : undefined,
        // Only a provider that can revoke gets its late answers waited for.
        issues === undefined || !slot.instance?.revoke
          ? undefined
          : (this.#lateAnswers(slot.name, issues) as LateAnswers<T>),
      ),
    );
  }

  /** Where a late issuing answer goes: its lease to the keeper, revoked at once. */
  #lateAnswers(
    provider: string,
    labels: string | readonly string[],
  ): LateAnswers<Issued<unknown> | ReadonlyArray<Issued<unknown> | Error>> {
    const end = (issued: unknown, label: string) => {
      const lease = (issued as Partial<Issued<unknown>> | undefined)?.lease;
      if (lease && typeof lease.id === "string") {
        this.#leases.end(provider, label, lease, this.#closing ? "close" : "late");
      }
    };
    return {
      stop: this.#lateReads,
      accept: (answer) => {
        // A batch (getSecrets): one result per reference, errors among them.
        if (typeof labels === "string") end(answer, labels);
        else if (Array.isArray(answer)) {
          answer.forEach((issued, i) => {
            if (!(issued instanceof Error)) end(issued, labels[i] ?? provider);
          });
        }
      },
      track: (running) => {
        this.#late.add(running);
        running.finally(() => this.#late.delete(running));
      },
    };
  }

  /**
   * The provider behind a slot, created within the call's deadline (and
   * abandoned on close()): a `create()` that never settles costs the caller
   * `timeout`, not for ever.
   */
  #instance(slot: Slot, timeout: number, subject: CallSubject): Promise<ProviderOperations> {
    if (slot.instance) return Promise.resolve(slot.instance);
    // A memo a provider uses while it is created issues under the call's deadline too.
    const creating = this.#callTimeout.run(timeout, () => this.#registry.instance(slot));
    const deadline = AbortSignal.any([this.#abort.signal, AbortSignal.timeout(timeout)]);
    return untilAborted(creating, deadline, () =>
      this.#abort.signal.aborted
        ? new ClientClosedError({ provider: slot.name, reference: subject.reference })
        : new UnavailableError({
            provider: slot.name,
            ...(subject.reference ? { reference: subject.reference } : {}),
            message: `${slot.name}: the provider was not ready for ${subject.what} within ${timeout} ms (its creation, or the import of its SDK, did not finish), so the call was aborted. Raise the deadline (createSecrets({ timeout }) or the call's { timeout }), or check what the provider's creation waits for.`,
          }),
    );
  }

  #wrap(err: unknown, slot: Slot, parsed?: ParsedRef): Error {
    scrub(err); // Also for errors thrown before any backend call (callWithDeadline scrubs those).
    if (SecretsError.is(err)) return stamp(err, slot.name);
    return new ProviderError({ provider: slot.name, reference: parsed?.raw, cause: err });
  }

  /** One revocation attempt under `signal` (the keeper retries); rejects if it did not happen. */
  async #revoke(
    provider: string,
    _reference: string,
    lease: Lease,
    signal: AbortSignal,
  ): Promise<void> {
    const slot = this.#registry.all().find((s) => s.name === provider && s.instance);
    const instance = slot?.instance;
    if (!instance?.revoke) return; // It ends by itself at its expiry.
    const revoke = instance.revoke.bind(instance);
    const call: CallContext = { ...this.#contextFor(provider), signal };
    try {
      await untilAborted(
        Promise.resolve().then(() => revoke(lease, call)),
        signal,
        () => signal.reason,
      );
    } catch (err) {
      scrub(err);
      throw err;
    }
  }

  #revokeOutcome(
    provider: string,
    reference: string,
    lease: Lease,
    reason: LeaseEndReason,
    revoked: boolean,
  ): void {
    this.#emit({
      type: "lease",
      action: revoked ? "revoked" : "revoke-failed",
      time: Date.now(),
      provider,
      reference,
      lease: lease.id,
      reason,
    });
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
    const started = monoNow();
    let p: ProviderOperations;
    try {
      p = await this.#instance(slot, timeout, { provider, what: "credentials" });
    } catch (err) {
      throw this.#wrap(err, slot);
    }
    // Creating the provider spent part of this call's deadline (once: not a later refresh's).
    let spent = Math.round(monoNow() - started);
    const spend = () => {
      const ms = spent;
      spent = 0;
      return ms;
    };
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
        spent: spend(),
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
      planned: (distinct) => this.#warnIfOverCache(distinct),
      batch: (slot, refs) =>
        this.#instance(slot, timeout, { provider: slot.name, what: `${refs.length} references` })
          .then(async (p) => {
            if (p.getSecrets) await this.#allowed(slot, p, timeout);
            return p.getSecrets
              ? this.#call(
                  slot,
                  timeout,
                  { provider: slot.name, what: `${refs.length} references` },
                  (call) =>
                    (p.getSecrets as NonNullable<ProviderOperations["getSecrets"]>)(refs, call),
                  undefined,
                  // A late batch answer's leases are revoked, each under its reference.
                  refs.map((r) => r.raw),
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

  /**
   * A load() of more secrets than the cache holds evicts (and revokes the leases of) what it
   * just loaded: never silently.
   */
  #warnIfOverCache(distinct: number): void {
    if (distinct <= this.#maxEntries) return;
    const message =
      `load() names ${distinct} references but the cache's maxEntries is ${this.#maxEntries}, so it cannot keep ` +
      "them all: the oldest are evicted (their leases revoked) and fetched again on their next read. " +
      `Raise it: createSecrets({ cache: { maxEntries: ${distinct} } }) or more.`;
    this.#emit({
      type: "warning",
      code: "LOAD_EXCEEDS_CACHE",
      time: Date.now(),
      provider: "*",
      reference: "load()",
      message,
    });
    if (this.#warnedOverCache) return;
    this.#warnedOverCache = true;
    globalThis.process?.emitWarning?.(`secrets-loader: ${message}`, { code: LOAD_EXCEEDS_CACHE });
  }

  async describe(ref: string, options?: CallOptions): Promise<SecretMetadata | undefined> {
    if (this.#closed) throw new ClientClosedError({ reference: ref });
    const parsed = this.#parse(ref);
    const slot = this.#registry.slotFor(parsed);
    const timeout = this.#timeoutOf(options);
    const started = monoNow();
    try {
      const provider = await this.#instance(slot, timeout, {
        provider: slot.name,
        reference: parsed.raw,
        what: parsed.raw,
      });
      const describe = provider.describe?.bind(provider);
      if (!describe) return undefined;
      return await this.#call(
        slot,
        leftOf(timeout, started),
        { provider: slot.name, reference: parsed.raw, what: parsed.raw, deadlineMs: timeout },
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
    for (const v of this.#retired) trackStored(v, -1);
    this.#retired.clear();
  }

  /**
   * A value that left the cache may still be in a caller's hands (or logs):
   * redact() keeps masking it until clear()/close(), for the last
   * RETIRED_MAX values (so rotation cannot grow the set without bound).
   */
  #keepMasked(value: Stored): void {
    if (this.#retired.has(value)) return;
    // Only what redact() needs is kept: the shaped views go (the cache no longer serves them).
    for (const views of Object.values(value.views)) views.clear();
    this.#retired.add(value);
    if (this.#retired.size > RETIRED_MAX) {
      const oldest = this.#retired.values().next().value as Stored;
      this.#retired.delete(oldest);
      trackStored(oldest, -1);
    }
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
    const started = monoNow();
    try {
      const provider = await this.#instance(slot, timeout, {
        provider: name,
        what: `a ${name} call`,
      });
      return await this.#call(
        slot,
        leftOf(timeout, started),
        { provider: name, what: `a ${name} call`, deadlineMs: timeout },
        (call) => fn(provider, call),
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

  close(): Promise<CloseResult> {
    this.#closeResult ??= this.#close();
    return this.#closeResult;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close().then(() => undefined);
  }

  /**
   * One budget for everything: late answers still being read, revocations in
   * parallel (retried until the deadline), then each provider's own close()
   * with what is left. Settles at the deadline at the latest.
   */
  async #close(): Promise<CloseResult> {
    const started = monoNow();
    this.#closed = true;
    this.#closing = true;
    const budget = this.#closeTimeout;
    const deadline = this.#closeDeadline;
    const timer = setTimeout(
      () =>
        deadline.abort(
          new UnavailableError({ message: `close() ran out of its ${budget} ms budget.` }),
        ),
      budget,
    );
    try {
      // Rejects every pending caller and aborts every call in flight.
      this.#abort.abort(new ClientClosedError());
      this.#memo.clear();
      this.clear(); // last: releases every value kept masked for redact()
      // An answer still being read may carry a lease: it goes to the keeper first.
      await settleBy(Promise.allSettled([...this.#late]), deadline.signal);
      await this.#leases.drain(deadline.signal);
      // Providers still being created are closed once they exist (a Vault
      // provider may already hold a token), within what is left of the budget.
      await settleBy(
        Promise.allSettled(
          this.#registry.all().map(async (slot) => {
            const p = await settleBy(this.#registry.settled(slot), deadline.signal);
            await p?.close?.(deadline.signal);
          }),
        ),
        deadline.signal,
      );
    } finally {
      clearTimeout(timer);
    }
    return Object.freeze({
      leftLive: Object.freeze(this.#leases.unrevoked()),
      timedOut: deadline.signal.aborted,
      durationMs: Math.round(monoNow() - started),
    });
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
