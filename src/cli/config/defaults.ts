/**
 * The config used when a project has none: the schema's defaults, written
 * out so that a run without a config file never loads the validator.
 */

import type { SecretsConfig } from "./schema.js";

/**
 * Defaults (rotation maximum 90 days, nothing allowlisted).
 */
export const DEFAULT_CONFIG: SecretsConfig = {
  references: {},
  providers: {},
  policy: { requireShortLived: false, rotationMaxDays: 90 },
  scan: { allowlist: { paths: [], rules: [], regexes: [], fingerprints: [] } },
};
