/** The check of the `gcp` provider's options as a JSON config gives them (loaded by the CLI only). */

import { z } from "zod";
import { type OptionsCheck, optionsCheck } from "../../src/provider/index.js";

const text = (what: string) =>
  z
    .string({ error: `must be a string (${what})` })
    .min(1, { error: `must not be empty (${what})` });
const texts = (what: string) =>
  z.union([text(what), z.array(text(what))], {
    error: `must be a string or an array of strings (${what})`,
  });

const GcpOptions = z.looseObject({
  projectId: text('a project id, such as "acme-prod"').optional(),
  keyFilename: text("a credential file path").optional(),
  impersonate: z
    .looseObject(
      {
        targetPrincipal: text("a service account e-mail"),
        delegates: z.array(text("a service account e-mail")).optional(),
        scopes: texts("OAuth scopes").optional(),
        lifetime: z
          .union([z.number().int().positive(), text('a duration such as "1h"')], {
            error: 'must be seconds or a duration such as "1h"',
          })
          .optional(),
      },
      {
        error:
          'must be an object such as { "targetPrincipal": "reader@acme.iam.gserviceaccount.com" }',
      },
    )
    .optional(),
  endpoint: text("a URL").optional(),
  regionalEndpoint: text("a URL template").optional(),
  iamCredentialsEndpoint: text("a URL").optional(),
  concurrency: z
    .number({ error: "must be a number (reads in parallel, such as 16)" })
    .int({ error: "must be a whole number (reads in parallel, such as 16)" })
    .positive({ error: "must be greater than 0 (reads in parallel, such as 16)" })
    .optional(),
});

/**
 * Checks `providers.gcp` options.
 *
 * @example
 * ```ts
 * checkGcpOptions({ impersonate: {} }); // { path: ["impersonate", "targetPrincipal"], message: … }
 * ```
 */
export const checkGcpOptions: OptionsCheck = optionsCheck(GcpOptions);
