/**
 * STS: AssumeRole, AssumeRoleWithWebIdentity and GetSessionToken, turned into
 * `Issued` credentials that the client caches and renews before they expire.
 * The request is checked before any SDK is loaded.
 */

import { readFile } from "node:fs/promises";
import type { Issued } from "../../src/provider/index.js";
import { ConfigError, ProviderError, SecretsError } from "../../src/provider/index.js";
import { type AmbientRole, checkRole, defaultSessionName } from "./config.js";
import { toSecretsError } from "./errors.js";
import type { loadSts } from "./sdk.js";
import type { AwsCredentialIdentity, AwsCredentialsRequest } from "./types.js";

/** Renew this long before STS's expiry (the SDK's own refresh window is the same). */
export const REFRESH_BEFORE_MS = 5 * 60_000;

type StsModule = Awaited<ReturnType<typeof loadSts>>;
type StsClient = InstanceType<StsModule["STSClient"]>;

/** One STS call, validated and with defaults applied. */
export type StsCall =
  | {
      kind: "assumeRole";
      roleArn: string;
      sessionName: string;
      externalId?: string;
      durationSeconds?: number;
      policy?: string;
      policyArns?: readonly string[];
      tags?: Readonly<Record<string, string>>;
      transitiveTagKeys?: readonly string[];
      sourceIdentity?: string;
      serialNumber?: string;
      mfaCode?: (serialNumber: string) => string | Promise<string>;
      region?: string;
    }
  | {
      kind: "webIdentity";
      roleArn: string;
      sessionName: string;
      tokenFile?: string;
      token?: () => string | Promise<string>;
      durationSeconds?: number;
      policy?: string;
      policyArns?: readonly string[];
      region?: string;
    }
  | {
      kind: "sessionToken";
      durationSeconds?: number;
      serialNumber?: string;
      mfaCode?: (serialNumber: string) => string | Promise<string>;
      region?: string;
    };

const KNOWN_KEYS = new Set<string>([
  "roleArn",
  "sessionName",
  "externalId",
  "durationSeconds",
  "policy",
  "policyArns",
  "tags",
  "transitiveTagKeys",
  "sourceIdentity",
  "webIdentityTokenFile",
  "webIdentityToken",
  "serialNumber",
  "mfaCode",
  "region",
]);

function bad(message: string): never {
  throw new ConfigError({ provider: "aws", message: `aws: getCredentials: ${message}` });
}

/**
 * Validates a `getCredentials("aws", request)` request and decides which STS
 * call it means. An empty request means the provider's ambient role, or
 * GetSessionToken when none is configured.
 *
 * @internal
 */
