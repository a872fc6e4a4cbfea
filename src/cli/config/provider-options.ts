/**
 * Each configured provider's options, checked by that provider's own
 * declaration (its `options` check, loaded on demand), so every provider's
 * options in `secrets.config.json` are checked, built-in or not, and the
 * core never knows an option name.
 */

import { type AnyProvider, BUILTIN_PROVIDERS } from "../../index.js";
import { ConfigFileError } from "../errors.js";

/**
 * Checks `providers.<name>` of the config with each provider's declaration
 * (those in `providers`, the built-ins by default; a provider given by
 * `"module"` is checked once imported). Throws the first problem, with its
 * key path, as a {@link ConfigFileError}.
 */
export async function checkProviderOptions(
  config: Readonly<Record<string, Readonly<Record<string, unknown>>>>,
  file: string,
  providers: readonly AnyProvider[] = BUILTIN_PROVIDERS,
): Promise<void> {
  for (const [name, options] of Object.entries(config)) {
    if (options.module !== undefined) continue;
    const declaration = providers.find((p) => p.declaration.name === name)?.declaration;
    if (!declaration?.options) continue;
    const check = await declaration.options();
    const { module: _module, ...rest } = options;
    const problem = check(rest);
    if (problem) {
      const path = ["providers", name, ...problem.path.map(String)].join(".");
      throw new ConfigFileError(
        file,
        path,
        problem.message,
        `give providers.${name} the options its provider takes, such as { "aws": { "region": "eu-west-1" } }`,
      );
    }
  }
}
