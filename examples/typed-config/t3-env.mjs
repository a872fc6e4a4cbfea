// For t3-env users: t3-env validates synchronously, so load asynchronously
// first, then hand the values to createEnv({ runtimeEnv }).
//
//   node --env-file=examples/typed-config/demo.env examples/typed-config/t3-env.mjs
import { createEnv } from "@t3-oss/env-core";
import { defineConfig, toRuntimeEnv } from "secrets-loader/config";
import { z } from "zod";

// No schemas here: t3-env's own schemas validate below.
const config = defineConfig({
  DATABASE_URL: "env://DATABASE_URL", // in production: "aws-sm://prod/db#url"
  PORT: "PORT",
  // A JSON entry arrives as an object; toRuntimeEnv turns it back into JSON text,
  // since runtimeEnv takes strings, numbers and booleans only. Parse it in the t3 schema.
  FEATURE_FLAGS: { ref: "env://FEATURE_FLAGS", type: "json" },
  // A binary entry arrives as bytes; toRuntimeEnv hands t3-env base64 text.
  SIGNING_KEY: { ref: "env://SIGNING_KEY_B64", type: "binary" },
});

export const env = createEnv({
  server: {
    DATABASE_URL: z.string().url(),
    PORT: z.coerce.number().int(),
    FEATURE_FLAGS: z
      .string()
      .transform((text) => z.object({ checkout: z.boolean() }).parse(JSON.parse(text))),
    SIGNING_KEY: z.string().base64(),
  },
  runtimeEnv: toRuntimeEnv(await config.load()),
});

console.log(
  `t3-env: port ${env.PORT} (${typeof env.PORT}); checkout ${env.FEATURE_FLAGS.checkout}; signing key ${Buffer.from(env.SIGNING_KEY, "base64").length} bytes`,
);