export function planStsCall(request: unknown, ambient: AmbientRole | undefined): StsCall {
  if (request === undefined || request === null) request = {};
  if (typeof request !== "object" || Array.isArray(request)) {
    bad("the request must be an object such as { roleArn, sessionName }.");
  }
  const r = request as AwsCredentialsRequest;
  for (const key of Object.keys(r)) {
    if (!KNOWN_KEYS.has(key))
      bad(`unknown request field "${key}" (known: ${[...KNOWN_KEYS].join(", ")}).`);
  }
  if (r.durationSeconds !== undefined) {
    // STS itself enforces the lower bound (900) and the role's own maximum.
    if (
      !Number.isInteger(r.durationSeconds) ||
      r.durationSeconds < 1 ||
      r.durationSeconds > 43_200
    ) {
      bad(
        `durationSeconds must be a whole number of seconds up to 43200 (got ${JSON.stringify(r.durationSeconds)}).`,
      );
    }
  }
  if (r.mfaCode !== undefined && typeof r.mfaCode !== "function")
    bad("mfaCode must be a function returning the current code.");
  if (r.mfaCode && !r.serialNumber)
    bad("mfaCode needs serialNumber (the MFA device's serial number or ARN).");
  if (r.webIdentityToken !== undefined && typeof r.webIdentityToken !== "function") {
    bad(
      "webIdentityToken must be a function returning the token, so it is read fresh on every refresh.",
    );
  }
  if (r.tags !== undefined) {
    if (typeof r.tags !== "object" || r.tags === null)
      bad("tags must be an object of string values.");
    for (const [k, v] of Object.entries(r.tags))
      if (typeof v !== "string") bad(`tag "${k}" must be a string.`);
  }
  let policy: string | undefined;
  if (r.policy !== undefined) {
    policy = typeof r.policy === "string" ? r.policy : JSON.stringify(r.policy);
  }
  const region = r.region;
  const web = r.webIdentityTokenFile !== undefined || r.webIdentityToken !== undefined;

  const roleArn = r.roleArn ?? (web ? undefined : ambient?.roleArn);
  if (web && roleArn === undefined) bad("a web identity token needs roleArn.");
  if (roleArn === undefined) {
    const misplaced = [
      "sessionName",
      "externalId",
      "policy",
      "policyArns",
      "tags",
      "transitiveTagKeys",
      "sourceIdentity",
    ].filter((k) => (r as Record<string, unknown>)[k] !== undefined);
    if (misplaced.length)
      bad(
        `${misplaced.join(", ")} need a roleArn (GetSessionToken takes only durationSeconds and MFA).`,
      );
    return {
      kind: "sessionToken",
      ...(r.durationSeconds !== undefined ? { durationSeconds: r.durationSeconds } : {}),
      ...(r.serialNumber !== undefined ? { serialNumber: r.serialNumber } : {}),
      ...(r.mfaCode !== undefined ? { mfaCode: r.mfaCode } : {}),
      ...(region !== undefined ? { region } : {}),
    };
  }
  const usingAmbient = r.roleArn === undefined;
  const sessionName =
    r.sessionName ?? (usingAmbient ? ambient?.sessionName : undefined) ?? defaultSessionName();
  checkRole("roleArn", roleArn, sessionName);
  const durationSeconds =
    r.durationSeconds ?? (usingAmbient ? ambient?.durationSeconds : undefined);
  const tokenFile =
    r.webIdentityTokenFile ?? (usingAmbient ? ambient?.webIdentityTokenFile : undefined);
  const common = {
    roleArn,
    sessionName,
    ...(durationSeconds !== undefined ? { durationSeconds } : {}),
    ...(policy !== undefined ? { policy } : {}),
    ...(r.policyArns !== undefined ? { policyArns: r.policyArns } : {}),
    ...(region !== undefined ? { region } : {}),
  };
  if (tokenFile !== undefined || r.webIdentityToken !== undefined) {
    const extra = [
      "externalId",
      "tags",
      "transitiveTagKeys",
      "sourceIdentity",
      "serialNumber",
    ].filter((k) => (r as Record<string, unknown>)[k] !== undefined);
    if (extra.length)
      bad(
        `${extra.join(", ")} cannot be used with a web identity token (AssumeRoleWithWebIdentity does not take them).`,
      );
    return {
      kind: "webIdentity",
      ...common,
      ...(r.webIdentityToken ? { token: r.webIdentityToken } : { tokenFile: tokenFile as string }),
    };
  }
  const externalId = r.externalId ?? (usingAmbient ? ambient?.externalId : undefined);
  return {
    kind: "assumeRole",
    ...common,
    ...(externalId !== undefined ? { externalId } : {}),
    ...(r.tags !== undefined ? { tags: r.tags } : {}),
    ...(r.transitiveTagKeys !== undefined ? { transitiveTagKeys: r.transitiveTagKeys } : {}),
    ...(r.sourceIdentity !== undefined ? { sourceIdentity: r.sourceIdentity } : {}),
    ...(r.serialNumber !== undefined ? { serialNumber: r.serialNumber } : {}),
    ...(r.mfaCode !== undefined ? { mfaCode: r.mfaCode } : {}),
  };
}

/** A short, value-free description of the call, for messages. */
export function describeCall(call: StsCall): string {
  if (call.kind === "sessionToken") return "GetSessionToken";
  return `${call.kind === "assumeRole" ? "AssumeRole" : "AssumeRoleWithWebIdentity"} for ${call.roleArn}`;
}

