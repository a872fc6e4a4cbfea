/**
 * The one module that knows the provider contract: it declares the memory
 * provider with `defineProvider` (every built-in scheme, rule and alias, so
 * references parse as in production) and turns a memory backend into its
 * operations.
 */

import {
  type CallContext,
  type ConfiguredProvider,
  defineProvider,
  type Issued,
  type Lease,
  type ParsedRef,
  pause,
} from "../../provider/index.js";
import { builtinRouting, MEMORY, type MemoryBackend } from "./backend.js";

const routing = builtinRouting();

const memory = defineProvider<{ backend: MemoryBackend }>({
  name: MEMORY,
  schemes: routing.schemes,
  ...(routing.aliases ? { aliases: routing.aliases } : {}),
  create: (_context, { backend }) => {
    const wait = async (refs: readonly ParsedRef[], call: CallContext) => {
      const delay = Math.max(0, ...refs.map((r) => backend.delayFor(r)));
      if (delay > 0) await pause(delay, call.signal);
    };
    return {
      getSecret(ref: ParsedRef, call: CallContext): Promise<Issued> {
        return backend.track({ op: "get", references: [ref.source] }, async () => {
          await wait([ref], call);
          return backend.read(ref);
        });
      },
      getSecrets(refs: readonly ParsedRef[], call: CallContext): Promise<Array<Issued | Error>> {
        return backend.track({ op: "batch", references: refs.map((r) => r.source) }, async () => {
          await wait(refs, call);
          return refs.map((r) => {
            try {
              return backend.read(r);
            } catch (err) {
              return err as Error;
            }
          });
        });
      },
      renew(lease: Lease): Promise<Issued | undefined> {
        return backend.track(
          { op: "renew", references: backend.leaseReferences(lease), lease: lease.id },
          async () => backend.renew(lease),
        );
      },
      revoke(lease: Lease): Promise<void> {
        return backend.track(
          { op: "revoke", references: backend.leaseReferences(lease), lease: lease.id },
          async () => backend.revoke(lease),
        );
      },
    };
  },
});

/** The memory backend as a configured provider serving every built-in scheme. @internal */
export function memoryAsProvider(backend: MemoryBackend): ConfiguredProvider {
  return memory({ backend }) as ConfiguredProvider;
}
