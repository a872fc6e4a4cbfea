/**
 * Reference rules for `gcp-sm://`, checked before any I/O; shared by the
 * provider's declaration (its schemes).
 *
 * Forms (all normalise to `[projects/<p>/[locations/<l>/]]secrets/<s>/versions/<v>`):
 * - `projects/<p>/secrets/<s>[/versions/<v>]`, `projects/<p>/locations/<l>/secrets/<s>[...]`;
 * - `<s>`, `<s>/versions/<v>`, `secrets/<s>[...]` and `<s>@<v>` in the default project.
 *
 * The checks stop at what GCP itself guarantees: a project is an id (lower-case
 * letters, digits, hyphens), a project number, or a legacy domain-scoped id
 * (`example.com:my-proj`); a version is a number, `latest` or an alias. The API
 * rejects the rest, with its own message.
 */

import type { ReferenceRule } from "../../src/provider/index.js";

// A project id, a project number, or `domain:id` (legacy domain-scoped projects).
const GCP_PROJECT = /^(?:[a-z0-9][a-z0-9.-]*[a-z0-9]:)?[a-z0-9][a-z0-9-]*$/;
const GCP_SECRET = /^[A-Za-z0-9_-]{1,255}$/;
// A version number, `latest`, or a version alias (letters, digits, '_' and '-'; not a number).
const GCP_VERSION = /^(latest|[1-9]\d*|[A-Za-z_-][A-Za-z0-9_-]{0,62})$/;
const GCP_LOCATION = /^[a-z][a-z0-9-]{0,62}$/;

const ok = (path: string, options: Record<string, string>) => ({ path, options });

/**
 * The `gcp-sm://` rule.
 *
 * @example
 * ```ts
 * gcpSm.path?.("stripe@prod", {}); // { path: "secrets/stripe/versions/prod", options: {} }
 * ```
 */
export const gcpSm: ReferenceRule = {
  example: "gcp-sm://projects/acme-prod/secrets/stripe/versions/latest",
  options: {},
  path(path, options) {
    const parts = path.split("/");
    let project: string | undefined;
    let location: string | undefined;
    let rest = parts;
    if (parts[0] === "projects") {
      project = parts[1];
      if (!project || !GCP_PROJECT.test(project)) {
        return {
          problem:
            "bad project id (lower-case letters, digits and hyphens; a project number; or domain:id)",
          part: project ?? "projects/",
        };
      }
      rest = parts.slice(2);
      if (rest[0] === "locations") {
        location = rest[1];
        if (!location || !GCP_LOCATION.test(location))
          return { problem: "bad location", part: location ?? "locations/" };
        rest = rest.slice(2);
      }
      if (rest[0] !== "secrets") {
        return {
          problem: "expected 'secrets/NAME' after the project",
          part: rest.join("/") || path,
          example: `gcp-sm://projects/${project}/secrets/NAME/versions/latest`,
        };
      }
      rest = rest.slice(1);
    } else if (parts[0] === "secrets") {
      rest = parts.slice(1);
    }
    let [secret, versionsWord, version, ...extra] = rest;
    // `<secret>@<version>`: the short form of `<secret>/versions/<version>`.
    const at = secret?.indexOf("@") ?? -1;
    if (secret && at !== -1 && versionsWord === undefined) {
      version = secret.slice(at + 1);
      secret = secret.slice(0, at);
      versionsWord = "versions";
      if (!GCP_VERSION.test(version)) {
        return {
          problem: "a version is 'latest', a positive number or an alias",
          part: `@${version}`,
          example: `gcp-sm://${GCP_SECRET.test(secret) ? secret : "stripe"}@latest`,
        };
      }
    }
    if (!secret || !GCP_SECRET.test(secret)) {
      return {
        problem: "a secret id uses letters, digits, '_' and '-' only (at most 255)",
        part: secret ?? path,
      };
    }
    if (versionsWord !== undefined && versionsWord !== "versions") {
      return {
        problem: "expected 'versions/VERSION' after the secret",
        part: versionsWord,
        example: `gcp-sm://${secret}/versions/latest`,
      };
    }
    if (versionsWord !== undefined && (version === undefined || !GCP_VERSION.test(version))) {
      return {
        problem: "a version is 'latest', a positive number or an alias",
        part: version || "versions/",
        example: `gcp-sm://${secret}/versions/latest`,
      };
    }
    if (extra.length > 0)
      return { problem: "unexpected path segments after the version", part: extra.join("/") };
    const head = project ? `projects/${project}/${location ? `locations/${location}/` : ""}` : "";
    return ok(`${head}secrets/${secret}/versions/${version ?? "latest"}`, options);
  },
};
