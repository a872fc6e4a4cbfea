/**
 * Inline providers for unit tests of the core: an operations object, written
 * with its name and schemes beside it for brevity, declared through
 * `defineProvider` like every provider. The object itself is both what is
 * registered and the operations `create` returns, so a test can read what it
 * recorded.
 */

import {
  type ConfiguredProvider,
  defineProvider,
  type ProviderOperations,
  type ReferenceRule,
} from "../../src/provider/index.js";

export interface InlineSpec {
  name: string;
  scheme: string | readonly string[];
  rules?: Readonly<Record<string, ReferenceRule>>;
  aliases?: Readonly<Record<string, string>>;
}

/** Declares `spec` as a provider named `spec.name` serving `spec.scheme`; returns it, registrable. */
export function inline<T extends InlineSpec & Partial<ProviderOperations>>(
  spec: T,
): T & ConfiguredProvider {
  const schemes: Record<string, ReferenceRule> = {};
  for (const s of typeof spec.scheme === "string" ? [spec.scheme] : spec.scheme) {
    schemes[s] = spec.rules?.[s] ?? { example: `${s}://path/to/secret` };
  }
  const provider = defineProvider({
    name: spec.name,
    schemes,
    ...(spec.aliases ? { aliases: spec.aliases } : {}),
    create: () => spec as unknown as ProviderOperations,
  });
  return Object.assign(spec, provider());
}
