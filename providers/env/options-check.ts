/** The check of the `env` provider's options as a JSON config gives them (loaded by the CLI only). */

import { z } from "zod";
import { type OptionsCheck, optionsCheck } from "../../src/provider/index.js";

const text = (what: string) =>
  z
    .string({ error: `must be a string (${what})` })
    .min(1, { error: `must not be empty (${what})` });

const EnvOptions = z.looseObject({
  env: z
    .record(z.string(), z.string({ error: "must be a string" }), {
      error: "must be an object of strings (variable name to value)",
    })
    .optional(),
  dotenvPath: z
    .union([text("a file path"), z.array(text("a file path"))], {
      error: 'must be a file path or an array of file paths, such as ".env"',
    })
    .optional(),
  override: z.boolean({ error: "must be true or false" }).optional(),
});

/**
 * Checks `providers.env` options.
 *
 * @example
 * ```ts
 * checkEnvOptions({ override: "yes" }); // { path: ["override"], message: "must be true or false" }
 * ```
 */
export const checkEnvOptions: OptionsCheck = optionsCheck(EnvOptions);
