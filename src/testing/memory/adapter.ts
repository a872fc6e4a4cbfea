/**
 * The one module that knows today's provider contract (`SecretProvider`):
 * it turns the memory backend into a provider object. When the provider
 * contract changes (`defineProvider`), this file is what changes.
 */

import type { Issued, Lease, ParsedRef, SecretProvider } from "../../index.js";
import type { CallContext } from "../../provider/index.js";
import { pause } from "../../provider/index.js";
import { MEMORY, type MemoryBackend } from "./backend.js";

/** The memory backend as a provider serving every built-in scheme. @internal */
export function memoryAsProvider(backend: MemoryBackend): SecretProvider {
  const wait = async (refs: readonly ParsedRef[], call: CallContext) => {
    const delay = Math.max(0, ...refs.map((r) => backend.delayFor(r)));
    if (delay > 0) await pause(delay, call.signal);
  };
  return {
    name: MEMORY,
    ...backend.routing,
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
}
