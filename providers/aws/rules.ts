/**
 * Reference rules for `aws-sm://` and `aws-ssm://`, checked before any I/O; shared by the
 * provider's declaration (its schemes).
 */

import type { ReferenceRule } from "../../src/provider/index.js";

const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const AWS_SM_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const AWS_SM_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
const SSM_NAME = /^[A-Za-z0-9_./-]{1,2048}$/;
const SSM_ARN = /^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter\/[A-Za-z0-9_./-]+$/;
const POSITIVE_INT = /^[1-9]\d{0,9}$/;

const ok = (path: string, options: Record<string, string>) => ({ path, options });

export const awsSm: ReferenceRule = {
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

export const awsSsm: ReferenceRule = {
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
