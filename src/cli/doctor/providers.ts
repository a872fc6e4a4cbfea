/**
 * What the CLI knows about providers, all derived from their declarations:
 * the built-in ones, plus any the config names with `"module"` (a third-party
 * or in-house provider). From them come the scheme-to-provider map, the
 * provider inputs for the client, the option checks and the doctor facets.
 */

import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { type AnyProvider, BUILTIN_PROVIDERS, type ProviderInput } from "../../index.js";
import { type DoctorFacet, isProvider } from "../../provider/index.js";

/** Providers by name: built-ins (or the given list), then the config's own. */
export type Declarations = ReadonlyMap<string, AnyProvider>;

/** Imports a provider module named in the config and finds its provider. */
async function providerFromModule(
  name: string,
  spec: string,
  baseDir: string,
): Promise<AnyProvider> {
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
  const all = Object.values(mod).filter(
    (v): v is AnyProvider => typeof v === "function" && isProvider(v),
  );
  const found =
    all.find((p) => p.declaration.name === name) ?? (all.length === 1 ? all[0] : undefined);
  if (!found) {
    throw new Error(
      `providers.${name}.module: ${JSON.stringify(spec)} exports no provider named "${name}" (export the result of defineProvider({ name: "${name}", … }))`,
    );
  }
  return found;
}

/**
 * The providers the config can use: every one of `base` (the built-ins by
 * default), plus each config provider with a `"module"`, which replaces one
 * of the same name.
 */
export async function declarationsFromConfig(
  config: Readonly<Record<string, Readonly<Record<string, unknown>>>>,
  baseDir: string,
  base: readonly AnyProvider[] = BUILTIN_PROVIDERS,
): Promise<Declarations> {
  const out = new Map<string, AnyProvider>(base.map((p) => [p.declaration.name, p]));
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
      out.set(name, await providerFromModule(name, module, baseDir));
    } else if (!out.has(name)) {
      throw new Error(
        `providers.${name}: no such provider (built-in: ${base.map((p) => p.declaration.name).join(", ")}; another one needs "module": "./path/to/provider.js")`,
      );
    }
  }
  return out;
}

/**
 * The client's provider inputs for the config's `providers` section: each
 * provider bound to its options (without `module`).
 */
export async function providersFromConfig(
  config: Readonly<Record<string, Readonly<Record<string, unknown>>>>,
  baseDir = process.cwd(),
  declarations?: Declarations,
): Promise<Record<string, ProviderInput>> {
  const all = declarations ?? (await declarationsFromConfig(config, baseDir));
  const out: Record<string, ProviderInput> = {};
  for (const [name, raw] of Object.entries(config)) {
    const { module: _module, ...options } = raw;
    const p = all.get(name) as AnyProvider;
    out[name] = p(options as never);
  }
  return out;
}

/**
 * The provider name serving each scheme (and alias).
 */
export function schemeProviders(declarations: Declarations): Map<string, string> {
  const map = new Map<string, string>();
  for (const [name, p] of declarations) {
    for (const s of Object.keys(p.declaration.schemes)) map.set(s.toLowerCase(), name);
    for (const a of Object.keys(p.declaration.aliases ?? {})) map.set(a.toLowerCase(), name);
  }
  return map;
}

/**
 * A provider's doctor facet, if its declaration has one.
 */
export async function facetOf(
  declarations: Declarations,
  name: string,
): Promise<DoctorFacet | undefined> {
  const d = declarations.get(name)?.declaration;
  return d?.doctor ? d.doctor() : undefined;
}
