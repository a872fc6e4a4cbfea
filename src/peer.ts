import { MissingDependencyError } from "./errors.js";

/**
 * Imports an optional peer dependency on first use, turning "module not
 * found" into a {@link MissingDependencyError} that names the package and the
 * install command. Providers call this; the core never imports a cloud SDK.
 *
 * The specifier must be a string literal at each call site (as
 * `() => import("node-vault")`) so bundlers and the peer-dependency sync test can see it.
 *
 * @example
 * ```ts
 * const sm = await importPeer("aws", "@aws-sdk/client-secrets-manager", () => import("@aws-sdk/client-secrets-manager"));
 * ```
 */
export async function importPeer<M>(
  provider: string,
  packageName: string,
  load: () => Promise<M>,
): Promise<M> {
  try {
    return await load();
  } catch (cause) {
    const code = (cause as { code?: string } | null)?.code;
    if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") {
      throw new MissingDependencyError({ provider, packageName, cause });
    }
    throw cause;
  }
}