async function webToken(call: Extract<StsCall, { kind: "webIdentity" }>): Promise<string> {
  let token: string;
  if (call.token) {
    token = await call.token();
  } else {
    try {
      // Re-read every time: projected service-account tokens are rotated on disk.
      token = (await readFile(call.tokenFile as string, "utf8")).trim();
    } catch (cause) {
      throw new ConfigError({
        provider: "aws",
        message: `aws: cannot read the web identity token file ${call.tokenFile} (AWS_WEB_IDENTITY_TOKEN_FILE); check the path and the volume mount.`,
        cause,
      });
    }
  }
  if (typeof token !== "string" || token === "") {
    throw new ConfigError({
      provider: "aws",
      message: `aws: the web identity token for ${call.roleArn} is empty${call.tokenFile ? ` (file ${call.tokenFile})` : ""}.`,
    });
  }
  return token;
}

async function mfa(call: {
  serialNumber?: string;
  mfaCode?: (s: string) => string | Promise<string>;
}): Promise<{ SerialNumber?: string; TokenCode?: string }> {
  if (!call.serialNumber) return {};
  if (!call.mfaCode) return { SerialNumber: call.serialNumber };
  const code = String(await call.mfaCode(call.serialNumber)).trim();
  if (!/^\d{6}$/.test(code)) {
    throw new ConfigError({
      provider: "aws",
      message: "aws: mfaCode must return the 6-digit code shown by the MFA device.",
    });
  }
  return { SerialNumber: call.serialNumber, TokenCode: code };
}

function accountOf(arn: string | undefined): string | undefined {
  return arn?.split(":")[4] || undefined;
}

/**
 * Makes the STS call and shapes the result as `Issued<AwsCredentialIdentity>` holding an
 * `AwsCredentialIdentity` with `expiration`.
 *
 * @internal
 */
export async function issueCredentials(
  call: StsCall,
  sts: StsModule,
  client: StsClient,
  region: string | undefined,
): Promise<Issued<AwsCredentialIdentity>> {
  let out: {
    Credentials?: {
      AccessKeyId?: string;
      SecretAccessKey?: string;
      SessionToken?: string;
      Expiration?: Date;
    };
    AssumedRoleUser?: { Arn?: string };
  };
  try {
    if (call.kind === "assumeRole") {
      out = await client.send(
        new sts.AssumeRoleCommand({
          RoleArn: call.roleArn,
          RoleSessionName: call.sessionName,
          ExternalId: call.externalId,
          DurationSeconds: call.durationSeconds,
          Policy: call.policy,
          PolicyArns: call.policyArns?.map((arn) => ({ arn })),
          Tags: call.tags
            ? Object.entries(call.tags).map(([Key, Value]) => ({ Key, Value }))
            : undefined,
          TransitiveTagKeys: call.transitiveTagKeys ? [...call.transitiveTagKeys] : undefined,
          SourceIdentity: call.sourceIdentity,
          ...(await mfa(call)),
        }),
      );
    } else if (call.kind === "webIdentity") {
      out = await client.send(
        new sts.AssumeRoleWithWebIdentityCommand({
          RoleArn: call.roleArn,
          RoleSessionName: call.sessionName,
          WebIdentityToken: await webToken(call),
          DurationSeconds: call.durationSeconds,
          Policy: call.policy,
          PolicyArns: call.policyArns?.map((arn) => ({ arn })),
        }),
      );
    } else {
      out = await client.send(
        new sts.GetSessionTokenCommand({
          DurationSeconds: call.durationSeconds,
          ...(await mfa(call)),
        }),
      );
    }
  } catch (err) {
    if (SecretsError.is(err)) throw err;
    throw toSecretsError(err, { subject: describeCall(call), ...(region ? { region } : {}) });
  }
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.Expiration) {
    throw new ProviderError({
      provider: "aws",
      message: `aws: ${describeCall(call)} returned no credentials.`,
    });
  }
  const accountId = accountOf(out.AssumedRoleUser?.Arn);
  const value: AwsCredentialIdentity = {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
    expiration: c.Expiration,
    ...(accountId ? { accountId } : {}),
  };
  return {
    value,
    expiresAt: c.Expiration.getTime(),
    // No refreshBefore: the client's cache.credentialRefreshLead (default 5 min) decides.
    version: maskKeyId(c.AccessKeyId),
  };
}

/** `ASIA…WXYZ`: enough to match CloudTrail entries, not the whole id. */
export function maskKeyId(id: string): string {
  return id.length > 8 ? `${id.slice(0, 4)}…${id.slice(-4)}` : "…";
}
