/**
 * Fake keys for the leak corpus, assembled at run time from split prefixes
 * and random characters, so this repository never contains a key (and does
 * not trip other scanners).
 */

import { randomBytes, randomInt } from "node:crypto";

const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const DIGITS = "0123456789";
const ALNUM = UPPER + LOWER + DIGITS;
const B64 = `${ALNUM}+/`;
const B64URL = `${ALNUM}-_`;
const HEX = "0123456789abcdef";

/** Random string of `n` characters from `alphabet`, always mixing cases and digits when it can. */
export function rand(n: number, alphabet = ALNUM): string {
  for (;;) {
    let s = "";
    for (let i = 0; i < n; i++) s += alphabet[randomInt(alphabet.length)];
    // Retry the rare draw that looks like a placeholder (long runs, no digit ...).
    if (/(.)\1{3,}/.test(s)) continue;
    if (alphabet.includes("0") && alphabet.includes("a") && n >= 12) {
      if (!/[0-9]/.test(s) || !/[a-z]/.test(s) || (alphabet.includes("A") && !/[A-Z]/.test(s)))
        continue;
    }
    return s;
  }
}

const j = (...parts: string[]) => parts.join("");
const b64url = (s: string) => Buffer.from(s).toString("base64url");

function pemBody(lines: number, width = 64): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) out.push(rand(width, B64));
  return out;
}

function pem(label: string, lines = 12): string {
  return [
    j("-----BEGIN ", label, "-----"),
    ...pemBody(lines),
    j("-----END ", label, "-----"),
    "",
  ].join("\n");
}

function derBody(length: number): string {
  const content = randomBytes(length - 4);
  const der = Buffer.concat([
    Buffer.from([0x30, 0x82, (length - 4) >> 8, (length - 4) & 0xff]),
    content,
  ]);
  return der.toString("base64");
}

function derPem(length: number): string {
  const body = derBody(length).match(/.{1,64}/g) ?? [];
  return [
    j("-----BEGIN RSA ", "PRIVATE KEY-----"),
    ...body,
    j("-----END RSA ", "PRIVATE KEY-----"),
    "",
  ].join("\n");
}

