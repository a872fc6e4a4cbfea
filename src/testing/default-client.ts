/**
 * The zero-config client in tests: drop it between tests, or replace it for
 * one, through the single hook `src/default.ts` exports for this.
 */

import { replaceDefaultSecrets } from "../default.js";
import { createSecrets, type Secrets, type SecretsOptions } from "../index.js";
import { isProvider } from "../provider/index.js";
import { type MemoryEntry, type MemoryProvider, memoryProvider } from "./memory/index.js";

/**
 * Closes the zero-config client (behind `getSecret`, `load`, `getCredentials`) and drops it; the
 * next use creates a fresh one. Call it after each test.
 *
 * @example
 * ```ts
 * import { afterEach } from "vitest";
 * import { resetSecrets } from "secrets-loader/testing";
 * afterEach(resetSecrets);
 * ```
 */
export async function resetSecrets(): Promise<void> {
  await replaceDefaultSecrets(undefined)?.close();
}

/**
 * What {@link useTestSecrets} set up.
 *
 * @example
 * ```ts
 * const { memory, secrets } = await useTestSecrets({ "env://PORT": "8080" });
 * ```
 */
export interface TestSecrets {
  /** The memory provider behind it: script it, and read its record. */
  readonly memory: MemoryProvider;
  /** The client now behind `getSecret`, `load` and `getCredentials`. */
  readonly secrets: Secrets;
}

/**
 * Replaces the zero-config client (closing the previous one) with one that answers from memory:
 * every built-in scheme is served by a {@link memoryProvider}, and no cloud is ever reached.
 * Leases replaced by a re-issue are revoked at once (`leaseGrace: 0`) unless `options` say
 * otherwise. Undo it with {@link resetSecrets}.
 *
 * @example
 * ```ts
 * import { getSecret } from "secrets-loader";
 * import { useTestSecrets, resetSecrets } from "secrets-loader/testing";
 *
 * const { memory } = await useTestSecrets({ "aws-sm://prod/stripe": "sk-test-memory-4k2" });
 * await getSecret("aws-sm://prod/stripe");
 * memory.calls(); // 1
 * await resetSecrets();
 * ```
 */
export async function useTestSecrets(
  values: Readonly<Record<string, string | Uint8Array | MemoryEntry>> | MemoryProvider = {},
  options: Omit<SecretsOptions, "providers" | "builtins"> = {},
): Promise<TestSecrets> {
  const memory = isProvider(values)
    ? (values as MemoryProvider)
    : memoryProvider(values as Record<string, string>);
  const secrets = createSecrets({
    ...options,
    cache: { leaseGrace: 0, ...options.cache },
    providers: { memory },
    builtins: false,
  });
  await replaceDefaultSecrets(secrets)?.close();
  return { memory, secrets };
}
