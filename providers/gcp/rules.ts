/**
 * Reference rules for `gcp-sm://`, checked before any I/O; shared by the
 * descriptor (routing) and the provider object (which carries its rules).
 */

import type { ReferenceRule } from "../../src/provider/index.js";

const GCP_PROJECT = /^([a-z][a-z0-9-]{4,28}[a-z0-9]|\d{1,20})$/;
const GCP_SECRET = /^[A-Za-z0-9_-]{1,255}$/;
const GCP_VERSION = /^(latest|[1-9]\d*)$/;
const GCP_LOCATION = /^[a-z][a-z0-9-]{0,62}$/;

const ok = (path: string, options: Record<string, string>) => ({ path, options });

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
          problem: "bad project id (6-30 lower-case letters, digits, hyphens; or a project number)",
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
    const [secret, versionsWord, version, ...extra] = rest;
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
        problem: "a version is 'latest' or a positive number",
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
