// Loads a service's configuration at startup with the zero-config client:
// env:// references are read from the process environment.
//
//   npm run example            (uses demo.env through node --env-file)
//   DATABASE_URL=... PAYMENT_API_KEY=... FEATURE_FLAGS='{}' node examples/basic-env/main.mjs
import { defaultSecrets, LoadError, load, redact } from "secrets-loader";

// The usage log: every fetch and failure, with references and timings, never values.
defaultSecrets().on((event) => {
  if (event.type === "fetch")
    console.error(`[secrets] fetched ${event.reference} in ${event.durationMs} ms`);
  if (event.type === "error") console.error(`[secrets] ${event.code} for ${event.reference}`);
});

try {
  const config = await load({
    DATABASE_URL: "env://DATABASE_URL",
    PAYMENT_API_KEY: "env://PAYMENT_API_KEY",
    FEATURE_FLAGS: { ref: "env://FEATURE_FLAGS", type: "json" },
  });
  console.log(`Loaded ${Object.keys(config).length} secrets: ${Object.keys(config).join(", ")}`);
  console.log(`Feature flags: newCheckout=${config.FEATURE_FLAGS.newCheckout}`);
  // redact() masks every loaded value, so even a careless log line stays clean.
  console.log(redact(`Connecting with ${config.DATABASE_URL}`));
} catch (err) {
  if (err instanceof LoadError) {
    // One error lists every missing or malformed reference; start-up stops here.
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
