/**
 * What a provider does: the operations its declaration's `create` returns.
 * Shared by the declaration (define.ts) and the doctor facet (doctor.ts).
 */

import type {
  CallContext,
  Issued,
  Lease,
  ParsedRef,
  ProviderIdentity,
  SecretMetadata,
} from "../types.js";

/**
 * What a provider authenticates with, by its root material (what it holds
 * first, not what signs the reads): `short-lived` expires by itself;
 * `long-lived` does not (`what` was found, `instead` is the short-lived
 * alternative); `unknown` could not be classified; `none` means no
 * credentials at all (never refused).
 *
 * @example
 * ```ts
 * const c: AuthClass = { class: "long-lived", what: "a Vault root token", instead: "log in with AppRole, JWT or Kubernetes auth" };
 * ```
 */
export type AuthClass =
  | {
      /** Expires by itself. */
      readonly class: "short-lived";
      /** When the root material expires (epoch ms), when known. */
      readonly expiresAt?: number;
      /** What it is, for the doctor. */
      readonly what?: string;
    }
  | {
      /** Does not expire by itself. */
      readonly class: "long-lived";
      /** What was found, never its value: "an IAM user access key (AKIA…)". */
      readonly what: string;
      /** The short-lived alternative, as a fix. */
      readonly instead: string;
    }
  | {
      /** Could not be classified (an injected credential of unknown shape). */
      readonly class: "unknown";
      /** What was found. */
      readonly what: string;
    }
  | {
      /** Authenticates with nothing (env, files). */
      readonly class: "none";
    };

/**
 * What a provider does, returned by its declaration's `create`. Only
 * `getSecret` is required. The provider's name, schemes and rules are its
 * declaration's: the operations never repeat them.
 *
 * @typeParam Req - the credentials request `getCredentials` takes.
 * @typeParam Cred - the credentials it returns.
 * @example
 * ```ts
 * const ops: ProviderOperations = {
 *   async getSecret(ref, call) {
 *     const res = await fetch(`http://127.0.0.1:8200/${ref.path}`, { signal: call.signal });
 *     return { value: await res.text() };
 *   },
 * };
 * ```
 */
export interface ProviderOperations<Req = unknown, Cred = unknown> {
  /** Fetch one secret. Throw the kit's typed errors, keeping the SDK's error as `cause`. */
  getSecret(ref: ParsedRef, call: CallContext): Promise<Issued>;
  /**
   * Fetch many secrets at once where the backend has a batch API. Returns one
   * result per input, in order: a value or the error for that reference.
   */
  getSecrets?(refs: readonly ParsedRef[], call: CallContext): Promise<Array<Issued | Error>>;
  /** Issue short-lived credentials. */
  getCredentials?(request: Req, call: CallContext): Promise<Issued<Cred>>;
  /**
   * A label for a credentials request, for events and audit logs, such as
   * `vault:database/creds/readonly`. It tells two roles apart and never
   * contains a request field that may be secret. Default: `<name>:credentials`.
   */
  credentialsLabel?(request: Req): string;
  /**
   * The reference whose cache entry a credentials request shares, when the
   * same lease can be read both ways (`getCredentials("vault", { path })` and
   * `vault://<path>#field`). Default: none (credentials have their own entry).
   */
  credentialsReference?(request: Req): string | undefined;
  /** Extends a lease in place; resolves to the renewed value, or `undefined` when it cannot (then the value is issued anew). */
  renew?(lease: Lease, call: CallContext): Promise<Issued<unknown> | undefined>;
  /** Ends a lease early. Called exactly once per lease the client drops. */
  revoke?(lease: Lease, call: CallContext): Promise<void>;
  /** Metadata for the doctor (rotation dates etc.). */
  describe?(ref: ParsedRef, call: CallContext): Promise<SecretMetadata>;
  /** Who the provider authenticates as, for the doctor's least-privilege and short-lived checks. */
  identity?(call?: CallContext): Promise<ProviderIdentity>;
  /**
   * Classifies the root auth material (see {@link AuthClass}). Cheap: read
   * from the auth material when it is issued or renewed and cached with it;
   * never a call apps lack permission for. The client calls it before reads
   * only under `policy.requireShortLived`, and the doctor's `short-lived`
   * check reads it. A provider without it is `unknown`.
   */
  authClass?(call: CallContext): AuthClass | Promise<AuthClass>;
  /**
   * Stop timers, close connections. Leases are revoked by the client before
   * this runs; `signal` fires at the end of `close()`'s budget (what is left of it).
   */
  close?(signal?: AbortSignal): Promise<void>;
}
