/** The check of the `vault` provider's options as a JSON config gives them (loaded by the CLI only). */

import { z } from "zod";
import { type OptionsCheck, optionsCheck } from "../../src/provider/index.js";

const text = (what: string) =>
  z
    .string({ error: `must be a string (${what})` })
    .min(1, { error: `must not be empty (${what})` });
const count = (what: string) =>
  z
    .number({ error: `must be a number (${what})` })
    .int({ error: `must be a whole number (${what})` })
    .positive({ error: `must be greater than 0 (${what})` });

const Auth = z.discriminatedUnion(
  "method",
  [
    z.looseObject({
      method: z.literal("token"),
      token: text("a Vault token").optional(),
      tokenFile: text("a file path").optional(),
    }),
    z.looseObject({
      method: z.literal("approle"),
      roleId: text("the AppRole role id"),
      secretId: text("the AppRole secret id").optional(),
      secretIdFile: text("a file path").optional(),
      wrappedSecretId: text("a wrapping token").optional(),
      mount: text("the auth mount").optional(),
    }),
    z.looseObject({
      method: z.literal("jwt"),
      role: text("the role to log in as"),
      jwtFile: text("a file path").optional(),
      mount: text("the auth mount").optional(),
    }),
    z.looseObject({
      method: z.literal("kubernetes"),
      role: text("the role to log in as"),
      jwtFile: text("a file path").optional(),
      mount: text("the auth mount").optional(),
    }),
  ],
  { error: 'must be { "method": "token" | "approle" | "jwt" | "kubernetes", … }' },
);

const VaultOptions = z.looseObject({
  address: text('the server\'s URL, such as "https://vault.internal:8200"').optional(),
  namespace: text("a namespace").optional(),
  auth: Auth.optional(),
  kvVersion: z
    .record(z.string(), z.union([z.literal(1), z.literal(2)], { error: "must be 1 or 2" }), {
      error: "must be an object of mount to KV version (1 or 2)",
    })
    .optional(),
  renewAt: z
    .number({ error: "must be a number (a share of the token's life, such as 0.5)" })
    .gt(0, { error: "must be more than 0 and less than 1" })
    .lt(1, { error: "must be more than 0 and less than 1" })
    .optional(),
  maxAttempts: count("attempts per request, such as 3").optional(),
});

/**
 * Checks `providers.vault` options.
 *
 * @example
 * ```ts
 * checkVaultOptions({ auth: { method: "approle" } }); // { path: ["auth", "roleId"], message: … }
 * ```
 */
export const checkVaultOptions: OptionsCheck = optionsCheck(VaultOptions);
