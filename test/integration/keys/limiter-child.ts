// One instance of a fleet: a limiter on the shared Redis, run as its own process by
// limiter.test.ts. It loads the limiter from src/ (Node strips the types; the hook below maps
// the `.js` specifiers of the sources to their `.ts` files), waits for "go" on stdin so that
// every instance starts at once, consumes `attempts` times, and prints its tally as JSON.
import { registerHooks } from "node:module";

registerHooks({
  resolve(specifier, context, next) {
    try {
      return next(specifier, context);
    } catch (e) {
      if (!(specifier.startsWith(".") && specifier.endsWith(".js"))) throw e;
      return next(`${specifier.slice(0, -3)}.ts`, context);
    }
  },
});

const [url, keyId, attemptsArg, pointsArg] = process.argv.slice(2);
const { createKeyLimiter } = await import("../../../src/keys/limits/limiter.ts");
const { redisStore } = await import("../../../src/keys/limits/store.ts");
const store = redisStore({ url: url as string, timeoutMs: 2000 });
const limiter = createKeyLimiter({
  store,
  limits: [{ by: "key", points: Number(pointsArg), per: 60 }],
  whenStoreDown: "closed",
});
// Connect before the start signal, so the race is on the limiter, not on connecting.
await store.client();
process.stdout.write("ready\n");
await new Promise<void>((resolve) => process.stdin.once("data", () => resolve()));
process.stdin.destroy(); // or the open pipe keeps this process alive

let allowed = 0;
let limited = 0;
let other = 0;
const retryAfter = new Set<number>();
await Promise.all(
  Array.from({ length: Number(attemptsArg) }, async () => {
    const d = await limiter.consume({ keyId: keyId as string });
    if (d.allowed) allowed++;
    else if (d.reason === "rate-limited") {
      limited++;
      retryAfter.add(d.retryAfterSeconds);
    } else other++;
  }),
);
process.stdout.write(
  `${JSON.stringify({ allowed, limited, other, retryAfter: [...retryAfter] })}\n`,
);
await store.close();
