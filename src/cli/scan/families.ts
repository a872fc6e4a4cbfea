/**
 * Token families with a fixed prefix or structure: the vendor put a
 * recognisable marker in every key, so a match is a key whatever file it is
 * in. Checklist: the families of gitleaks' default configuration that have
 * such a marker, and each vendor's public token-format documentation (the
 * prefixes, lengths and alphabets below). The patterns are our own.
 *
 * Families without a marker (a 32-hex Heroku or Mailgun key, an Okta token)
 * are left to `generic-secret-assignment`, which needs a secret-named
 * variable next to the value.
 */

/**
 * One token family, as data (rules.ts turns each into a rule).
 *
 * @example
 * ```ts
 * const f: TokenFamily = {
 *   id: "demo-token", title: "Demo token", keywords: ["demo_"],
 *   pattern: /\b(demo_[a-z0-9]{16})\b/g, prefix: /^demo_/, issuer: "the Demo dashboard",
 * };
 * ```
 */
export interface TokenFamily {
  readonly id: string;
  readonly title: string;
  /** Exact-case literals every token contains (the prefilter). */
  readonly keywords: readonly string[];
  /** Global regex; group 1 is the token. */
  readonly pattern: RegExp;
  /** The public part shown in output. */
  readonly prefix?: RegExp;
  /** Minimum entropy (bits/char) of the random part. Default 3. */
  readonly minEntropy?: number;
  /** Characters of fixed prefix left out of the entropy measure. */
  readonly entropySkip?: number;
  /** Where to revoke it. */
  readonly issuer: string;
}

// Token characters on either side end a token: no match inside a longer run.
const B = "(?<![A-Za-z0-9_-])";
const E = "(?![A-Za-z0-9_-])";
const re = (body: string) => new RegExp(`${B}(${body})${E}`, "g");

/**
 * Every fixed-prefix family.
 *
 * @example
 * ```ts
 * TOKEN_FAMILIES.map((f) => f.id); // ["gitlab-token", "sendgrid-api-key", ...]
 * ```
 */
