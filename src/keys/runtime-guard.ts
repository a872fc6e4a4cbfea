/**
 * The browser refusal of the keys entry. The same test as the core's `assertServerRuntime`,
 * kept here because importing the core's guard module from this entry would split it into a
 * chunk of its own and add a file to every import of the package root. It throws the core's
 * own BrowserUsageError class (errors are one shared chunk already).
 */
import { BrowserUsageError } from "../errors.js";

/** Throws when running in a browser, a web worker or React Native. */
export function refuseClientRuntime(): void {
  const g = globalThis as Record<string, unknown>;
  const isBrowser = typeof g.window === "object" && typeof g.document === "object";
  const isWorker =
    typeof g.importScripts === "function" && typeof g.WorkerGlobalScope !== "undefined";
  const isReactNative =
    typeof g.navigator === "object" &&
    (g.navigator as { product?: string })?.product === "ReactNative";
  if (isBrowser || isWorker || isReactNative) throw new BrowserUsageError();
}
