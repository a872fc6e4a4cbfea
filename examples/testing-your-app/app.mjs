// A small piece of a service: it reads its configuration with defineConfig,
// a payment key with the zero-config getSecret(), and logs what it does.
import { getSecret } from "secrets-loader";
import { defineConfig } from "secrets-loader/config";
import { z } from "zod";

export const config = defineConfig({
  PAYMENTS_URL: { ref: "aws-sm://prod/payments#url", schema: z.string().url() },
  TIMEOUT_MS: { ref: "env://PAYMENTS_TIMEOUT_MS", schema: z.coerce.number().int(), default: 2000 },
});

/** Charges a customer; returns what it would send, and logs through `log`. */
export async function charge(customer, cents, log = console.log) {
  const { PAYMENTS_URL, TIMEOUT_MS } = config.get();
  const key = await getSecret("aws-sm://prod/payments#key");
  log(
    `charging ${customer} ${cents} cents at ${new URL(PAYMENTS_URL).host} (timeout ${TIMEOUT_MS} ms)`,
  );
  return { url: `${PAYMENTS_URL}/charges`, authorization: `Bearer ${key}`, cents };
}

/** A database login from a Vault lease, read on each use (so renewal and rotation are followed). */
export async function dbLogin() {
  return getSecret("vault://database/creds/orders", { type: "json" });
}