export const TOKEN_FAMILIES: readonly TokenFamily[] = [
  {
    id: "gitlab-token",
    title: "GitLab token (personal, deploy, runner, trigger, feed, agent, OAuth)",
    keywords: [
      "glpat-",
      "gldt-",
      "glrt-",
      "glptt-",
      "glft-",
      "glimt-",
      "glcbt-",
      "glsoat-",
      "gloas-",
      "glagent-",
    ],
    pattern: re(
      "gl(?:pat|dt|rt|ptt|ft|imt|cbt|soat|oas|agent)-[0-9A-Za-z_-]{20,64}(?:\\.[0-9a-z]{2}\\.[0-9a-z]{7,9})?",
    ),
    prefix: /^gl(?:pat|dt|rt|ptt|ft|imt|cbt|soat|oas|agent)-/,
    entropySkip: 6,
    issuer: "GitLab (User settings > Access tokens, or the project's or group's token page)",
  },
  {
    id: "sendgrid-api-key",
    title: "SendGrid API key",
    keywords: ["SG."],
    pattern: re("SG\\.[0-9A-Za-z_-]{22}\\.[0-9A-Za-z_-]{43}"),
    prefix: /^SG\./,
    entropySkip: 3,
    issuer: "SendGrid (Settings > API Keys)",
  },
  {
    id: "shopify-token",
    title: "Shopify access token or shared secret",
    keywords: ["shpat_", "shpca_", "shppa_", "shpss_"],
    pattern: re("shp(?:at|ca|pa|ss)_[0-9a-fA-F]{32}"),
    prefix: /^shp(?:at|ca|pa|ss)_/,
    entropySkip: 6,
    minEntropy: 2.8,
    issuer: "Shopify (the app's API credentials)",
  },
  {
    id: "digitalocean-token",
    title: "DigitalOcean token (personal, OAuth, refresh)",
    keywords: ["dop_v1_", "doo_v1_", "dor_v1_"],
    pattern: re("do[por]_v1_[0-9a-f]{64}"),
    prefix: /^do[por]_v1_/,
    entropySkip: 7,
    issuer: "DigitalOcean (API > Tokens)",
  },
  {
    id: "slack-webhook",
    title: "Slack incoming webhook or workflow trigger URL",
    keywords: ["hooks.slack.com/"],
    pattern:
      /hooks\.slack\.com\/((?:services\/T[0-9A-Z]{8,12}\/B[0-9A-Z]{8,12}\/[0-9A-Za-z]{24})|(?:(?:workflows|triggers)\/T[0-9A-Z]{8,12}\/A[0-9A-Z]{8,12}\/\d{8,20}\/[0-9a-f]{32}))(?![0-9A-Za-z])/g,
    prefix: /^(?:services|workflows|triggers)\//,
    minEntropy: 3.5,
    issuer: "Slack (the app's Incoming Webhooks page: remove the webhook and add a new one)",
  },
  {
    id: "discord-webhook",
    title: "Discord webhook URL",
    keywords: ["/api/webhooks/"],
    pattern:
      /discord(?:app)?\.com\/api\/webhooks\/(\d{17,20}\/[0-9A-Za-z_-]{60,80})(?![0-9A-Za-z_-])/g,
    minEntropy: 3.5,
    issuer: "Discord (the channel's Integrations > Webhooks)",
  },
  {
    id: "npm-token",
    title: "npm access token",
    keywords: ["npm_"],
    pattern: re("npm_[0-9A-Za-z]{36}"),
    prefix: /^npm_/,
    entropySkip: 4,
    issuer: "npm (Access Tokens; `npm token revoke`)",
  },
  {
    id: "pypi-token",
    title: "PyPI upload token",
    keywords: ["pypi-AgEIcHlwaS5vcmc"],
    pattern: re("pypi-AgEIcHlwaS5vcmc[0-9A-Za-z_-]{50,}"),
    prefix: /^pypi-/,
    entropySkip: 24,
    issuer: "PyPI (Account settings > API tokens)",
  },
  {
    id: "huggingface-token",
    title: "Hugging Face access token",
    keywords: ["hf_"],
    pattern: re("hf_[A-Za-z]{34}"),
    prefix: /^hf_/,
    entropySkip: 3,
    minEntropy: 3.5,
    issuer: "Hugging Face (Settings > Access Tokens)",
  },
  {
    id: "vault-token",
    title: "HashiCorp Vault / OpenBao service or batch token",
    keywords: ["hvs.", "hvb."],
    pattern: re("hv[sb]\\.[0-9A-Za-z_-]{24,}"),
    prefix: /^hv[sb]\./,
    entropySkip: 4,
    issuer: "Vault (`vault token revoke`, or revoke its lease / accessor)",
  },
  {
    id: "stripe-webhook-secret",
    title: "Stripe webhook signing secret",
    keywords: ["whsec_"],
    pattern: re("whsec_[0-9A-Za-z+/=]{32,}"),
    prefix: /^whsec_/,
    entropySkip: 6,
    issuer: "Stripe (Developers > Webhooks > Roll secret)",
  },
  {
    id: "mailchimp-api-key",
    title: "Mailchimp API key",
    keywords: ["-us"],
    pattern: /(?<![0-9a-f])([0-9a-f]{32}-us[0-9]{1,2})(?![0-9A-Za-z])/g,
    minEntropy: 2.8,
    issuer: "Mailchimp (Account > Extras > API keys)",
  },
  {
    id: "telegram-bot-token",
    title: "Telegram bot token",
    keywords: [":AA"],
    pattern: /(?<![0-9A-Za-z_])([0-9]{8,10}:AA[0-9A-Za-z_-]{33})(?![0-9A-Za-z_-])/g,
    minEntropy: 3.5,
    issuer: "Telegram (@BotFather: /revoke)",
  },
  {
    id: "postman-api-key",
    title: "Postman API key",
    keywords: ["PMAK-"],
    pattern: re("PMAK-[0-9a-f]{24}-[0-9a-f]{34}"),
    prefix: /^PMAK-/,
    entropySkip: 5,
    issuer: "Postman (Settings > API keys)",
  },
  {
    id: "linear-api-key",
    title: "Linear API key",
    keywords: ["lin_api_"],
    pattern: re("lin_api_[0-9A-Za-z]{40}"),
    prefix: /^lin_api_/,
    entropySkip: 8,
    issuer: "Linear (Settings > API)",
  },
  {
    id: "databricks-token",
    title: "Databricks personal access token",
    keywords: ["dapi"],
    pattern: /(?<![0-9A-Za-z_-])(dapi[0-9a-f]{32}(?:-\d)?)(?![0-9A-Za-z_])/g,
    prefix: /^dapi/,
    entropySkip: 4,
    minEntropy: 2.8,
    issuer: "Databricks (User settings > Access tokens)",
  },
  {
    id: "doppler-token",
    title: "Doppler token",
    keywords: ["dp.pt.", "dp.st.", "dp.sa.", "dp.ct.", "dp.scim.", "dp.audit."],
    pattern: re("dp\\.(?:pt|st|sa|ct|scim|audit)\\.[0-9A-Za-z]{40,44}"),
    prefix: /^dp\.(?:pt|st|sa|ct|scim|audit)\./,
    entropySkip: 6,
    issuer: "Doppler (the token's page: revoke)",
  },
  {
    id: "atlassian-api-token",
    title: "Atlassian API token",
    keywords: ["ATATT3"],
    pattern: re("ATATT3[0-9A-Za-z_=-]{180,200}"),
    prefix: /^ATATT3/,
    entropySkip: 6,
    issuer: "Atlassian (Account settings > Security > API tokens)",
  },
  {
    id: "grafana-token",
    title: "Grafana Cloud or service-account token",
    keywords: ["glc_", "glsa_"],
    pattern: re("(?:glc_[0-9A-Za-z+/]{32,400}={0,2}|glsa_[0-9A-Za-z]{32}_[0-9A-Fa-f]{8})"),
    prefix: /^gl(?:c|sa)_/,
    entropySkip: 5,
    issuer: "Grafana (Administration > Service accounts, or Cloud access policies)",
  },
  {
    id: "sentry-token",
    title: "Sentry auth token",
    keywords: ["sntrys_", "sntryu_"],
    pattern: re("(?:sntrys_eyJ[0-9A-Za-z+/=_-]{60,}|sntryu_[0-9a-f]{64})"),
    prefix: /^sntry[su]_/,
    entropySkip: 7,
    issuer: "Sentry (Settings > Auth Tokens)",
  },
  {
    id: "square-token",
    title: "Square access token or OAuth secret",
    keywords: ["sq0atp-", "sq0csp-", "EAAA"],
    pattern: re("(?:sq0atp-[0-9A-Za-z_-]{22}|sq0csp-[0-9A-Za-z_-]{43}|EAAA[0-9A-Za-z+=_-]{60})"),
    prefix: /^(?:sq0atp-|sq0csp-|EAAA)/,
    entropySkip: 4,
    issuer: "Square (Developer dashboard > Credentials)",
  },
  {
    id: "age-secret-key",
    title: "age encryption secret key",
    keywords: ["AGE-SECRET-KEY-1"],
    pattern: /(AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})(?![0-9A-Z])/g,
    prefix: /^AGE-SECRET-KEY-1/,
    entropySkip: 16,
    issuer: "your own key store (generate a new age identity and re-encrypt)",
  },
  {
    id: "azure-ad-client-secret",
    title: "Microsoft Entra ID (Azure AD) client secret",
    keywords: ["Q~"],
    pattern:
      /(?<![0-9A-Za-z_~.-])([0-9A-Za-z_~.]{3}\dQ~[0-9A-Za-z_~.-]{31,34})(?![0-9A-Za-z_~.-])/g,
    minEntropy: 3.5,
    issuer: "Entra ID (App registrations > Certificates & secrets)",
  },
  {
    id: "planetscale-token",
    title: "PlanetScale token or password",
    keywords: ["pscale_tkn_", "pscale_pw_", "pscale_oauth_"],
    pattern: re("pscale_(?:tkn|pw|oauth)_[0-9A-Za-z=._-]{32,64}"),
    prefix: /^pscale_(?:tkn|pw|oauth)_/,
    entropySkip: 10,
    issuer: "PlanetScale (Organization settings > Service tokens, or the branch's passwords)",
  },
  {
    id: "pulumi-token",
    title: "Pulumi access token",
    keywords: ["pul-"],
    pattern: re("pul-[0-9a-f]{40}"),
    prefix: /^pul-/,
    entropySkip: 4,
    minEntropy: 2.8,
    issuer: "Pulumi (Settings > Access tokens)",
  },
  {
    id: "terraform-cloud-token",
    title: "Terraform Cloud / HCP Terraform token",
    keywords: [".atlasv1."],
    pattern: re("[0-9A-Za-z]{14}\\.atlasv1\\.[0-9A-Za-z_=-]{60,70}"),
    minEntropy: 3.5,
    issuer: "HCP Terraform (User settings > Tokens)",
  },
  {
    id: "supabase-secret-key",
    title: "Supabase secret key",
    keywords: ["sb_secret_"],
    pattern: re("sb_secret_[0-9A-Za-z_-]{31,}"),
    prefix: /^sb_secret_/,
    entropySkip: 10,
    issuer: "Supabase (Project settings > API keys)",
  },
  {
    id: "groq-api-key",
    title: "Groq API key",
    keywords: ["gsk_"],
    pattern: re("gsk_[0-9A-Za-z]{52}"),
    prefix: /^gsk_/,
    entropySkip: 4,
    issuer: "Groq (Console > API Keys)",
  },
  {
    id: "replicate-token",
    title: "Replicate API token",
    keywords: ["r8_"],
    pattern: re("r8_[0-9A-Za-z]{37}"),
    prefix: /^r8_/,
    entropySkip: 3,
    issuer: "Replicate (Account > API tokens)",
  },
  {
    id: "flyio-token",
    title: "Fly.io access token",
    keywords: ["fo1_", "FlyV1 fm2_"],
    pattern: /(?<![0-9A-Za-z_-])((?:fo1_[0-9A-Za-z_-]{43})|(?:FlyV1 fm2_[0-9A-Za-z+/=_,-]{100,}))/g,
    prefix: /^(?:fo1_|FlyV1 fm2_)/,
    entropySkip: 4,
    issuer: "Fly.io (`fly tokens revoke`)",
  },
];
