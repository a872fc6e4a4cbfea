/**
 * What the CLI knows about providers, all derived from descriptors: the
 * built-in ones, plus any the config names with `"module"` (a third-party or
 * in-house provider). From them come the scheme-to-provider map, the provider
 * inputs for the client, and the doctor facets.
 */

import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { BUILTIN_PROVIDERS, type ProviderInput } from "../../index.js";
import { bindProvider, type DoctorFacet, type ProviderDescriptor } from "../../provider/index.js";

/** Provider descriptors by name: built-ins, then the config's own. */
export type Descriptors = ReadonlyMap<string, ProviderDescriptor>;

function isDescriptor(v: unknown): v is ProviderDescriptor {
  const d = v as Partial<ProviderDescriptor> | null;
  return (
    typeof d === "object" &&
    d !== null &&
    typeof d.name === "string" &&
    typeof d.create === "function" &&
    (typeof d.scheme === "string" || Array.isArray(d.scheme))
  );
}

/** Imports a provider module named in the config and finds its descriptor. */
async function descriptorFromModule(
  name: string,
  spec: string,
  baseDir: string,
): Promise<ProviderDescriptor> {
  const url =
    spec.startsWith(".") || isAbsolute(spec) ? pathToFileURL(resolve(baseDir, spec)).href : spec;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(url)) as Record<string, unknown>;
  } catch (err) {
    throw new Error(
      `providers.${name}.module: cannot import ${JSON.stringify(spec)} (${(err as Error).message.split("\n")[0]})`,
    );
  }
  const all = Object.values(mod).filter(isDescriptor);
  const found = all.find((d) => d.name === name) ?? (all.length === 1 ? all[0] : undefined);
  if (!found) {
    throw new Error(
      `providers.${name}.module: ${JSON.stringify(spec)} exports no provider descriptor named "${name}" (an object with name, scheme and create)`,
    );
  }
  return found;
}

/**
 * The descriptors the config can use: every built-in, plus each config
 * provider with a `"module"`, which replaces a built-in of the same name.
 */
export async function descriptorsFromConfig(
  config: Readonly<Record<string, Readonly<Record<string, unknown>>>>,
  baseDir: string,
): Promise<Descriptors> {
  const out = new Map<string, ProviderDescriptor>(BUILTIN_PROVIDERS.map((d) => [d.name, d]));
  for (const [name, options] of Object.entries(config)) {
    if (!/^[a-z][a-z0-9-]*$/.test(name)) {
      throw new Error(
        `providers.${name}: a provider name is lower-case letters, digits and dashes`,
      );
    }
    const module = options.module;
    if (module !== undefined) {
      if (typeof module !== "string" || module === "") {
        throw new Error(
          `providers.${name}.module: give the provider module's path or package name`,
        );
      }
      out.set(name, await descriptorFromModule(name, module, baseDir));
    } else if (!out.has(name)) {
      throw new Error(
        `providers.${name}: no such provider (built-in: ${BUILTIN_PROVIDERS.map((d) => d.name).join(", ")}; another one needs "module": "./path/to/provider.js")`,
      );
    }
  }
  return out;
}

/**
 * The client's provider inputs for the config's `providers` section: each
 * descriptor bound to its options (without `module`).
 */
export async function providersFromConfig(
  config: Readonly<Record<string, Readonly<Record<string, unknown>>>>,
  baseDir = process.cwd(),
  descriptors?: Descriptors,
): Promise<Record<string, ProviderInput>> {
  const all = descriptors ?? (await descriptorsFromConfig(config, baseDir));
  const out: Record<string, ProviderInput> = {};
  for (const [name, raw] of Object.entries(config)) {
    const { module: _module, ...options } = raw;
    const d = all.get(name) as ProviderDescriptor;
    out[name] = bindProvider(d, options);
  }
  return out;
}

/**
 * The provider name serving each scheme (and alias).
 */
export function schemeProviders(descriptors: Descriptors): Map<string, string> {
  const map = new Map<string, string>();
  for (const d of descriptors.values()) {
    for (const s of typeof d.scheme === "string" ? [d.scheme] : d.scheme)
      map.set(s.toLowerCase(), d.name);
    for (const a of Object.keys(d.aliases ?? {})) map.set(a.toLowerCase(), d.name);
  }
  return map;
}

/**
 * A provider's doctor facet, if its descriptor has one.
 */
export async function facetOf(
  descriptors: Descriptors,
  name: string,
): Promise<DoctorFacet | undefined> {
  const d = descriptors.get(name);
  return d?.doctor ? d.doctor() : undefined;
}
