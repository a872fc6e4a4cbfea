/**
 * `google-auth-library` (an optional peer, about 60 ms to import), loaded on first use
 * only: a provider with an injected `authClient` and no impersonation never loads it.
 */

import { importPeer } from "../../../src/provider/index.js";

/** The module's type, for the loaders' callers. */
export type GoogleAuthModule = typeof import("google-auth-library");

let loading: Promise<GoogleAuthModule> | undefined;

/**
 * `google-auth-library`, imported once (a failed import is retried next time).
 *
 * @example
 * ```ts
 * const { Impersonated } = await loadGoogleAuth();
 * ```
 */
export function loadGoogleAuth(): Promise<GoogleAuthModule> {
  if (!loading) {
    loading = importPeer<GoogleAuthModule>("gcp", "google-auth-library", ["GoogleAuth"]);
    loading.catch(() => {
      loading = undefined;
    });
  }
  return loading;
}
