/**
 * `--config-module <file>`: a JavaScript module exporting a `defineConfig()`
 * result, for `secrets run` (inject its entries) and `secrets doctor` (check
 * that they resolve). A flag of its own rather than `--from` or `--config`,
 * which read JSON and never run code: importing a module runs it, so that is
 * asked for by name. The config is recognised by a registry symbol, so the
 * module may import its own copy of secrets-loader and the CLI loads no
 * schema code of its own.
 */

import { existsSync, statSync } from "node:fs";
import { extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { LoadSpec, Secrets } from "../../index.js";
import { SecretsError } from "../../index.js";
import { firstLine } from "../../provider/index.js";
import { UsageError } from "../errors.js";
import { showReference } from "../references.js";
import type { SecretsConfig } from "./schema.js";

const BRAND = Symbol.for("secrets-loader.config");
const JS = new Set([".js", ".mjs"]);
const TS = new Set([".ts", ".mts"]);

/** One entry of a config module, as the CLI uses it (never a value). */
export interface ModuleEntry {
  name: string;
  ref: string;
  type: "string" | "json" | "binary";
  optional: boolean;
}

/** What the CLI needs of a `defineConfig()` result. */
interface BrandedConfig {
  readonly entries: readonly ModuleEntry[];
  load(secrets: Secrets): Promise<unknown>;
}

/** A loaded config module. */
export interface ConfigModule {
  /** The file, as given. */
  file: string;
  entries: readonly ModuleEntry[];
  /** Reads and validates every entry with `client` (one load); throws its ConfigLoadError. */
  check(client: Secrets): Promise<void>;
}

function isConfig(value: unknown): value is BrandedConfig {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<symbol, unknown>)[BRAND] === 1 &&
    Array.isArray((value as BrandedConfig).entries)
  );
}

/**
 * Imports `file` and finds its config: the default export, else an export
 * named `config`, else the only export that is one.
 */
export async function loadConfigModule(
  file: string,
  /** Whether this Node strips TypeScript types (a parameter so tests can say "no"). */
  stripsTypes: boolean = Boolean(process.features.typescript),
): Promise<ConfigModule> {
  const path = resolve(file);
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new UsageError(`--config-module ${file}: file not found`);
  }
  const ext = extname(path);
  if (TS.has(ext) && !stripsTypes) {
    throw new UsageError(
      `--config-module ${file}: a TypeScript module needs Node >= 22.18 (or 22.12-22.17 with NODE_OPTIONS=--experimental-strip-types); or compile it to .js/.mjs`,
    );
  }
  if (!JS.has(ext) && !TS.has(ext)) {
    throw new UsageError(
      `--config-module ${file}: expected an ES module (.js or .mjs; .ts on Node >= 22.18) exporting defineConfig({...})`,
    );
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (err) {
    throw new UsageError(`--config-module ${file}: cannot load it: ${firstLine(err)}`);
  }
  const named = Object.entries(mod).filter(([, v]) => isConfig(v));
  const found = isConfig(mod.default)
    ? mod.default
    : isConfig(mod.config)
      ? mod.config
      : named.length === 1
        ? named[0]?.[1]
        : undefined;
  if (!isConfig(found)) {
    throw new UsageError(
      named.length > 1
        ? `--config-module ${file}: it exports several configs (${named.map(([k]) => k).join(", ")}); export the one to use as default`
        : `--config-module ${file}: it exports no defineConfig() result; add: export default defineConfig({ ... })`,
    );
  }
  const config = found;
  return {
    file,
    entries: config.entries.map(({ name, ref, type, optional }) => ({ name, ref, type, optional })),
    check: async (client) => {
      await config.load(client);
    },
  };
}

/** The module's entries as a `load()` spec (what `secrets run` injects). */
export function moduleSpec(module: ConfigModule): LoadSpec {
  const spec: LoadSpec = {};
  for (const e of module.entries) spec[e.name] = { ref: e.ref, type: e.type, optional: e.optional };
  return spec;
}

/**
 * Adds the module's entries to the config's references for the doctor. An
 * entry whose reference (canonical, `#field` included) the JSON config already
 * names is left out, so it is checked once; a name the JSON config uses for
 * another reference is suffixed.
 */
export function mergeModuleReferences(config: SecretsConfig, module: ConfigModule): void {
  const refOf = (e: SecretsConfig["references"][string]) => (typeof e === "string" ? e : e.ref);
  const known = new Set(Object.values(config.references).map((e) => showReference(refOf(e))));
  for (const e of module.entries) {
    const canonical = showReference(e.ref);
    if (known.has(canonical)) continue;
    known.add(canonical);
    let name = e.name;
    for (let i = 2; Object.hasOwn(config.references, name); i++) name = `${e.name}_${i}`;
    config.references[name] = { ref: e.ref, type: e.type, optional: e.optional };
  }
}

/** Each failure of a ConfigLoadError as one line (schema issues included), or undefined. */
export function configFailureLines(err: unknown): string[] | undefined {
  if (!SecretsError.is(err, "CONFIG_LOAD_FAILED")) return undefined;
  const failures = (
    err as unknown as {
      failures: ReadonlyArray<{
        name: string;
        reference: string;
        code: string;
        message: string;
        issues: ReadonlyArray<{ message: string; path: string }>;
      }>;
    }
  ).failures;
  return failures.map((f) => {
    const issues = f.issues.map((i) => `${i.path ? `${i.path}: ` : ""}${firstLine(i.message)}`);
    return `${f.name} (${f.reference}): [${f.code}] ${firstLine(f.message)}${issues.length ? ` (${issues.join("; ")})` : ""}`;
  });
}
