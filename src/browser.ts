/**
 * What the `browser`, `react-native` and `worker` export conditions resolve to: a client
 * bundle that imports any entry of secrets-loader fails to BUILD, and says why.
 *
 * - `server-only`: Next.js (Turbopack and webpack) refuses it in a client module with its own
 *   error and an import trace naming this file. Its default condition throws, so it is
 *   imported here only, never from a Node.js entry.
 * - A re-export (`export *`, so no bundler can first complain that a name is missing) from a
 *   specifier no bundler can resolve, whose text is the explanation and the fix: webpack,
 *   Vite (build and dev) and esbuild print an unresolvable specifier as is.
 * - The throw is the last line of defence, for a bundler that drops what it cannot resolve.
 */
import "server-only";

// @ts-expect-error: unresolvable on purpose (see above)
export * from "secrets-loader is server-only and must not be imported from client code (a browser bundle is public). Move the call to a server component, route handler, server action or instrumentation.ts, and pass the browser only what it needs";

import { BrowserUsageError } from "./errors.js";

throw new BrowserUsageError();
