/**
 * `load()`: parses every entry first, groups the references that need a
 * fetch into one batch per provider, resolves everything concurrently, and
 * fails with ONE LoadError naming every failure (never a value).
 */

import type { LoadEntry, LoadSpec } from "../api.js";
import {
  ConfigError,
  LoadError,
  type LoadFailure,
  ProviderError,
  SecretsError,
} from "../errors.js";
import { displayReference } from "../reference/parse.js";
import type { Issued, ParsedRef, ValueType } from "../types.js";
import type { Slot } from "./registry.js";
import { typeOf } from "./stored.js";

/** What `load()` needs from the client. */
export interface LoadDeps {
  parse(ref: string): ParsedRef;
  slotFor(parsed: ParsedRef): Slot;
  needsFetch(source: string): boolean;
  /** Told how many distinct secrets the spec names, before any is fetched. */
  planned?(distinct: number): void;
  /**
   * One provider call for several references, one result each; `undefined` when the provider
   * has no batch read (each reference is then read on its own, through the cache).
   */
  batch(slot: Slot, refs: ParsedRef[]): Promise<Array<Issued<unknown> | Error> | undefined>;
  /** Resolves one reference, the first fetch served from a batch when given. */
  resolve(
    parsed: ParsedRef,
    type: ValueType,
    batch?: Promise<Array<Issued<unknown> | Error> | undefined>,
    index?: number,
  ): Promise<unknown>;
}

interface Item {
  name: string;
  parsed: ParsedRef;
  type: ValueType;
  optional: boolean;
  slot: Slot;
}

/** @internal */
export async function planLoad(spec: LoadSpec, deps: LoadDeps): Promise<Record<string, unknown>> {
  if (spec === null || typeof spec !== "object" || Array.isArray(spec)) {
    throw new ConfigError({
      message: "load(spec): spec must be an object of names to references.",
    });
  }
  const names = Object.keys(spec);
  const failures: LoadFailure[] = [];
  const out: Record<string, unknown> = {};
  const items: Item[] = [];
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
    if (name === "__proto__") {
      // A JSON-parsed spec can carry it as an own key; assigning it would drop it silently.
      fail(
        name,
        "",
        new ConfigError({ message: 'load(): "__proto__" cannot be a name; rename the entry.' }),
      );
      continue;
    }
    const entry = spec[name] as LoadEntry;
    const ref = typeof entry === "string" ? entry : entry?.ref;
    try {
      const parsed = deps.parse(ref as string);
      const type = typeOf(typeof entry === "string" ? undefined : entry, parsed);
      items.push({
        name,
        parsed,
        type,
        optional: typeof entry !== "string" && entry.optional === true,
        slot: deps.slotFor(parsed),
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
  deps.planned?.(new Set(items.map((it) => it.parsed.source)).size);
  // One batch per provider, for the secrets not already cached or in flight.
  const batches = new Map<
    Slot,
    {
      refs: ParsedRef[];
      index: Map<string, number>;
      promise?: Promise<Array<Issued<unknown> | Error> | undefined>;
    }
  >();
  for (const it of items) {
    if (!deps.needsFetch(it.parsed.source)) continue;
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
    if (b.refs.length >= 2) b.promise = deps.batch(slot, b.refs);
  }
  await Promise.all(
    items.map((it) => {
      const b = batches.get(it.slot);
      const index = b?.index.get(it.parsed.source);
      const viaBatch = index !== undefined ? b?.promise : undefined;
      return deps.resolve(it.parsed, it.type, viaBatch, index).then(
        (v) => {
          out[it.name] = v;
        },
        (err: unknown) => {
          if (it.optional && SecretsError.is(err, "NOT_FOUND")) out[it.name] = undefined;
          else fail(it.name, it.parsed.raw, err);
        },
      );
    }),
  );
  if (failures.length > 0) {
    failures.sort((a, b) => names.indexOf(a.name) - names.indexOf(b.name));
    throw new LoadError(failures, names.length);
  }
  const ordered: Record<string, unknown> = {};
  for (const name of names) if (Object.hasOwn(out, name)) ordered[name] = out[name];
  return ordered;
}
