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
  azurite_key: () =>
    j(
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr",
      "/KBHBeksoGMGw==",
    ),
};

/** Replaces every `{{name}}` in `template` with a fresh value. */
export function expand(template: string): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_m, name: string) => {
    const make = FAKES[name];
    if (!make) throw new Error(`corpus: no fake generator named ${name}`);
    return make();
  });
}
