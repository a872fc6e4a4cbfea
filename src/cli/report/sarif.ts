/**
 * SARIF 2.1.0 output (the format GitHub code scanning ingests), shared by
 * `secrets scan --sarif` and `secrets doctor --sarif`.
 */

import { packageVersion } from "../version.js";

/**
 * A rule as described in the SARIF log.
 */
export interface SarifRule {
  id: string;
  name: string;
  help: string;
}

/**
 * One result to put in the log.
 */
export interface SarifResult {
  ruleId: string;
  level: "error" | "warning" | "note" | "none";
  /** SARIF result kind; `fail` by default. */
  kind?: "fail" | "pass" | "review" | "informational";
  message: string;
  /** Path relative to the repository root, forward slashes; without it, the result has no location. */
  file?: string;
  line?: number;
  column?: number;
  /** Stable id of this result, used by code scanning to track it across runs. */
  fingerprint?: string;
  /** Extra facts about the result (SARIF property bag), such as a finding's confidence and context. */
  properties?: Record<string, unknown>;
}

/**
 * Official schema location, put in `$schema`.
 */
export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

function uri(file: string): string {
  return file
    .replace(/\\/g, "/")
    .replace(/^\.\//, "")
    .split("/")
    .map((s) => encodeURIComponent(s))
    .join("/");
}

/**
 * Builds a SARIF 2.1.0 log with one run.
 */
export function buildSarif(
  toolName: string,
  rules: readonly SarifRule[],
  results: readonly SarifResult[],
): Record<string, unknown> {
  const index = new Map(rules.map((r, i) => [r.id, i]));
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: toolName,
            version: packageVersion(),
            informationUri: "https://www.npmjs.com/package/secrets-loader",
            rules: rules.map((r) => ({
              id: r.id,
              name: r.id
                .replace(/(^|[-/])(\w)/g, (_m, _s, c: string) => c.toUpperCase())
                .replace(/\W/g, ""),
              shortDescription: { text: r.name },
              help: { text: r.help },
            })),
          },
        },
        columnKind: "unicodeCodePoints",
        results: results.map((r) => {
          const region: Record<string, number> = {};
          if (r.line !== undefined) region.startLine = Math.max(1, r.line);
          if (r.column !== undefined && r.line !== undefined)
            region.startColumn = Math.max(1, r.column);
          const out: Record<string, unknown> = {
            ruleId: r.ruleId,
            kind: r.kind ?? "fail",
            level: r.level,
            message: { text: r.message },
          };
          if (r.file !== undefined) {
            const physicalLocation: Record<string, unknown> = {
              artifactLocation: { uri: uri(r.file) },
            };
            if (Object.keys(region).length) physicalLocation.region = region;
            out.locations = [{ physicalLocation }];
          }
          const i = index.get(r.ruleId);
          if (i !== undefined) out.ruleIndex = i;
          if (r.fingerprint) out.partialFingerprints = { "secretsLoader/v1": r.fingerprint };
          if (r.properties) out.properties = r.properties;
          return out;
        }),
      },
    ],
  };
}
