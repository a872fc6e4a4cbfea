// The service's configuration, declared once. Each entry is a reference (or a
// plain env name) with an optional Standard Schema: Zod here; Valibot and
// ArkType schemas work the same. Nothing is read until config.load().
import { defineConfig } from "secrets-loader/config";
import { z } from "zod";

export const config = defineConfig({
  // In production: { ref: "aws-sm://prod/db#url", ... }. The demo reads the environment.
  DATABASE_URL: {
    ref: "env://DATABASE_URL",
    schema: z.string().url(),
    description: "PostgreSQL connection URL",
  },
  PORT: { ref: "env://PORT", schema: z.coerce.number().int().min(1).max(65535), default: 8080 },
  FEATURE_FLAGS: {
    ref: "env://FEATURE_FLAGS",
    type: "json",
    schema: z.object({ checkout: z.boolean(), beta: z.array(z.string()) }),
  },
  PAYMENT_API_KEY: { ref: "env://PAYMENT_API_KEY", schema: z.string().min(16) },
  // A plain env name is env://LOG_LEVEL; optional: undefined when not set.
  LOG_LEVEL: { ref: "LOG_LEVEL", optional: true },
  // Read through the cache on every call: follows rotation, expiry and lease renewal.
  SESSION_SECRET: { ref: "env://SESSION_SECRET", schema: z.string().min(16), live: true },
});

export default config;
