import { MissingDependencyError } from "./errors.js";

// Injected SDK modules, by package name. On a registry symbol so that every copy of this
// module (Next bundles the package once per server bundle) sees the same injections.
const INJECTED = Symbol.for("secrets-loader.peers");

function injected(): Map<string, unknown> {
  const g = globalThis as Record<symbol, Map<string, unknown> | undefined>;
  g[INJECTED] ??= new Map();
  return g[INJECTED];
}

/**
 * Hands secrets-loader an SDK module you imported yourself, so that your bundler bundles it.
 *
 * Providers load their SDK at run time by package name, out of sight of bundlers: a server
 * bundle (Next.js, Vite SSR, esbuild) builds without any SDK installed, and the installed one is
 * loaded from `node_modules` at run time. Call this once at start-up when you want the SDK
 * *inside* the bundle instead (a single-file Lambda, or a deployment that ships no
 * `node_modules`). Pass the module namespace (`import * as`), not one of its exports.
 *
 * @param packageName - The SDK's package name, as the `MISSING_DEPENDENCY` error names it.
 * @param module - Its module namespace object.
 * @example
 * ```ts
 * import * as secretsManager from "@aws-sdk/client-secrets-manager";
 * import { getSecret, providePeer } from "secrets-loader";
 *
 * providePeer("@aws-sdk/client-secrets-manager", secretsManager);
 * const password = await getSecret("aws-sm://prod/db#password");
 * ```
 */
export function providePeer(packageName: string, module: object): void {
  if (typeof packageName !== "string" || packageName === "")
    throw new TypeError("providePeer(packageName, module): packageName must be a package name");
  if ((typeof module !== "object" && typeof module !== "function") || module === null)
    throw new TypeError(
      `providePeer("${packageName}", module): module must be the package's module namespace (import * as m from "${packageName}")`,
    );
  injected().set(packageName, module);
}

/** Node's own import, with the specifier hidden from every bundler (see `importPeer`). */
const nativeImport = (specifier: string): Promise<unknown> =>
  import(/* webpackIgnore: true */ /* turbopackIgnore: true */ /* @vite-ignore */ specifier);

function hasAll(candidate: unknown, names: readonly string[]): boolean {
  if ((typeof candidate !== "object" && typeof candidate !== "function") || candidate === null)
    return false;
  return names.every((n) => (candidate as Record<string, unknown>)[n] !== undefined);
}

/**
 * Imports an optional peer dependency (a cloud SDK) on first use, and checks it has the exports
 * the provider needs. An SDK given to {@link providePeer} is used as is; otherwise the package
 * is imported by name at run time, with a specifier no bundler follows (not a string literal,
 * and marked `webpackIgnore` / `turbopackIgnore` / `@vite-ignore`), so a server bundle builds
 * with none of the SDKs installed and Node resolves the installed one from `node_modules`.
 *
 * "Not found", and a module that lacks one of `exports` (a bundler may replace a missing
 * optional package with an empty module), both throw a {@link MissingDependencyError} naming the
 * package and the install command. An ES module namespace whose exports sit on `default` (a
 * CommonJS package seen through some bundlers) is unwrapped.
 *
 * Call sites pass the package name as a string literal, which `test/e2e/import-cost.test.ts`
 * checks against the optional `peerDependencies`.
 *
 * @param provider - The provider that needs it, for the error message.
 * @param packageName - The npm package name.
 * @param exports - Export names the provider uses; all must be present.
 * @example
 * ```ts
 * type Sm = typeof import("@aws-sdk/client-secrets-manager");
 * const sm = await importPeer<Sm>("aws", "@aws-sdk/client-secrets-manager", ["SecretsManagerClient"]);
 * ```
 */
export async function importPeer<M>(
  provider: string,
  packageName: string,
  exports: readonly string[],
): Promise<M> {
  let module = injected().get(packageName);
  if (module === undefined) {
    try {
      module = await nativeImport(packageName);
    } catch (cause) {
      const code = (cause as { code?: string } | null)?.code;
      if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") {
        throw new MissingDependencyError({ provider, packageName, cause });
      }
      throw cause;
    }
  }
  if (hasAll(module, exports)) return module as M;
  const inner = (module as { default?: unknown } | null)?.default;
  if (hasAll(inner, exports)) return inner as M;
  const missing = exports.filter(
    (n) => (module as Record<string, unknown> | null)?.[n] === undefined,
  );
  throw new MissingDependencyError({
    provider,
    packageName,
    message:
      `The ${provider} provider needs the package "${packageName}", but the module loaded under that name lacks ${missing.join(", ")} ` +
      `(a bundler may have replaced the missing package with an empty module, or the installed version is too old). ` +
      `Install it with: npm install ${packageName}`,
  });
}
