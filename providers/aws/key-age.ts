/**
 * The age of the caller's own IAM access keys, for the doctor's rotation item
 * (doctor-only: loaded with the facet, never with the provider).
 */

import type { ListAccessKeysCommandOutput } from "@aws-sdk/client-iam";
import type { AwsClients } from "./clients.js";
import { maskKeyId } from "./credentials.js";
import { awsErrorCode, toSecretsError } from "./errors.js";

const DAY_MS = 86_400_000;

/**
 * One IAM access key of the caller, without its secret.
 *
 * @example
 * ```ts
 * const key: AccessKeyInfo = { accessKeyId: "AKIA…WXYZ", status: "Active", createdAt: new Date(), ageDays: 12 };
 * ```
 */
export interface AccessKeyInfo {
  /** The key id, masked to its first and last 4 characters. */
  accessKeyId: string;
  /** `Active` or `Inactive`. */
  status: string;
  /** When the key was created. */
  createdAt: Date;
  /** Whole days since creation. */
  ageDays: number;
}

/**
 * The result of {@link AwsProvider.accessKeyAge}.
 *
 * @example
 * ```ts
 * const report: AccessKeyAgeReport = { permitted: true, userName: "ci-deployer", keys: [] };
 * ```
 */
export interface AccessKeyAgeReport {
  /** False when IAM refused ListAccessKeys, or the caller is not an IAM user (a role session). */
  permitted: boolean;
  /** Why the keys could not be listed, when `permitted` is false. */
  reason?: string;
  /** The IAM user the keys belong to. */
  userName?: string;
  /** The user's keys, oldest first. */
  keys: AccessKeyInfo[];
}

/** IAM ListAccessKeys for the caller's own user, where permitted. */
export async function accessKeyAge(
  clients: AwsClients,
  now = Date.now(),
): Promise<AccessKeyAgeReport> {
  const { sdk, client } = await clients.iam();
  let out: ListAccessKeysCommandOutput;
  try {
    out = await client.send(new sdk.ListAccessKeysCommand({}));
  } catch (err) {
    const code = awsErrorCode(err);
    if (code === "AccessDenied" || code === "AccessDeniedException") {
      return {
        permitted: false,
        reason: "IAM denied iam:ListAccessKeys for the caller's own user.",
        keys: [],
      };
    }
    if (code === "ValidationError" || code === "NoSuchEntity" || code === "NoSuchEntityException") {
      return {
        permitted: false,
        reason:
          "The caller is not an IAM user (a role or federated session has no access keys of its own).",
        keys: [],
      };
    }
    throw toSecretsError(err, { subject: "IAM ListAccessKeys for the caller" });
  }
  const keys = (out.AccessKeyMetadata ?? [])
    .filter((k) => k.AccessKeyId && k.CreateDate)
    .map((k) => ({
      accessKeyId: maskKeyId(k.AccessKeyId as string),
      status: k.Status ?? "Unknown",
      createdAt: k.CreateDate as Date,
      ageDays: Math.floor((now - (k.CreateDate as Date).getTime()) / DAY_MS),
    }))
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  const userName = out.AccessKeyMetadata?.[0]?.UserName;
  return { permitted: true, ...(userName ? { userName } : {}), keys };
}
