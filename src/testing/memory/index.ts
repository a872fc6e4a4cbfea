/**
 * `memoryProvider`: the built-in schemes, answered from memory, with a script
 * and a record. See `backend.ts` (the store) and `adapter.ts` (the contract).
 */

import type { Duration } from "../../index.js";
import type { ConfiguredProvider } from "../../provider/index.js";
import { memoryAsProvider } from "./adapter.js";
import {
  MemoryBackend,
  type MemoryEntry,
  type MemoryFailure,
  type MemoryLease,
  type MemoryRead,
} from "./backend.js";

export type { MemoryEntry, MemoryFailure, MemoryLease, MemoryRead };

/**
 * A provider answering every built-in scheme (`env`, `aws-sm`, `vault` ...) from memory, with
 * controls to script it and a record of every call. Register it like any provider (or through
 * `useTestSecrets`).
 *
 * @example
 * ```ts
 * const memory = memoryProvider({ "aws-sm://prod/db#password": "test-pass-91xq" });
 * memory.fail("vault://secret/app", "UNAVAILABLE", { times: 1 });
 * memory.calls(); // provider calls so far
 * ```
 */
export interface MemoryProvider extends ConfiguredProvider {
  /** Sets (or rotates: the version moves on) the whole value of a reference. */
  set(ref: string, value: string | Uint8Array | MemoryEntry): void;
  /** Removes a reference: reads fail with `NOT_FOUND`. */
  delete(ref: string): boolean;
  /** Makes reads of `ref` (`"*"`: any) fail, `times` times (default: until `heal`). */
  fail(ref: string, failure: MemoryFailure, options?: { times?: number }): void;
  /** Ends scripted failures of `ref` (or of all). */
  heal(ref?: string): void;
  /** Delays each read of `ref` (`"*"`: any) by `ms`; the call's deadline still applies. */
  delay(ref: string, ms: Duration): void;
  /** Every call, in order. */
  readonly reads: readonly MemoryRead[];
  /** Every lease issued. */
  readonly leases: readonly MemoryLease[];
  /** The number of provider calls (of one kind, if given). */
  calls(op?: MemoryRead["op"]): number;
  /** The canonical references read (`get` and `batch`), in order, each once. */
  referencesRead(): string[];
  /** Forgets the record of calls (not the values). */
  clearReads(): void;
  /** Resolves once no call is in flight (background refreshes included). */
  idle(): Promise<void>;
}

/** @internal Each provider's backend, for the assertion helpers. */
export const BACKENDS = new WeakMap<object, MemoryBackend>();

/**
 * Makes a memory provider. Keys are references, parsed with the real built-in rules (a typo
 * fails here, as it would in production; aliases and option order normalise the same); a
 * `#field` key sets that field of the reference's JSON value.
 *
 * @example
 * ```ts
 * import { createSecrets } from "secrets-loader";
 * import { memoryProvider } from "secrets-loader/testing";
 *
 * const memory = memoryProvider({
 *   "aws-sm://prod/db#password": "test-pass-91xq",
 *   "vault://database/creds/ro": { value: '{"password":"lease-pw-7k"}', lease: { ttl: "1h" } },
 * });
 * const secrets = createSecrets({ providers: { memory }, builtins: false });
 * ```
 */
export function memoryProvider(
  values?: Readonly<Record<string, string | Uint8Array | MemoryEntry>>,
): MemoryProvider {
  const backend = new MemoryBackend(values);
  // The configured provider is frozen: its properties (the declaration, the options and the
  // registry's brand) are copied onto a new object that also carries the controls, with
  // defineProperties so the record's getters stay live.
  const provider = Object.defineProperties(
    {},
    {
      ...Object.getOwnPropertyDescriptors(memoryAsProvider(backend)),
      reads: { get: () => backend.reads, enumerable: true },
      leases: { get: () => backend.leases, enumerable: true },
    },
  ) as MemoryProvider;
  Object.assign(provider, {
    set: (ref: string, value: string | Uint8Array | MemoryEntry) => backend.set(ref, value),
    delete: (ref: string) => backend.delete(ref),
    fail: (ref: string, failure: MemoryFailure, options?: { times?: number }) =>
      backend.fail(ref, failure, options?.times),
    heal: (ref?: string) => backend.heal(ref),
    delay: (ref: string, ms: Duration) => backend.delay(ref, ms),
    calls: (op?: MemoryRead["op"]) =>
      op === undefined ? backend.reads.length : backend.reads.filter((r) => r.op === op).length,
    referencesRead: () => [
      ...new Set(
        backend.reads
          .filter((r) => r.op === "get" || r.op === "batch")
          .flatMap((r) => r.references),
      ),
    ],
    clearReads: () => backend.clearReads(),
    idle: () => backend.idle(),
  });
  BACKENDS.set(provider, backend);
  return provider;
}
