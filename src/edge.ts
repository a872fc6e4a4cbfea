/**
 * What the `edge-light` and `workerd` export conditions resolve to (Next.js edge routes and
 * middleware, edge functions): secrets-loader needs Node.js, so it refuses at import, with the
 * fix. It does not fail the build: Next compiles `instrumentation.ts` for the edge runtime too,
 * and a dynamic import behind `process.env.NEXT_RUNTIME === "nodejs"` must still build there.
 */
import { BrowserUsageError } from "./errors.js";

throw new BrowserUsageError({ message: BrowserUsageError.EDGE_MESSAGE });
