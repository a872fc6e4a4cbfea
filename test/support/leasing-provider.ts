/**
 * A scripted leasing backend for unit tests of the core: every read issues a
 * new lease (like a database secrets engine), leases can be renewed up to a
 * maximum, and every renewal and revocation is recorded. Not a fake of any
 * cloud service: it exercises the client's lease handling.
 */

import { randomUUID } from "node:crypto";
import {
  type ConfiguredProvider,
  type Issued,
  type Lease,
  NotFoundError,
  type ParsedRef,
  type ProviderOperations,
} from "../../src/provider/index.js";
import { inline } from "./inline-provider.js";

export interface LeasingOptions {
  /** Lease time to live, ms. */
  ttl: number;
  /** A lease cannot be renewed past issue + maxTtl. */
  maxTtl: number;
}

export interface LeasingProvider extends ProviderOperations, ConfiguredProvider {
  issued: string[];
  renewals: string[];
  revocations: string[];
  /** Values handed out, to search outputs for. */
  values: string[];
}

/** The fixed value of a static path. */
export const staticValue = (path: string) => `static-value-of-${path}-Zq9x`;

export function leasingProvider(
  o: LeasingOptions,
  name = "leasing",
  scheme = "lease",
): LeasingProvider {
  let n = 0;
  const leases = new Map<string, { value: string; max: number }>();
  const p: LeasingProvider = inline({
    name,
    scheme,
    rules: {
      [scheme]: {
        example: `${scheme}://db/creds/readonly#password`,
        path: (path, options) =>
          /^[a-z]+(\/[a-z-]+)+$/.test(path)
            ? { path, options }
            : { problem: "a path is lower-case words separated by '/'", part: path },
      },
    },
    issued: [],
    renewals: [],
    revocations: [],
    values: [],
    credentialsReference: (request) => `${scheme}://${(request as { path: string }).path}`,
    credentialsLabel: (request) => `${name}:${(request as { path: string }).path}`,
    async getSecret(ref: ParsedRef): Promise<Issued> {
      if (ref.path.endsWith("/missing"))
        throw new NotFoundError({ provider: name, reference: ref.raw });
      // Static paths hold a plain secret with no lease.
      if (ref.path.startsWith("static/")) return { value: staticValue(ref.path) };
      n++;
      const id = `${ref.path}/lease-${n}`;
      const value = JSON.stringify({
        username: `u-${n}`,
        password: `lease-pw-${n}-${randomUUID()}`,
      });
      const now = Date.now();
      leases.set(id, { value, max: now + o.maxTtl });
      p.issued.push(id);
      p.values.push(value, JSON.parse(value).password);
      return {
        value,
        version: id,
        expiresAt: now + o.ttl,
        lease: { id, renewable: true, maxExpiresAt: now + o.maxTtl },
      };
    },
    async renew(lease: Lease): Promise<Issued<unknown> | undefined> {
      const held = leases.get(lease.id);
      if (!held) return undefined;
      p.renewals.push(lease.id);
      return { value: held.value, expiresAt: Math.min(Date.now() + o.ttl, held.max), lease };
    },
    async revoke(lease: Lease): Promise<void> {
      p.revocations.push(lease.id);
      leases.delete(lease.id);
    },
  });
  return p;
}
