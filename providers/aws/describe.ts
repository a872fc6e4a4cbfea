/**
 * Metadata for `secrets doctor`: rotation settings and dates from
 * DescribeSecret, parameter dates and expiration policies from
 * DescribeParameters, and the age of the caller's IAM access keys.
 * Nothing here reads a value.
 */

import type { DescribeSecretCommandOutput } from "@aws-sdk/client-secrets-manager";
import type { DescribeParametersCommandOutput } from "@aws-sdk/client-ssm";
import type { ParsedRef, SecretMetadata } from "../../src/provider/index.js";
import type { AwsClients } from "./clients.js";
import { toSecretsError } from "./errors.js";
import { smSubject } from "./secrets-manager.js";
import { ssmSubject } from "./ssm.js";

/**
 * Rotation interval in days from a rotation rule (`AutomaticallyAfterDays`, or
 * a `rate(N days)` schedule expression); `undefined` for cron schedules.
 *
 * @internal
 */
export function rotationDays(
  rules: { AutomaticallyAfterDays?: number; ScheduleExpression?: string } | undefined,
): number | undefined {
  if (!rules) return undefined;
  if (rules.AutomaticallyAfterDays) return rules.AutomaticallyAfterDays;
  const m = /^rate\((\d+)\s+days?\)$/i.exec(rules.ScheduleExpression ?? "");
  return m ? Number(m[1]) : undefined;
}

/** DescribeSecret -> rotation enabled, rules, last rotated, last changed, next rotation. */
export async function describeSecret(clients: AwsClients, ref: ParsedRef): Promise<SecretMetadata> {
  const region = clients.region(ref.options.region);
  const { sdk, client } = await clients.secretsManager(ref.options.region);
  let out: DescribeSecretCommandOutput;
  try {
    out = await client.send(new sdk.DescribeSecretCommand({ SecretId: ref.path }));
  } catch (err) {
    throw toSecretsError(err, {
      reference: ref.raw,
      subject: smSubject(ref),
      ...(region ? { region } : {}),
    });
  }
  const days = rotationDays(out.RotationRules);
  const meta: SecretMetadata = {
    rotationEnabled: out.RotationEnabled === true,
    details: {
      name: out.Name,
      arn: out.ARN,
      region,
      rotationSchedule: out.RotationRules?.ScheduleExpression,
      rotationWindow: out.RotationRules?.Duration,
      rotationLambda: out.RotationLambdaARN,
      customerManagedKey:
        out.KmsKeyId !== undefined && !/alias\/aws\/secretsmanager$/.test(out.KmsKeyId),
      versions: out.VersionIdsToStages ? Object.keys(out.VersionIdsToStages).length : undefined,
      deletedAt: out.DeletedDate?.toISOString(),
      lastAccessed: out.LastAccessedDate?.toISOString(),
      primaryRegion: out.PrimaryRegion,
    },
  };
  if (days !== undefined) meta.rotationDays = days;
  if (out.LastRotatedDate) meta.lastRotated = out.LastRotatedDate.getTime();
  if (out.LastChangedDate) meta.lastChanged = out.LastChangedDate.getTime();
  if (out.NextRotationDate) meta.nextRotation = out.NextRotationDate.getTime();
  return meta;
}

/** DescribeParameters -> last modified, version, tier, and an Expiration policy's date. */
export async function describeParameter(
  clients: AwsClients,
  ref: ParsedRef,
): Promise<SecretMetadata> {
  const region = clients.region(ref.options.region);
  const { sdk, client } = await clients.ssm(ref.options.region);
  const name = ref.path.startsWith("arn:")
    ? ref.path.slice(ref.path.indexOf(":parameter") + ":parameter".length)
    : ref.path;
  let out: DescribeParametersCommandOutput;
  try {
    out = await client.send(
      new sdk.DescribeParametersCommand({
        ParameterFilters: [{ Key: "Name", Option: "Equals", Values: [name] }],
      }),
    );
  } catch (err) {
    throw toSecretsError(err, {
      reference: ref.raw,
      subject: ssmSubject(ref),
      ...(region ? { region } : {}),
    });
  }
  const p = out.Parameters?.[0];
  if (!p) {
    throw toSecretsError(
      Object.assign(new Error("ParameterNotFound"), { name: "ParameterNotFound" }),
      {
        reference: ref.raw,
        subject: ssmSubject(ref),
        ...(region ? { region } : {}),
      },
    );
  }
  const meta: SecretMetadata = {
    // Parameter Store has no rotation of its own.
    rotationEnabled: false,
    details: {
      name: p.Name,
      region,
      type: p.Type,
      tier: p.Tier,
      version: p.Version,
      lastModifiedUser: p.LastModifiedUser,
    },
  };
  if (p.LastModifiedDate) meta.lastChanged = p.LastModifiedDate.getTime();
  for (const policy of p.Policies ?? []) {
    if (policy.PolicyType !== "Expiration" || !policy.PolicyText) continue;
    try {
      const at = (JSON.parse(policy.PolicyText) as { Attributes?: { Timestamp?: string } })
        .Attributes?.Timestamp;
      if (at && Number.isFinite(Date.parse(at))) meta.expiresAt = Date.parse(at);
    } catch {
      // A malformed policy text is AWS's to report; the doctor just has no date.
    }
  }
  return meta;
}
