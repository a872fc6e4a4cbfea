import { BrowserUsageError } from "./errors.js";

/**
 * Throws {@link BrowserUsageError} when running in a browser, a web worker or
 * React Native, where anything loaded would be visible to the user.
 * Bundlers are stopped earlier by the `browser` export condition; this catches
 * the rest (a bundler that ignores conditions, a script tag, a worker).
 *
 * @example
 * ```ts
 * assertServerRuntime(); // no-op in Node.js
 * ```
 */
export function assertServerRuntime(): void {
  const g = globalThis as Record<string, unknown>;
  const isBrowser = typeof g.window === "object" && typeof g.document === "object";
  const isWorker =
    typeof g.importScripts === "function" && typeof g.WorkerGlobalScope !== "undefined";
  const isReactNative =
    typeof g.navigator === "object" &&
    (g.navigator as { product?: string })?.product === "ReactNative";
  if (isBrowser || isWorker || isReactNative) throw new BrowserUsageError();
}
