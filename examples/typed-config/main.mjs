// Loads the configuration once at start-up, then reads it synchronously.
//
//   npm run build && node --env-file=examples/typed-config/demo.env examples/typed-config/main.mjs
import { redact } from "secrets-loader";
import { ConfigLoadError } from "secrets-loader/config";
import { config } from "./config.mjs";

try {
  // One load() for every entry (batched per provider), then each value is validated.
  await config.load();
} catch (err) {
  if (err instanceof ConfigLoadError) {
    // Every bad entry at once, by name and reference, never with its value.
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}

// From here on, anywhere in the process: synchronous, typed, frozen.
const { DATABASE_URL, PORT, FEATURE_FLAGS, PAYMENT_API_KEY, LOG_LEVEL, SESSION_SECRET } =
  config.get();
console.log(
  `port ${PORT} (${typeof PORT}); checkout ${FEATURE_FLAGS.checkout}; beta ${FEATURE_FLAGS.beta.join(",")}`,
);
console.log(`log level ${LOG_LEVEL ?? "(not set)"}; frozen: ${Object.isFrozen(FEATURE_FLAGS)}`);
console.log(`database host ${new URL(DATABASE_URL).host}`);
console.log(redact(`calling payments with ${PAYMENT_API_KEY}`));
// A live entry is an accessor: each call goes through the cache.
const session = await SESSION_SECRET();
console.log(`session secret: ${session.length} characters`);
