/**
 * Reference rules for `env://`, checked before any I/O; shared by the
 * provider's declaration (its schemes).
 */

import { publicPrefixOf, type ReferenceRule } from "../../src/provider/index.js";

const ok = (path: string, options: Record<string, string>) => ({ path, options });

export const envRule: ReferenceRule = {
  example: "env://PAYMENT_API_KEY",
  options: {},
  path(path, options) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(path)) {
      return {
        problem:
          "an environment variable name has letters, digits and underscores only, and does not start with a digit",
        part: path,
      };
    }
    const prefix = publicPrefixOf(path);
    if (prefix) {
      return {
        problem: `variables starting with ${prefix} are inlined into client bundles and are public, so they must never hold a secret; rename it without the public prefix and read it only on the server`,
        part: prefix,
        example: `env://${path.slice(prefix.length) || "PAYMENT_API_KEY"}`,
      };
    }
    return ok(path, options);
  },
};
