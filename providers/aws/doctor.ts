/**
 * The AWS provider's doctor facet: who reads the secrets (STS and the IAM
 * policy walk), what the environment says about the credentials, the age of
 * IAM access keys, and the guidance texts. Loaded only by the CLI.
 */

import type { DoctorFacet, DoctorFinding } from "../../src/provider/index.js";
import { firstLine } from "../../src/provider/index.js";
import { accessKeyAge } from "./key-age.js";
import type { AwsOperations } from "./runtime.js";

/**
 * The AWS doctor facet.
 *
 * @example
 * ```ts
 * const facet = await awsProvider.declaration.doctor?.();
 * facet?.guidance.leastPrivilege;
 * ```
 */
export const awsDoctor: DoctorFacet<AwsOperations> = {
  guidance: {
    leastPrivilege:
      "Grant only secretsmanager:GetSecretValue and secretsmanager:DescribeSecret on the app's secret ARNs (arn:aws:secretsmanager:REGION:ACCOUNT:secret:prod/app/*), ssm:GetParameter(s) on its parameter paths, and kms:Decrypt on the key that encrypts them; never AdministratorAccess or root keys.",
    ipRestrictions:
      "Add an aws:SourceIp or aws:SourceVpce condition to the IAM policy or to the secret's resource policy; use a VPC endpoint for Secrets Manager.",
    shortLived:
      "Use an IAM role: AWS_ROLE_ARN with AWS_WEB_IDENTITY_TOKEN_FILE (EKS, CI OIDC) or an instance/task role, so the SDK gets STS credentials instead of AKIA keys.",
  },

  inspectEnvironment(env, options) {
    const id = env.AWS_ACCESS_KEY_ID ?? "";
    // The key itself says what it is: ASIA keys are STS session keys.
    if (id.startsWith("ASIA")) {
      return {
        kind: "short-lived",
        evidence: "aws: AWS_ACCESS_KEY_ID is an ASIA (STS temporary) key",
      };
    }
    if (options.roleArn || env.AWS_ROLE_ARN) {
      const how = env.AWS_WEB_IDENTITY_TOKEN_FILE ? "web identity" : "AssumeRole";
      return { kind: "configured", evidence: `a role to assume with ${how}` };
    }
    if (id.startsWith("AKIA")) {
      return {
        kind: "long-lived",
        evidence: "aws: AWS_ACCESS_KEY_ID is a long-lived AKIA key and no role is configured",
      };
    }
    return {
      kind: "unknown",
      evidence:
        "aws: credentials come from a profile, SSO or instance/task role, which were not inspected",
    };
  },

  evidence: {
    // Rotation: the age of the caller's own IAM access keys, where IAM lets it list them.
    rotation: async ({ clients }, { maxKeyAgeDays: max }, call): Promise<DoctorFinding[]> => {
      // Another provider registered under the name "aws" (a test double) has no clients.
      if (!clients) return [];
      try {
        const report = await clients.within(call.signal, () => accessKeyAge(clients));
        if (!report.permitted) {
          return [
            {
              status: "manual",
              evidence: `aws: IAM access-key age not checked: ${report.reason ?? "not permitted"}`,
              fix: `Check the keys' age in IAM > Users > Security credentials (maximum ${max} days).`,
            },
          ];
        }
        return report.keys
          .filter((k) => k.status === "Active")
          .map((k) => {
            const evidence = `aws: access key ${k.accessKeyId}${report.userName ? ` of ${report.userName}` : ""} is ${k.ageDays} days old`;
            return k.ageDays > max
              ? {
                  status: "fail" as const,
                  evidence,
                  fix: "Create a new key, deploy it, then deactivate and delete this one; better, use a role.",
                }
              : { status: "pass" as const, evidence };
          });
      } catch (err) {
        return [
          {
            status: "manual",
            evidence: `aws: IAM access-key age not checked: ${firstLine(err)}`,
            fix: "Check the keys' age in IAM.",
          },
        ];
      }
    },
  },
};
