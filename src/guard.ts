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
  BrowserUsageError.refuseClientRuntime();
}
