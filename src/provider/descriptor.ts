/**
 * A provider's descriptor: what the client and the CLI know about a backend
 * without loading it. It imports no SDK; `create()` and `doctor()` load the
 * rest with a dynamic `import()` when first needed.
 */

import { NoProviderError } from "../errors.js";
import type {
  CallContext,
  ProviderContext,
  ProviderDefinition,
  ProviderIdentity,
  ProviderRouting,
  SecretProvider,
} from "../types.js";

/**
 * One doctor finding a provider's facet reports: a status, what was seen, and the fix.
 *
 * @example
 * ```ts
 * const f: DoctorFinding = { status: "warn", evidence: "aws: access key AKIA…WXYZ is 120 days old", fix: "Rotate it." };
 * ```
 */
export interface DoctorFinding {
  /** `pass` only for what was verified; `manual` for what could not be. */
  status: "pass" | "warn" | "fail" | "manual";
  /** What was seen; never a secret value. */
  evidence: string;
  /** How to fix it. */
  fix?: string;
}

/**
 * The doctor's settings a facet may need.
 *
 * @example
 * ```ts
 * const settings: DoctorSettings = { maxKeyAgeDays: 90 };
 * ```
 */
export interface DoctorSettings {
  /** The longest a key may live before it must be rotated. */
  maxKeyAgeDays: number;
  /** The configured references this provider serves, as written (for per-secret checks). */
  references?: readonly string[];
}

/**
 * What the environment and the config options say about a provider's
 * credentials, without any I/O (the doctor's "short-lived" item).
 *
 * @example
 * ```ts
 * const v: CredentialVerdict = { kind: "long-lived", evidence: "aws: AWS_ACCESS_KEY_ID is a long-lived AKIA key" };
 * ```
 */
export interface CredentialVerdict {
  /** `short-lived`: confirmed; `long-lived`: confirmed; `configured`: settings ask for short-lived, not confirmed; `unknown`: not inspected. */
  kind: "short-lived" | "long-lived" | "configured" | "unknown";
  /** What was seen, such as "a role to assume with web identity". */
  evidence: string;
}

/**
 * A provider's doctor knowledge, loaded only by the CLI.
 *
 * @example
 * ```ts
 * const facet: DoctorFacet = {
 *   guidance: { leastPrivilege: "Grant read on app/* only.", ipRestrictions: "Use a private endpoint.", shortLived: "Use OIDC." },
 *   inspectEnvironment: (env) => env.MEM_TOKEN ? { kind: "long-lived", evidence: "mem: MEM_TOKEN is static" } : { kind: "unknown", evidence: "mem: not inspected" },
 * };
 * ```
 */
export interface DoctorFacet {
  /** Texts the doctor shows as the fix for items it cannot verify. */
  readonly guidance: {
    /** Least-privilege policy (item 4). */
    readonly leastPrivilege: string;
    /** IP restrictions (item 5). */
    readonly ipRestrictions: string;
    /** Short-lived alternatives (item 10). */
    readonly shortLived: string;
  };
  /** Who the provider authenticates as (items 4 and 10). */
  identity?(provider: SecretProvider, call?: CallContext): Promise<ProviderIdentity>;
  /** Item 10 from the environment and this provider's config options, without I/O. */
  inspectEnvironment?(
    env: Readonly<Record<string, string | undefined>>,
    options: Readonly<Record<string, unknown>>,
  ): CredentialVerdict;
  /** Extra evidence for an item, by item number (for example access-key age for item 6). */
  readonly evidence?: Readonly<
    Record<
      number,
      (
        provider: SecretProvider,
        settings: DoctorSettings,
        call: CallContext,
      ) => Promise<readonly DoctorFinding[]>
    >
  >;
}

/**
 * A backend as the client and the CLI know it before it loads: its name, its
 * schemes with their reference rules and aliases, how to create it, and where
 * its doctor facet is. Built-in providers are listed once, as descriptors.
 *
 * @typeParam O - the options of the provider's factory.
 * @example
 * ```ts
 * export const memDescriptor: ProviderDescriptor<{ data: Record<string, string> }> = {
 *   name: "mem",
 *   scheme: "mem",
 *   rules: { mem: { example: "mem://key" } },
 *   create: async (ctx, options) => (await import("./runtime.js")).createMem(ctx, options),
 *   doctor: async () => (await import("./doctor.js")).memDoctor,
 * };
 * ```
 */
export interface ProviderDescriptor<O = Record<string, unknown>> extends ProviderRouting {
  /** The provider's name: `getCredentials(name, …)`, the config's `providers.<name>`. */
  readonly name: string;
  /** Creates the provider; imports its module (and so its SDK) only now. */
  create(context: ProviderContext, options?: O): Promise<SecretProvider>;
  /** Loads the provider's doctor facet; only the CLI calls this. */
  doctor?(): Promise<DoctorFacet>;
}

/**
 * What {@link bindProvider} returns: a provider definition that remembers its descriptor.
 *
 * @example
 * ```ts
 * const bound: BoundProvider<MemOptions> = bindProvider(memDescriptor, { data: {} });
 * bound.descriptor.name; // "mem"
 * ```
 */
export interface BoundProvider<O> extends ProviderDefinition {
  /** The descriptor the definition was made from (its doctor facet, its name). */
  readonly descriptor: ProviderDescriptor<O>;
}

/**
 * A descriptor bound to options: what a factory such as `awsProvider(options)`
 * returns, ready for `createSecrets({ providers })`. The provider is created
 * on first use, with its context.
 *
 * @example
 * ```ts
 * export const memProvider = (options: MemOptions) => bindProvider(memDescriptor, options);
 * createSecrets({ providers: { mem: memProvider({ data: { key: "v" } }) } });
 * ```
 */
export function bindProvider<O>(descriptor: ProviderDescriptor<O>, options?: O): BoundProvider<O> {
  return {
    descriptor,
    scheme: descriptor.scheme,
    ...(descriptor.rules ? { rules: descriptor.rules } : {}),
    ...(descriptor.aliases ? { aliases: descriptor.aliases } : {}),
    create: (context) => descriptor.create(context, options),
  };
}

/**
 * The `create` of a provider whose folder has only its descriptor so far:
 * its references validate, and reading one fails with `NO_PROVIDER`, saying so.
 *
 * @example
 * ```ts
 * export const gcpDescriptor: ProviderDescriptor = { name: "gcp", scheme: "gcp-sm", create: notImplemented("gcp") };
 * ```
 */
export function notImplemented(name: string): ProviderDescriptor["create"] {
  return async () => {
    throw new NoProviderError({
      provider: name,
      message: `${name}: this provider is not implemented yet; its references validate, but reading them needs a provider registered with createSecrets({ providers: { ${name}: … } }).`,
    });
  };
}