/** Every generator used by `{{name}}` in test/fixtures/leaks/corpus.json. */
export const FAKES: Record<string, () => string> = {
  stripe_live: () => j("sk", "_live_", rand(24)),
  stripe_test: () => j("sk", "_test_", rand(24)),
  stripe_restricted: () => j("rk", "_live_", rand(24)),
  stripe_short: () => j("sk", "_live_", "abc123def456"),
  stripe_publishable: () => j("pk", "_live_", rand(24)),
  stripe_publishable_test: () => j("pk", "_test_", rand(99)),
  supabase_publishable: () => j("sb", "_publishable_", rand(22, `${ALNUM}-_`)),
  mapbox_public: () =>
    j("pk.", b64url(JSON.stringify({ u: rand(8), a: rand(12) })), ".", rand(22, B64URL)),
  posthog_key: () => j("ph", "c_", rand(43)),
  url_password: () => j(rand(10), "-", rand(6)),
  bearer: () => rand(40, B64URL),
  basic_creds: () => Buffer.from(j("svc-deploy:", rand(18))).toString("base64"),
  hex32: () => rand(32, "0123456789abcdef"),
  // A DER-shaped RSA key body (SEQUENCE with its real length), whole or cut short.
  pem_rsa_der: () => derPem(1190),
  pem_rsa_truncated: () => {
    const body = derBody(1190).slice(0, 64);
    return j("-----BEGIN RSA ", "PRIVATE KEY----- ", body, ". -----END RSA ", "PRIVATE KEY-----");
  },
  eyj_header: () =>
    b64url(JSON.stringify({ kid: `key-${rand(10, DIGITS)}`, alg: "HS384" })).replace(/=+$/, ""),
  aws_id: () => j("AK", "IA", rand(16, `${UPPER}234567`)),
  aws_sts_id: () => j("AS", "IA", rand(16, `${UPPER}234567`)),
  aws_secret: () => rand(40, B64),
  ghp: () => j("gh", "p_", rand(36)),
  gho: () => j("gh", "o_", rand(36)),
  ghs: () => j("gh", "s_", rand(36)),
  github_pat: () => j("github", "_pat_", rand(22), "_", rand(59)),
  slack_bot: () => j("xo", "xb-", rand(11, DIGITS), "-", rand(12, DIGITS), "-", rand(24)),
  slack_user: () =>
    j(
      "xo",
      "xp-",
      rand(11, DIGITS),
      "-",
      rand(11, DIGITS),
      "-",
      rand(12, DIGITS),
      "-",
      rand(32, "0123456789abcdef"),
    ),
  google: () => j("AI", "za", rand(35, `${ALNUM}-_`)),
  gcp_sa_json: () =>
    `${JSON.stringify(
      {
        type: "service_account",
        project_id: "acme-prod",
        private_key_id: rand(40, "0123456789abcdef"),
        private_key: pem("PRIVATE KEY", 16),
        client_email: "deployer@acme-prod.iam.gserviceaccount.com",
        client_id: rand(21, DIGITS),
        token_uri: "https://oauth2.googleapis.com/token",
      },
      null,
      2,
    )}\n`,
  azure_storage_key: () => j(rand(86, B64), "=="),
  azure_sb_key: () => j(rand(43, B64), "="),
  openai: () => j("sk", "-proj-", rand(48, `${ALNUM}_-`)),
  anthropic: () => j("sk", "-ant-", "api03-", rand(93, `${ALNUM}_-`), "AA"),
  openai_legacy: () => j("sk", "-", rand(20), "T3Blbk", "FJ", rand(20)),
  pem_rsa: () => pem("RSA PRIVATE KEY", 25),
  pem_openssh: () => pem("OPENSSH PRIVATE KEY", 7),
  pem_escaped: () => pem("PRIVATE KEY", 10).replace(/\n/g, "\\n"),
  pem_public: () => pem("PUBLIC KEY", 6),
  pem_certificate: () => pem("CERTIFICATE", 20),
  ssh_public: () => j("AAAAC3NzaC1lZDI1NTE5AAAA", rand(44, B64)),
  jwt: () =>
    [
      b64url(JSON.stringify({ alg: "HS256", typ: "JWT" })),
      b64url(JSON.stringify({ sub: String(randomInt(1e9)), iat: 1_700_000_000, role: "admin" })),
      rand(43, B64URL),
    ].join("."),
  jwt_none: () =>
    [
      b64url(JSON.stringify({ alg: "none", typ: "JWT" })),
      b64url(JSON.stringify({ sub: "1", iat: 1_700_000_000 })),
      rand(16, B64URL),
    ].join("."),
  eyj_not_json: () =>
    [j("ey", "J", rand(30, B64URL)), j("ey", "J", rand(30, B64URL)), rand(30, B64URL)].join("."),
  random32: () => rand(32),
  random40: () => rand(40),
  password: () => j(rand(6, LOWER), "-", rand(4, DIGITS), "-", rand(6, UPPER)),
  hex64: () => randomBytes(32).toString("hex"),
  hex40: () => randomBytes(20).toString("hex"),
  uuid: () => crypto.randomUUID(),
  base64_88: () => randomBytes(64).toString("base64"),
  base64_32: () => randomBytes(24).toString("base64"),
  // A password that contains a word like "Secret" or "Token" (not a placeholder).
  worded_password: () =>
    j(
      ["My", "Our", "Prod"][randomInt(3)] as string,
      ["Secret", "Token", "Passw"][randomInt(3)] as string,
      rand(4, DIGITS),
      "!",
    ),
  // A base64 secret that starts with "/", as about 1 in 64 do.
  base64_slash: () => `/${randomBytes(24).toString("base64").slice(1)}`,
  base64_image: () => randomBytes(1500).toString("base64"),
  base64_blob: () =>
    randomBytes(3000)
      .toString("base64")
      .replace(/(.{76})/g, "$1\n"),
  // Fixed-prefix families (test/fixtures/leaks/families.json).
  gitlab_pat: () => j("gl", "pat-", rand(20, B64URL)),
  gitlab_deploy: () => j("gl", "dt-", rand(20)),
  gitlab_runner: () => j("gl", "rt-", rand(20, B64URL)),
  sendgrid: () => j("S", "G.", rand(22, B64URL), ".", rand(43, B64URL)),
  shopify: () => j("shp", "at_", rand(32, HEX)),
  shopify_secret: () => j("shp", "ss_", rand(32, HEX)),
  digitalocean: () => j("do", "p_v1_", rand(64, HEX)),
  slack_webhook_path: () =>
    j("T", rand(10, UPPER + DIGITS), "/B", rand(10, UPPER + DIGITS), "/", rand(24)),
  discord_webhook_path: () => j(rand(18, DIGITS), "/", rand(68, B64URL)),
  npm_token: () => j("np", "m_", rand(36)),
  pypi_token: () => j("py", "pi-AgEIcHlwaS5vcmc", rand(70, B64URL)),
  hf_token: () => j("h", "f_", rand(34, UPPER + LOWER)),
  vault_token: () => j("hv", "s.", rand(90, B64URL)),
  stripe_whsec: () => j("wh", "sec_", rand(32)),
  mailchimp: () => j(rand(32, HEX), "-us", String(randomInt(1, 21))),
  telegram: () => j(rand(10, DIGITS), ":AA", rand(33, B64URL)),
  postman: () => j("PM", "AK-", rand(24, HEX), "-", rand(34, HEX)),
  linear: () => j("lin", "_api_", rand(40)),
  databricks: () => j("da", "pi", rand(32, HEX)),
  doppler: () => j("dp", ".pt.", rand(43)),
  atlassian: () => j("ATA", "TT3", rand(186, B64URL)),
  grafana_sa: () => j("gl", "sa_", rand(32), "_", rand(8, HEX)),
  sentry_user: () => j("sntr", "yu_", rand(64, HEX)),
  square: () => j("sq0", "atp-", rand(22, B64URL)),
  age_key: () => j("AGE-SECRET", "-KEY-1", rand(58, "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L")),
  azure_ad_secret: () => j(rand(3), String(randomInt(10)), "Q~", rand(34, `${ALNUM}_~.`)),
  planetscale: () => j("pscale", "_tkn_", rand(43)),
  pulumi: () => j("pu", "l-", rand(40, HEX)),
  terraform: () => j(rand(14, LOWER + DIGITS), ".atlas", "v1.", rand(67, B64URL)),
  supabase_secret: () => j("sb", "_secret_", rand(32)),
  groq: () => j("gs", "k_", rand(52)),
  replicate: () => j("r", "8_", rand(37)),
  flyio: () => j("fo", "1_", rand(43, B64URL)),
  // A password with the punctuation and space people put in them.
  punct_password: () =>
    j(
      rand(5),
      ["?", ":", ";", ",", "(", ")", "[", "]", "{", "}", "<", ">", "|", "\\", "`", " "][
        randomInt(16)
      ] as string,
      rand(6),
      "!",
    ),
  // A WordPress-style salt: 64 printable characters (without "{" and "%":
  // "{{" and "%(" read as template syntax, a known limit of the placeholder check).
  wp_salt: () => rand(64, `${ALNUM}!@#^&*()-_[]}<>~+=,.;:/?|`),
  docker_auth_no_colon: () => Buffer.from(j("deploy", rand(12))).toString("base64"),
  azurite_key: () =>
    j(
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr",
      "/KBHBeksoGMGw==",
    ),
};

// Sized random runs for look-alikes: {{rand20}}, {{hex31}}, {{digits18}}, {{upper16}}, {{urlsafe43}}.
const SIZED: Record<string, string> = {
  rand: ALNUM,
  hex: HEX,
  digits: DIGITS,
  upper: UPPER,
  lower: LOWER,
  urlsafe: B64URL,
};

/** Replaces every `{{name}}` in `template` with a fresh value. */
export function expand(template: string): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_m, name: string) => {
    const make = FAKES[name];
    if (make) return make();
    const sized = /^([a-z]+?)(\d+)$/.exec(name);
    const alphabet = sized ? SIZED[sized[1] as string] : undefined;
    if (sized && alphabet) return rand(Number(sized[2]), alphabet);
    throw new Error(`corpus: no fake generator named ${name}`);
  });
}
