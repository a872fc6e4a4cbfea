/**
 * `secrets-loader/testing`: test an app that uses secrets-loader without a
 * cloud. `memoryProvider` answers every built-in scheme from memory (parsed
 * with the real rules, scripted per reference, recorded); `useTestClock`
 * moves the cache's time; `useTestSecrets` / `resetSecrets` replace and drop
 * the zero-config client; the `assert*` helpers check what was read and that
 * no value leaked into a string. Runner-neutral (vitest, jest, `node:test`);
 * no runtime entry imports it.
 *
 * @example
 * ```ts
 * import { afterEach, it } from "vitest";
 * import { getSecret } from "secrets-loader";
 * import { assertProviderCalls, resetSecrets, useTestSecrets } from "secrets-loader/testing";
 *
 * afterEach(resetSecrets);
 * it("reads the key once", async () => {
 *   const { memory } = await useTestSecrets({ "aws-sm://prod/stripe": "sk-test-memory-4k2" });
 *   await getSecret("aws-sm://prod/stripe");
 *   await getSecret("aws-sm://prod/stripe");
 *   assertProviderCalls(memory, 1);
 * });
 * ```
 * @packageDocumentation
 */

export { assertNoSecretIn, assertProviderCalls, assertReferencesRead } from "./assert.js";
export { type TestClock, useTestClock } from "./clock.js";
export { resetSecrets, type TestSecrets, useTestSecrets } from "./default-client.js";
export {
  type MemoryEntry,
  type MemoryFailure,
  type MemoryLease,
  type MemoryProvider,
  type MemoryRead,
  memoryProvider,
} from "./memory/index.js";
