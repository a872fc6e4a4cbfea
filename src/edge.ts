/**
 * What the `edge-light` and `workerd` export conditions resolve to (Next.js edge routes and
 * middleware, edge functions): secrets-loader needs Node.js, so an edge bundle that imports it
 * fails to BUILD, with a specifier no bundler can resolve whose text names the edge runtime and
 * the fix. Next compiles `instrumentation.ts` for the edge runtime too; a dynamic import behind
 * `process.env.NEXT_RUNTIME === "nodejs"` is dropped there, so it still builds.
 * The throw is the last line of defence, for a bundler that drops what it cannot resolve.
 */
// @ts-expect-error: unresolvable on purpose (see above)
export * from 'secrets-loader cannot run in the edge runtime (Next.js edge routes and middleware, edge functions), it needs Node.js. Add export const runtime = "nodejs" to the route, or move the code to proxy.ts (Node.js). In instrumentation.ts, import it only when process.env.NEXT_RUNTIME === "nodejs"';

import { BrowserUsageError } from "./errors.js";

throw new BrowserUsageError({ message: BrowserUsageError.EDGE_MESSAGE });
