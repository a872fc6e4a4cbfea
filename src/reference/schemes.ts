/**
 * Rules for the built-in reference schemes (DESIGN.md §3). Each rule checks
 * the path and options before any I/O and normalises them, so that equal
 * references get equal cache keys.
 */

/** A path or option problem: what is wrong, the part at fault, and a fix. */
export interface SchemeProblem {
  problem: string;
  part: string;
  example?: string;
}

/** The result of checking a path: a normalised path and options, or a problem. */
export type PathCheck = { path: string; options: Record<string, string> } | SchemeProblem;

/** How one scheme's references are checked. */
export interface SchemeRule {
  /** A correct reference, shown in every error for this scheme. */
  example: string;
  /** Allowed option names, each with a value check (a regex, or a list). */
  options: Record<string, RegExp | readonly string[]>;
  /** Checks and normalises the path; may move selectors from the path into options. */
  path(path: string, options: Record<string, string>): PathCheck;
  /** Checks option combinations once all are known. */
  combine?(options: Record<string, string>): SchemeProblem | undefined;
}

/**
 * Prefixes that frameworks inline into client bundles. A variable with one of
 * them is public by construction, so it can never hold a secret.
 *
 * @example
 * ```ts
 * import { PUBLIC_ENV_PREFIXES } from "secrets-loader";
 * const leaky = Object.keys(process.env).filter((k) => PUBLIC_ENV_PREFIXES.some((p) => k.startsWith(p)));
 * ```
 */
export const PUBLIC_ENV_PREFIXES = [
  "NEXT_PUBLIC_",
  "VITE_",
  "REACT_APP_",
  "EXPO_PUBLIC_",
  "PUBLIC_",
  "GATSBY_",
  "NUXT_PUBLIC_",
] as const;

/** Returns the public prefix `name` starts with, if any. */
export function publicPrefixOf(name: string): string | undefined {
  const upper = name.toUpperCase();
  return PUBLIC_ENV_PREFIXES.find((p) => upper.startsWith(p));
}

const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const AWS_SM_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const AWS_SM_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
const SSM_NAME = /^[A-Za-z0-9_./-]{1,2048}$/;
const SSM_ARN = /^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter\/[A-Za-z0-9_./-]+$/;
const GCP_PROJECT = /^([a-z][a-z0-9-]{4,28}[a-z0-9]|\d{1,20})$/;
const GCP_SECRET = /^[A-Za-z0-9_-]{1,255}$/;
const GCP_VERSION = /^(latest|[1-9]\d*)$/;
const GCP_LOCATION = /^[a-z][a-z0-9-]{0,62}$/;
const AZ_VAULT_NAME = /^[A-Za-z](?!.*--)[A-Za-z0-9-]{1,22}[A-Za-z0-9]$/;
const AZ_VAULT_HOST = /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:\d{1,5})?$|^localhost(:\d{1,5})?$/;
const AZ_SECRET = /^[A-Za-z0-9-]{1,127}$/;
const AZ_VERSION = /^[A-Za-z0-9]{32}$/;
const VAULT_SEGMENT = /^[A-Za-z0-9_.@+=-]+$/;
const POSITIVE_INT = /^[1-9]\d{0,9}$/;

const ok = (path: string, options: Record<string, string>): PathCheck => ({ path, options });

