/**
 * Item 10: short-lived tokens where available. Uses the provider's
 * `identity()` where it has one; otherwise reads the credentials themselves
 * (AWS key prefix ASIA vs AKIA, a GCP credential file's type, an Azure client
 * secret). Settings that only ask for short-lived credentials (a role ARN,
 * impersonation, a Vault auth method, a federated token file) are `manual`:
 * configured, not confirmed.
 */

import { readFileSync } from "node:fs";
import type { DoctorContext } from "../context.js";
import { type Check, type CheckResult, fail, manual, pass, warn } from "../types.js";
import { SHORT_LIVED } from "./guidance.js";
import { identityOf } from "./identity.js";

function longLived(ctx: DoctorContext, evidence: string, name: string): CheckResult {
  const fix = SHORT_LIVED[name] ?? "Prefer credentials that expire by themselves.";
  return ctx.config.policy.requireShortLived
    ? fail(`${evidence} (policy.requireShortLived is on)`, fix)
    : warn(evidence, fix);
}

/**
 * Settings say the provider should get short-lived credentials, but nothing
 * confirmed what it gets: never a pass (the doctor reports `pass` only for
 * what it checked).
 */
function configuredOnly(name: string, what: string, guidance: string): CheckResult {
  return manual(
    `${name}: configured for short-lived credentials (${what}), not confirmed`,
    `Confirm it: run the doctor where it can reach ${name} (its identity check reports the credentials actually used), or check the credentials the app receives at run time. ${guidance}`.trim(),
  );
}

function fromEnvironment(ctx: DoctorContext, name: string): CheckResult {
  const env = ctx.env;
  const opts = ctx.config.providers[name] ?? {};
  const guidance = SHORT_LIVED[name] ?? "";
  switch (name) {
    case "aws": {
      const id = env.AWS_ACCESS_KEY_ID ?? "";
      // The key itself says what it is: ASIA keys are STS session keys.
      if (id.startsWith("ASIA"))
        return pass("aws: AWS_ACCESS_KEY_ID is an ASIA (STS temporary) key");
      if (opts.roleArn || env.AWS_ROLE_ARN) {
        const how = env.AWS_WEB_IDENTITY_TOKEN_FILE ? "web identity" : "AssumeRole";
        return configuredOnly(name, `a role to assume with ${how}`, guidance);
      }
      if (id.startsWith("AKIA"))
        return longLived(
          ctx,
          "aws: AWS_ACCESS_KEY_ID is a long-lived AKIA key and no role is configured",
          name,
        );
      return manual(
        "aws: credentials come from a profile, SSO or instance/task role, which were not inspected",
        guidance,
      );
    }
    case "gcp": {
      if (opts.impersonate || opts.targetPrincipal || opts.targetServiceAccount) {
        return configuredOnly(name, "service-account impersonation", guidance);
      }
      const file = env.GOOGLE_APPLICATION_CREDENTIALS;
      if (file) {
        let type: unknown;
        try {
          type = (JSON.parse(readFileSync(file, "utf8")) as { type?: unknown }).type;
        } catch {
          return manual(
            `gcp: GOOGLE_APPLICATION_CREDENTIALS (${file}) could not be read`,
            guidance,
          );
        }
        if (type === "service_account")
          return longLived(
            ctx,
            `gcp: GOOGLE_APPLICATION_CREDENTIALS is a service-account key file (${file})`,
            name,
          );
        if (type === "external_account" || type === "impersonated_service_account") {
          return pass(
            `gcp: credentials are ${type === "external_account" ? "workload identity federation" : "impersonation"} (short-lived)`,
          );
        }
        return manual(`gcp: credential file type ${String(type)} not classified`, guidance);
      }
      return manual(
        "gcp: ambient credentials (metadata server or gcloud login) were not inspected",
        guidance,
      );
    }
    case "azure": {
      // The credential chain tries a client secret in the environment first.
      if (env.AZURE_CLIENT_SECRET)
        return longLived(
          ctx,
          "azure: AZURE_CLIENT_SECRET is set (a long-lived client secret)",
          name,
        );
      if (env.AZURE_CLIENT_CERTIFICATE_PATH)
        return longLived(ctx, "azure: a client certificate is used (long-lived)", name);
      if (env.AZURE_FEDERATED_TOKEN_FILE)
        return configuredOnly(
          name,
          "workload identity federation, AZURE_FEDERATED_TOKEN_FILE",
          guidance,
        );
      if (env.IDENTITY_ENDPOINT || env.MSI_ENDPOINT)
        return configuredOnly(name, "a managed identity endpoint is present", guidance);
      return manual(
        "azure: the credential chain (CLI login, managed identity) was not inspected",
        guidance,
      );
    }
    case "vault": {
      const method = (opts.auth as { method?: unknown } | undefined)?.method;
      if (typeof method === "string" && method !== "token")
        return configuredOnly(name, `logs in with ${method}, which issues TTL'd tokens`, guidance);
      if (env.VAULT_TOKEN || method === "token")
        return manual("vault: a static token is configured; its TTL was not looked up", guidance);
      return manual("vault: no auth configured", guidance);
    }
    case "env":
      return manual("env: values in the environment are static by nature", guidance);
    default:
      return manual(
        `${name}: credentials not inspected`,
        "Prefer credentials that expire by themselves.",
      );
  }
}

/**
 * The check.
 */
export const shortLived: Check = {
  id: "short-lived",
  item: 10,
  title: "Short-lived tokens used where available",
  async run(ctx) {
    const providers = ctx.providersInUse();
    if (providers.length === 0) {
      return [
        manual(
          "no providers configured",
          "Declare the app's references in secrets.config.json so their credentials can be checked.",
        ),
      ];
    }
    const results: CheckResult[] = [];
    for (const name of providers) {
      const id = await identityOf(ctx, name);
      if (
        id.kind === "identity" &&
        (id.identity.shortLived !== undefined || id.identity.ttlSeconds !== undefined)
      ) {
        const i = id.identity;
        const who = i.principal ?? i.kind ?? name;
        const ttl =
          i.ttlSeconds !== undefined
            ? `, TTL ${i.ttlSeconds === 0 ? "none" : `${i.ttlSeconds}s`}`
            : "";
        const renew =
          i.renewable !== undefined ? `, ${i.renewable ? "renewable" : "not renewable"}` : "";
        const shortLivedNow = i.shortLived ?? (i.ttlSeconds !== undefined && i.ttlSeconds > 0);
        if (shortLivedNow)
          results.push(pass(`${name}: ${who} uses short-lived credentials${ttl}${renew}`));
        else
          results.push(
            longLived(ctx, `${name}: ${who} uses long-lived credentials${ttl}${renew}`, name),
          );
        continue;
      }
      results.push(fromEnvironment(ctx, name));
    }
    return results;
  },
};
