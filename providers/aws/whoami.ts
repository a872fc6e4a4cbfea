/**
 * Who reads the secrets, for `secrets doctor`: STS GetCallerIdentity signed
 * like the reads (the role session when a role is configured), the kind of
 * principal from its ARN, whether the credentials expire by themselves, and
 * the managed policies attached to the user or role (IAM), where permitted.
 */

import type { ProviderIdentity } from "../../src/provider/index.js";
import type { AwsClients } from "./clients.js";
import { awsErrorCode, toSecretsError } from "./errors.js";

const ADMIN_POLICIES = new Set(["AdministratorAccess", "IAMFullAccess"]);

/** The principal kind and name an ARN names. */
export function principalOf(arn: string): { kind: string; name?: string } {
  if (/^arn:aws[a-z-]*:iam::\d{12}:root$/.test(arn)) return { kind: "root" };
  const user = /^arn:aws[a-z-]*:(?:iam|sts)::\d{12}:user\/(?:.*\/)?([^/]+)$/.exec(arn);
  if (user) return { kind: "iam-user", name: user[1] as string };
  const role = /^arn:aws[a-z-]*:sts::\d{12}:assumed-role\/([^/]+)\/[^/]+$/.exec(arn);
  if (role) return { kind: "assumed-role", name: role[1] as string };
  if (/:federated-user\//.test(arn)) return { kind: "federated-user" };
  return { kind: "unknown" };
}

interface Attached {
  name: string;
  arn: string;
}

/** Managed policies attached to a user (directly and through groups) or a role; undefined where IAM says no. */
async function attachedPolicies(
  clients: AwsClients,
  kind: string,
  name: string,
): Promise<{ names: string[]; admin: boolean } | undefined> {
  const { sdk, client } = await clients.iamAsReader();
  const pick = (list?: Array<{ PolicyName?: string; PolicyArn?: string }>): Attached[] =>
    (list ?? [])
      .filter((p) => p.PolicyName && p.PolicyArn)
      .map((p) => ({ name: p.PolicyName as string, arn: p.PolicyArn as string }));
  try {
    const attached: Attached[] = [];
    if (kind === "assumed-role") {
      attached.push(
        ...pick(
          (await client.send(new sdk.ListAttachedRolePoliciesCommand({ RoleName: name })))
            .AttachedPolicies,
        ),
      );
    } else {
      attached.push(
        ...pick(
          (await client.send(new sdk.ListAttachedUserPoliciesCommand({ UserName: name })))
            .AttachedPolicies,
        ),
      );
      const groups = await client.send(new sdk.ListGroupsForUserCommand({ UserName: name }));
      for (const g of groups.Groups ?? []) {
        if (!g.GroupName) continue;
        const out = await client.send(
          new sdk.ListAttachedGroupPoliciesCommand({ GroupName: g.GroupName }),
        );
        attached.push(...pick(out.AttachedPolicies));
      }
    }
    let admin = attached.some((p) => ADMIN_POLICIES.has(p.name));
    // A policy of any name that allows every action on every resource is admin too.
    for (const p of attached.slice(0, 20)) {
      if (admin) break;
      const policy = await client.send(new sdk.GetPolicyCommand({ PolicyArn: p.arn }));
      const version = policy.Policy?.DefaultVersionId;
      if (!version) continue;
      const doc = await client.send(
        new sdk.GetPolicyVersionCommand({ PolicyArn: p.arn, VersionId: version }),
      );
      admin = allowsEverything(doc.PolicyVersion?.Document);
    }
    return { names: [...new Set(attached.map((p) => p.name))], admin };
  } catch (err) {
    const code = awsErrorCode(err);
    // Not allowed to look, or nothing to look at: the doctor says it could not tell.
    if (/AccessDenied|NoSuchEntity|ValidationError/.test(code ?? "")) return undefined;
    throw toSecretsError(err, { subject: `IAM policies of ${name}` });
  }
}

/** True when a policy document allows `*` on `*` (IAM returns it URL-encoded). */
export function allowsEverything(document: string | undefined): boolean {
  if (!document) return false;
  let parsed: { Statement?: unknown };
  try {
    parsed = JSON.parse(
      document.startsWith("%") || document.includes("%22")
        ? decodeURIComponent(document)
        : document,
    );
  } catch {
    return false;
  }
  const statements = Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement];
  const all = (v: unknown) => v === "*" || (Array.isArray(v) && v.includes("*"));
  return statements.some(
    (st) =>
      typeof st === "object" &&
      st !== null &&
      (st as { Effect?: string }).Effect === "Allow" &&
      all((st as { Action?: unknown }).Action) &&
      all((st as { Resource?: unknown }).Resource),
  );
}

export async function callerIdentity(clients: AwsClients): Promise<ProviderIdentity> {
  const { sdk, client } = await clients.stsAsReader();
  let arn: string;
  try {
    const out = await client.send(new sdk.GetCallerIdentityCommand({}));
    arn = out.Arn ?? "";
  } catch (err) {
    throw toSecretsError(err, { subject: "STS GetCallerIdentity" });
  }
  const credentials = (await client.config.credentials()) as {
    sessionToken?: string;
    accessKeyId: string;
    expiration?: Date;
  };
  const { kind, name } = principalOf(arn);
  const identity: ProviderIdentity = {
    principal: arn,
    kind,
    // Session credentials (ASIA…, with a token) expire by themselves; AKIA… user keys do not.
    shortLived: Boolean(credentials.sessionToken),
    ...(credentials.expiration ? { expiresAt: credentials.expiration.getTime() } : {}),
  };
  if (kind === "root") return { ...identity, admin: true };
  if (name && (kind === "iam-user" || kind === "assumed-role")) {
    const policies = await attachedPolicies(clients, kind, name);
    if (policies) {
      identity.policies = policies.names;
      identity.admin = policies.admin;
    }
  }
  return identity;
}