const env: SchemeRule = {
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

const awsSm: SchemeRule = {
  example: "aws-sm://prod/db?versionStage=AWSCURRENT#password",
  options: {
    versionStage: /^[A-Za-z0-9_+=.@-]{1,256}$/,
    versionId: /^[A-Za-z0-9-]{32,64}$/,
    region: AWS_REGION,
  },
  path(path, options) {
    if (path.startsWith("arn:")) {
      if (!AWS_SM_ARN.test(path)) {
        return {
          problem: "not a Secrets Manager ARN (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME)",
          part: path,
          example: "aws-sm://arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf",
        };
      }
      return ok(path, options);
    }
    if (!AWS_SM_NAME.test(path)) {
      return {
        problem: "a secret name uses letters, digits and /_+=.@- only (at most 512)",
        part: path,
      };
    }
    return ok(path, options);
  },
  combine(options) {
    if (options.versionStage && options.versionId) {
      return {
        problem: "versionStage and versionId select a version two ways; give one",
        part: "versionStage & versionId",
        example: "aws-sm://prod/db?versionStage=AWSPREVIOUS",
      };
    }
    return undefined;
  },
};

const awsSsm: SchemeRule = {
  example: "aws-ssm:///prod/db/password",
  options: {
    version: POSITIVE_INT,
    label: /^[A-Za-z0-9_.-]{1,100}$/,
    region: AWS_REGION,
  },
  path(path, options) {
    if (path.startsWith("arn:")) {
      if (!SSM_ARN.test(path)) {
        return {
          problem: "not an SSM parameter ARN",
          part: path,
          example: "aws-ssm://arn:aws:ssm:us-east-1:123456789012:parameter/prod/db/password",
        };
      }
      return ok(path, options);
    }
    // SSM's own selector syntax, name:version or name:label, becomes an option.
    let name = path;
    const colon = path.lastIndexOf(":");
    const opts = { ...options };
    if (colon !== -1) {
      name = path.slice(0, colon);
      const selector = path.slice(colon + 1);
      const key = /^\d+$/.test(selector) ? "version" : "label";
      if (opts[key] !== undefined) {
        return {
          problem: `the ${key} is given both after ':' and as ?${key}=`,
          part: selector,
          example: `aws-ssm://${name}?${key}=${selector}`,
        };
      }
      if (
        key === "version" ? !POSITIVE_INT.test(selector) : !/^[A-Za-z0-9_.-]{1,100}$/.test(selector)
      ) {
        return {
          problem: `bad ${key} selector after ':'`,
          part: selector,
          example: `aws-ssm://${name}:1`,
        };
      }
      opts[key] = selector;
    }
    if (!SSM_NAME.test(name) || name.includes("//") || name.endsWith("/")) {
      return {
        problem: "a parameter name uses letters, digits and _.-/ only, without empty segments",
        part: name,
      };
    }
    if (name.includes("/") && !name.startsWith("/")) {
      return {
        problem:
          "a hierarchical parameter name must start with '/', so the reference has three slashes",
        part: name,
        example: `aws-ssm:///${name}`,
      };
    }
    return ok(name, opts);
  },
  combine(options) {
    if (options.version && options.label) {
      return {
        problem: "version and label select a version two ways; give one",
        part: "version & label",
        example: "aws-ssm:///prod/db/password?label=live",
      };
    }
    return undefined;
  },
};

const gcpSm: SchemeRule = {
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

const azureKv: SchemeRule = {
  example: "azure-kv://acme-kv/stripe-key",
  options: {},
  path(path, options) {
    const [vault, secret, version, ...extra] = path.split("/");
    if (!vault || !(AZ_VAULT_NAME.test(vault) || AZ_VAULT_HOST.test(vault))) {
      return {
        problem:
          "a vault name has 3-24 letters, digits and single hyphens, starting with a letter (or give the vault's host name)",
        part: vault ?? path,
      };
    }
    if (!secret || !AZ_SECRET.test(secret)) {
      return {
        problem: "a secret name has 1-127 letters, digits and hyphens",
        part: secret ?? `${vault}/`,
        example: `azure-kv://${vault}/stripe-key`,
      };
    }
    if (version !== undefined && !AZ_VERSION.test(version)) {
      return {
        problem: "a version is a 32-character id",
        part: version,
        example: `azure-kv://${vault}/${secret}`,
      };
    }
    if (extra.length > 0)
      return { problem: "unexpected path segments after the version", part: extra.join("/") };
    return ok([vault.toLowerCase(), secret, version].filter(Boolean).join("/"), options);
  },
};

const vault: SchemeRule = {
  example: "vault://secret/app/db?version=2#password",
  options: {
    version: POSITIVE_INT,
    kv: ["1", "2"],
    namespace: /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/,
  },
  path(path, options) {
    if (path.startsWith("/") || path.endsWith("/")) {
      const trimmed = path.replace(/^\/+|\/+$/g, "");
      return {
        problem: "a Vault path has no leading or trailing '/'",
        part: path,
        example: `vault://${trimmed || "secret/app"}`,
      };
    }
    const segments = path.split("/");
    if (segments.length < 2) {
      return {
        problem: "give the mount and the secret's path",
        part: path,
        example: `vault://secret/${path}`,
      };
    }
    for (const s of segments) {
      if (s === "" || s === "." || s === ".." || !VAULT_SEGMENT.test(s)) {
        return {
          problem: "each path segment is non-empty and uses letters, digits and _.@+=- only",
          part: s || "//",
        };
      }
    }
    return ok(path, options);
  },
  combine(options) {
    if (options.version && options.kv === "1") {
      return {
        problem: "KV version 1 has no versions",
        part: "version",
        example: "vault://kv1/app#password",
      };
    }
    return undefined;
  },
};

/** The built-in schemes and their rules. */
export const BUILTIN_SCHEMES: Readonly<Record<string, SchemeRule>> = {
  env,
  "aws-sm": awsSm,
  "aws-ssm": awsSsm,
  "gcp-sm": gcpSm,
  "azure-kv": azureKv,
  vault,
};
