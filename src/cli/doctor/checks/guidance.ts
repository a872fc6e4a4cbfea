/**
 * Per-provider guidance for the items the doctor cannot verify from here.
 */

/**
 * Least-privilege policy per provider.
 */
export const LEAST_PRIVILEGE: Readonly<Record<string, string>> = {
  aws: "Grant only secretsmanager:GetSecretValue and secretsmanager:DescribeSecret on the app's secret ARNs (arn:aws:secretsmanager:REGION:ACCOUNT:secret:prod/app/*), ssm:GetParameter(s) on its parameter paths, and kms:Decrypt on the key that encrypts them; never AdministratorAccess or root keys.",
  gcp: "Grant roles/secretmanager.secretAccessor on each secret the app reads (not on the project), to a dedicated service account.",
  azure:
    'Assign the "Key Vault Secrets User" role scoped to the vault (or to single secrets), to a managed identity for the app.',
  vault:
    'Give the app\'s role a policy like: path "secret/data/app/*" { capabilities = ["read"] }; never the root policy.',
  env: "env:// values come from the environment: scope each third-party key in its issuer's dashboard (read-only where possible, restricted to the resources it needs).",
};

/**
 * IP restriction guidance per provider.
 */
export const IP_RESTRICTIONS: Readonly<Record<string, string>> = {
  aws: "Add an aws:SourceIp or aws:SourceVpce condition to the IAM policy or to the secret's resource policy; use a VPC endpoint for Secrets Manager.",
  gcp: "Put Secret Manager inside a VPC Service Controls perimeter; restrict API keys by IP or referrer (APIs & Services > Credentials).",
  azure:
    "Enable the Key Vault firewall (selected networks) or a private endpoint, and disable public network access.",
  vault: "Set token_bound_cidrs / secret_id_bound_cidrs on the app's AppRole or auth role.",
  env: "For third-party keys (Stripe, OpenAI ...), set the key's IP allowlist in the issuer's dashboard where offered.",
};

/**
 * Short-lived alternatives per provider.
 */
export const SHORT_LIVED: Readonly<Record<string, string>> = {
  aws: "Use an IAM role: AWS_ROLE_ARN with AWS_WEB_IDENTITY_TOKEN_FILE (EKS, CI OIDC) or an instance/task role, so the SDK gets STS credentials instead of AKIA keys.",
  gcp: "Use service-account impersonation or workload identity federation instead of a JSON key file.",
  azure:
    "Use a managed identity or workload identity federation (AZURE_FEDERATED_TOKEN_FILE) instead of a client secret.",
  vault:
    "Log in with AppRole, JWT/OIDC or Kubernetes auth to get TTL'd, renewable tokens instead of a long-lived static token.",
  env: "Static values: where the API offers OAuth or STS-style tokens, prefer those and keep the env value to a bootstrap credential.",
};
