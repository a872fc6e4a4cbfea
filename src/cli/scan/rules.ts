/**
 * The detectors. Each rule names the literal keywords that must occur on a
 * line before its regex runs (the prefilter, as gitleaks does it), a regex
 * whose first group is the secret, and optional gates: minimum entropy of
 * the random part and a `confirm` step for checks a regex cannot express
 * (a nearby AWS secret key, a decodable JWT header, a PEM body).
 *
 * Facts (prefixes, lengths, alphabets) follow the vendors' documented key
 * formats, as also used by gitleaks and secretlint; the code is our own.
 */

import { charClasses, shannonEntropy } from "./entropy.js";
import { TOKEN_FAMILIES } from "./families.js";
import { isPlaceholder, isPublicByDesign } from "./placeholders.js";
import { allMatches, firstAtOrAfter, type TextIndex } from "./text-index.js";
import type { Confidence } from "./types.js";

/**
 * What a rule's `confirm` step sees: the whole text and the current line.
 *
 * @example
 * ```ts
 * const ctx: MatchContext = { text: "a\nb", lineStart: 2, lineEnd: 3, index: new TextIndex("a\nb") };
 * ```
 */
export interface MatchContext {
  /** The whole text being scanned (a file, or the added lines of one diff). */
  readonly text: string;
  /** Per-text lookups (line offsets, lists built once): never re-read the text per match. */
  readonly index: TextIndex;
  /** Offset of the current line's first character in `text`. */
  readonly lineStart: number;
  /** Offset just past the current line's last character (the `\n` or the end). */
  readonly lineEnd: number;
}

/**
 * A confirmed secret: the value (kept in memory only) and its offset in the text.
 *
 * @example
 * ```ts
 * const hit: Confirmed = { secret: "AKIA...", index: 120 };
 * ```
 */
export interface Confirmed {
  /** The secret itself; only its first four characters ever leave the process. */
  secret: string;
  /** Offset of the secret in the scanned text. */
  index: number;
  /** Another span this finding accounts for (the secret half of a key pair), so no other rule reports it. */
  covers?: { index: number; length: number };
}

/**
 * One detector.
 *
 * @example
 * ```ts
 * const rule: Rule = {
 *   id: "demo", title: "Demo key", keywords: ["demo_"],
 *   pattern: /\b(demo_[a-z0-9]{16})\b/g, fix: "Revoke the demo key.",
 * };
 * ```
 */
export interface Rule {
  /** Stable id used in output, config allowlists and SARIF. */
  readonly id: string;
  /** Short human-readable name. */
  readonly title: string;
  /**
   * Literals; a line is only examined when it contains one. Matched exactly
   * (a case-sensitive prefilter is about twice as fast), unless `ignoreCase`.
   */
  readonly keywords: readonly string[];
  /** Match the keywords in any case (for words in variable names). Keywords are then given in lower case. */
  readonly ignoreCase?: boolean;
  /** Global regex run on a candidate line; group 1 is the secret. */
  readonly pattern: RegExp;
  /** Minimum Shannon entropy (bits/char) of the secret after `entropySkip` characters. */
  readonly minEntropy?: number;
  /** Characters of fixed prefix to leave out of the entropy measure. */
  readonly entropySkip?: number;
  /**
   * The part every key of this kind starts with (`sk_live_`, `ghp_`), shown
   * in the masked preview. Rules without one show only the length.
   */
  readonly publicPrefix?: RegExp;
  /** Extra check; returns the secret to report (possibly elsewhere in the text) or undefined to drop. */
  readonly confirm?: (m: RegExpExecArray, ctx: MatchContext) => Confirmed | undefined;
  /** What to do about a finding. */
  readonly fix: string;
  /**
   * A keyword or entropy rule (the value's format proves nothing): its
   * findings in tests, docs and examples, or on dummy values, are listed but
   * do not count. Format rules (fixed prefix, checksum, verified pair) count anywhere.
   */
  readonly keyword?: boolean;
  /** Default `high`; `medium` for half a credential (a lone AWS key id). */
  readonly confidence?: Confidence;
}

const ROTATE =
  "Revoke or rotate the key at its issuer now, then load it at runtime (for example getSecret(...)) instead of committing it.";

const AWS_SECRET = /(?<![A-Za-z0-9+/])([A-Za-z0-9+/]{40})(?![A-Za-z0-9+/=])/g;

/** Every AWS secret-key candidate of the text, found in one pass the first time an id needs one. */
function awsSecrets(text: string) {
  // A real secret access key is random base64: all of lower, upper and digits,
  // and far more entropy than a hex digest (<= 4 bits/char).
  return allMatches(text, AWS_SECRET, (s) => {
    const secret = s[1] as string;
    return charClasses(secret) >= 3 && shannonEntropy(secret) >= 4.2 && !isPlaceholder(secret);
  });
}

/** The first AWS secret-key candidate within five lines of the id, by binary search. */
function nearbyAwsSecret(ctx: MatchContext) {
  const { start, end } = ctx.index.window(ctx.lineStart, ctx.lineEnd, 5, 5);
  const secrets = ctx.index.memo("aws-secret", awsSecrets);
  const s = secrets[firstAtOrAfter(secrets, start)];
  return s && s.index + s.length <= end ? s : undefined;
}

function confirmAwsPair(m: RegExpExecArray, ctx: MatchContext): Confirmed | undefined {
  const id = m[1] as string;
  const s = nearbyAwsSecret(ctx);
  if (!s) return undefined;
  return {
    secret: id,
    index: ctx.lineStart + (m.index ?? 0) + m[0].indexOf(id),
    covers: s,
  };
}

function decodeJsonSegment(segment: string): unknown {
  try {
    return JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
}

function confirmJwt(m: RegExpExecArray, ctx: MatchContext): Confirmed | undefined {
  const token = m[1] as string;
  const [header, payload] = token.split(".");
  const h = decodeJsonSegment(header ?? "") as { alg?: unknown } | undefined;
  if (!h || typeof h.alg !== "string" || h.alg.toLowerCase() === "none") return undefined;
  if (typeof decodeJsonSegment(payload ?? "") !== "object") return undefined;
  return { secret: token, index: ctx.lineStart + (m.index ?? 0) + m[0].indexOf(token) };
}

/**
 * A key body whose DER header declares more bytes than it holds: a
 * documentation example cut short ("MIIEpQIBAAKCAQEAuyf/lN..."), not a key.
 * Real keys are one DER SEQUENCE, whose length is in its first bytes.
 */
function isTruncatedDer(body: string): boolean {
  const der = Buffer.from(body, "base64");
  if (der[0] !== 0x30) return false;
  const len = der[1] as number;
  let declared: number;
  if (len < 0x80) declared = 2 + len;
  else if (len === 0x81) declared = 3 + (der[2] as number);
  else if (len === 0x82) declared = 4 + (((der[2] as number) << 8) | (der[3] as number));
  else return false;
  return der.length < declared;
}

const PEM_END = /-----END [A-Z ]*PRIVATE KEY(?: BLOCK)?-----/g;

function confirmPem(m: RegExpExecArray, ctx: MatchContext): Confirmed | undefined {
  const headerEnd = ctx.lineStart + (m.index ?? 0) + m[0].length;
  const ends = ctx.index.memo("pem-end", (t) => allMatches(t, PEM_END));
  const end = ends[firstAtOrAfter(ends, headerEnd)];
  if (!end || end.index - headerEnd > 64 * 1024) return undefined;
  // The body may be split over lines, "\n" escapes or string concatenation.
  const raw = ctx.text.slice(headerEnd, end.index);
  const body = raw
    .replace(/\\n|\\r/g, "")
    .replace(/^[A-Za-z-]+:.*$/gm, "")
    .replace(/[^A-Za-z0-9+/=]/g, "");
  if (body.length < 64 || isPlaceholder(body) || isTruncatedDer(body)) return undefined;
  const first = raw.search(/[A-Za-z0-9+/]{8}/);
  return { secret: body, index: headerEnd + Math.max(0, first) };
}

const GCP_PRIVATE_KEY = /"private_key"\s*:\s*"(-----BEGIN PRIVATE KEY-----(?:\\n)?([^"]{64,}))"/g;

function confirmGcpServiceAccount(_m: RegExpExecArray, ctx: MatchContext): Confirmed | undefined {
  // The key file is one JSON object: look for its private key within it.
  const from = Math.max(0, ctx.lineStart - 16 * 1024);
  // Group 2 (the body after the header) of every private_key field, listed once per text.
  const keys = ctx.index.memo("gcp-private-key", (t) => {
    const out: Array<{ index: number; length: number; body: string }> = [];
    GCP_PRIVATE_KEY.lastIndex = 0;
    for (let k = GCP_PRIVATE_KEY.exec(t); k; k = GCP_PRIVATE_KEY.exec(t)) {
      const body = k[2] as string;
      out.push({ index: k.index + k[0].indexOf(body), length: body.length, body });
    }
    return out;
  });
  const k = keys[firstAtOrAfter(keys, from)];
  if (!k || k.index > ctx.lineEnd + 16 * 1024) return undefined;
  const body = k.body.replace(/\\n/g, "");
  if (isPlaceholder(body)) return undefined;
  return { secret: body, index: k.index };
}

// Hosts of documentation and local development: credentials for them are
// examples or development defaults (postgres://postgres:postgres@localhost).
const EXAMPLE_HOST =
  /^(?:localhost|127(?:\.\d+){3}|0\.0\.0\.0|\[::1\]|host|hostname|server|(?:[\w-]+\.)*example(?:\.(?:com|org|net))?|[\w.-]+\.(?:test|invalid|example|localhost))$/i;

function confirmUrlCredentials(m: RegExpExecArray, ctx: MatchContext): Confirmed | undefined {
  const user = m[2] as string;
  const password = m[3] as string;
  const host = m[4] as string;
  // Variables and format strings: ${DB_PASSWORD}, $PASS, %s, %(password)s, {password}.
  if (/^[$%{]|[{}<>]/.test(password) && !/^%[0-9A-Fa-f]{2}/.test(password)) return undefined;
  if (isPlaceholder(password) || isExamplePhrase(password) || isPlaceholder(host)) return undefined;
  if (/^(?:x+|\*+|\.+|pw|pwd|pass|passwd|password|secret|user|username)$/i.test(password)) {
    return undefined;
  }
  if (password === user || password.length < 6 || EXAMPLE_HOST.test(host)) return undefined;
  if (isWordIdentifier(password) && password.length < 12) return undefined;
  const index = ctx.lineStart + m.index + m[0].lastIndexOf(`:${password}@`) + 1;
  return { secret: password, index };
}

function confirmAuthHeader(m: RegExpExecArray, ctx: MatchContext): Confirmed | undefined {
  const scheme = (m[1] as string).toLowerCase();
  const token = m[2] as string;
  const next = ctx.text.charAt(ctx.lineStart + m.index + m[0].length);
  // "Bearer abc" + rest, `Bearer ${x}`: built at run time.
  if (next === "$" || next === "{" || next === "+") return undefined;
  if (isPlaceholder(token) || isExamplePhrase(token)) return undefined;
  if (scheme === "basic") {
    const decoded = Buffer.from(token, "base64").toString("latin1");
    const colon = decoded.indexOf(":");
    if (colon < 0 || !/^[\x20-\x7e]+$/.test(decoded)) return undefined;
    const password = decoded.slice(colon + 1);
    if (password.length < 6 || isPlaceholder(password) || isExamplePhrase(password)) {
      return undefined;
    }
    if (password === decoded.slice(0, colon)) return undefined;
  } else if (
    token.length < 16 ||
    shannonEntropy(token) < 3 ||
    charClasses(token) < 2 ||
    isWordIdentifier(token)
  ) {
    return undefined;
  }
  const index = ctx.lineStart + m.index + m[0].length - token.length;
  return { secret: token, index };
}

// Values that are clearly code, paths or identifiers rather than secrets.
const MEMBER_EXPR = /^[A-Za-z_$#][\w$#]*(?:\??\.[A-Za-z_$#][\w$#]*)+$/;
// After an unquoted value: an operator, a call or an index means the value is code.
const CODE_AFTER = /^\s*(?:\|\||&&|\?\?|\?|\(|\+|\[|\.|!|=)/;
const WORDS_ONLY =
  /^(?:[a-z]+|[A-Z]+|[a-z]+(?:[A-Z][a-z]+)+|[A-Z][a-z]+(?:[A-Z][a-z]+)+|[A-Za-z]+(?:[_-][A-Za-z]+)+)$/;

/**
 * Names and identifiers joined by separators ("powertools-for-aws.tracer",
 * "x-aws-ec2-metadata-token", "__vite_ssr_import__"): every segment is a
 * lower-case word or a short token. Random keys have long mixed segments.
 */
function looksLikeName(value: string): boolean {
  if (!/[-._:/]/.test(value)) return false;
  const segments = value.split(/[-._:/]+/).filter(Boolean);
  return segments.length >= 2 && segments.every((seg) => /^[a-z]+$/.test(seg) || seg.length <= 4);
}
// Words a stand-in value is made of ("your_token_here", "SomeKindOfPassword").
const PHRASE_WORDS = new Set(
  (
    "a an the my your our some kind of put enter insert set new here goes value " +
    "api access auth client private db database app user admin bearer webhook signing " +
    "very long super strong test demo fake"
  ).split(" "),
);
const PHRASE_CORE = new Set(
  "secret secrets token tokens password passwords passwd pass pwd key keys".split(" "),
);

/**
 * True when `value` is made only of placeholder words and names a secret as
 * a whole ("secret", "your_token_here", "Password!"), not when such a word is
 * part of a real value ("MySecretPa55!").
 */
function isPlaceholderPhrase(value: string): boolean {
  const words = value
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "")
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[-_\s.]+/)
    .filter(Boolean);
  // "somepassword", "yourapikey": the words written together.
  const split = words.flatMap((w) => segmentWords(w) ?? [w]);
  if (split.length === 0 || !split.some((w) => PHRASE_CORE.has(w))) return false;
  return split.every((w) => PHRASE_CORE.has(w) || PHRASE_WORDS.has(w));
}

/** `word` as a run of placeholder words ("somepassword" -> some, password), or undefined. */
function segmentWords(word: string): string[] | undefined {
  if (word.length > 40) return undefined;
  const known = (w: string) => PHRASE_CORE.has(w) || PHRASE_WORDS.has(w);
  const best: Array<string[] | undefined> = [[]];
  for (let end = 1; end <= word.length; end++) {
    for (let start = Math.max(0, end - 12); start < end; start++) {
      const head = best[start];
      const piece = word.slice(start, end);
      if (head && known(piece)) {
        best[end] = [...head, piece];
        break;
      }
    }
  }
  return best[word.length];
}
// "Password123!@#": a phrase made a "valid" example with an ascending run of
// digits or a run along the keyboard's symbol row.
const EXAMPLE_SUFFIX = /(?:1234?5?6?7?8?9?0?|!@#\$?%?\^?&?\*?)+$/;

/** {@link isPlaceholderPhrase}, also with an example suffix ("SomeKindOfPassword123!@#"). */
function isExamplePhrase(value: string): boolean {
  if (isPlaceholderPhrase(value)) return true;
  const stripped = value.replace(EXAMPLE_SUFFIX, "");
  return stripped !== value && stripped.length > 0 && isPlaceholderPhrase(stripped);
}

/**
 * A value that opens with an all-capitals phrase naming a secret
 * ("VERYLONGSECRETeyJ...", "MYTOKEN_..."): documentation written to look
 * long, not a key. Mixed case ("MySecretPa55!") is a password, not this.
 */
function opensWithCapsPhrase(value: string): boolean {
  const head = /^[A-Z]{6,}/.exec(value)?.[0] ?? "";
  return /SECRET|TOKEN|PASSWORD|APIKEY/.test(head) && head.length < value.length;
}

function normalized(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/**
 * A constant whose value is its own name in another case or separator
 * style: `const PlatformAuthDOMGetToken = "platformAuthDOMGetToken"`,
 * `API_TOKEN = "api-token"`, or the name with a namespace ("msal.getToken").
 */
function isSelfNamed(name: string, value: string): boolean {
  const n = normalized(name);
  const v = normalized(value);
  if (n.length < 4 || v.length < 4) return false;
  if (n === v || n.endsWith(v)) return true;
  return v.endsWith(n) && /^[A-Za-z._:-]+$/.test(value);
}

/**
 * An identifier made of words (`platformAuthDOMGetToken`, `getAccessToken`):
 * letters only, split at case changes into words that each have a vowel or
 * are a short acronym. Random letters break into vowel-less scraps.
 */
function isWordIdentifier(value: string): boolean {
  if (!/^[A-Za-z]+$/.test(value)) return false;
  const words = value.match(/[A-Z]{2,}(?=[A-Z][a-z]|$)|[A-Z]?[a-z]+|[A-Z]+/g) ?? [];
  if (words.length < 2) return false;
  return words.every((w) => (/^[A-Z]{2,5}$/.test(w) ? true : w.length >= 2 && /[aeiouy]/i.test(w)));
}

/**
 * "/etc/app/db.conf", "./certs/server.pem": a path, each segment lower case
 * after at most a leading capital. A base64 key that starts with "/" has long
 * mixed-case segments (or "+" and "="), so it is still scanned.
 */
function looksLikePath(value: string): boolean {
  if (!/^\.{0,2}\//.test(value)) return false;
  return value
    .replace(/^\.{0,2}\//, "")
    .split("/")
    .every((seg) => /^[A-Za-z]?[a-z0-9._~-]*$/.test(seg));
}
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HASHY_NAME =
  /hash|digest|checksum|sum$|sha\d*|md5|fingerprint|integrity|public|pub_?key|publishable|commit|revision|etag/i;

function isPasswordName(name: string): boolean {
  return /pass|pwd/i.test(name);
}
// Keys that name data, not credentials (cacheKey, sortKey, s3ObjectKey ...).
const DATA_KEY_NAME =
  /(?:cache|sort|partition|primary|foreign|idempotency|storage|object|s3|bucket|map|lookup|index|row|route|translation|i18n|dedupe|unique|composite|query|search|hot|shortcut|react|list|group|config|state|redis|memo)[_.-]?key$/i;
const SAFE_NAME =
  /^(?:.*[_.-])?(?:max|min|num|len|count|type|name|id|path|file|url|uri|env|prefix|header|field|param)s?$/i;

// The regex starts at the keyword (so V8 can skip ahead to its letters);
// the rest of the variable name is read backwards from there.
const NAME_CHAR = /[A-Za-z0-9_.-]/;

// Prose ("The secret could not be found"): three words or more, letters only.
const PROSE = /^[A-Za-z][a-z']*(?:[ ,;:]+[A-Za-z][a-z']*){2,}[.!?:]?$/;
// Format strings and interpolations: the value is filled in elsewhere.
const FORMAT = /%[-+ 0#]*\d*[sdifxXoq]|\{\w*\}|\$\w/;
// An npm package name (@scope/name), a name, not a secret.
const NPM_NAME = /^@[a-z0-9-~][a-z0-9-._~]*\/[a-z0-9-~][a-z0-9-._~]*(?:\/[\w.~-]+)*$/;

/** Four words or more, nearly all letters: a sentence ("put your unique phrase here"), not a passphrase salt. */
function isMostlyWords(value: string): boolean {
  const words = value.trim().split(/\s+/);
  if (words.length < 4) return false;
  const letters = value.replace(/[^A-Za-z\s]/g, "").length;
  return letters / value.length >= 0.85;
}

function confirmGeneric(m: RegExpExecArray, ctx: MatchContext): Confirmed | undefined {
  const quoted = m[2] !== undefined;
  const quote = quoted ? (m[1] as string) : "";
  const value = (quoted ? m[2] : m[4]) as string;
  const keyword = /^[A-Za-z_.-]+/.exec(m[0])?.[0] ?? "";
  const abs = ctx.lineStart + m.index;
  let start = abs;
  while (start > ctx.lineStart && abs - start < 40 && NAME_CHAR.test(ctx.text.charAt(start - 1)))
    start--;
  if (start > ctx.lineStart && NAME_CHAR.test(ctx.text.charAt(start - 1))) return undefined;
  const name = ctx.text.slice(start, abs) + keyword;
  // A bare "key" is too common (maps, React lists); "*_KEY" / "apiKey" are not.
  if (/^key/i.test(keyword) && start === abs) return undefined;
  const at = ctx.lineStart + (m.index ?? 0) + m[0].length - value.length - quote.length;
  if (quote) {
    // "prefix$" + id: a fragment of a string built at run time, not a value.
    const after = ctx.text.slice(
      at + value.length + quote.length,
      Math.min(ctx.lineEnd, at + value.length + quote.length + 8),
    );
    if (/^\s*\+/.test(after)) return undefined;
    // Spaces and punctuation are fine in a password, but prose and format strings are messages.
    if (/[\s]/.test(value) && (PROSE.test(value.trim()) || value.trim().split(/\s+/).length > 3))
      return undefined;
    if (FORMAT.test(value) || NPM_NAME.test(value)) return undefined;
  }
  if (!quote) {
    // Unquoted values are only data in env, YAML, INI and TOML-style lines
    // (name first); in code an unquoted right-hand side is an expression.
    // The variable must be the line's first token (after `export ` or a YAML `- `).
    // (Read at most 200 characters: a long prefix is not indentation.)
    if (start - ctx.lineStart > 200) return undefined;
    if (!/^\s*(?:export\s+|-\s+)?["']?$/.test(ctx.text.slice(ctx.lineStart, start)))
      return undefined;
    const after = ctx.text.charAt(at + value.length);
    if (after !== "" && !/[\s;,#]/.test(after)) return undefined;
    // "name: Identifier," or "name = other;" is code (a type, an object literal, an assignment).
    if (after === ";" || after === ",") return undefined;
    // "client_secret: this.#auth.secret || ''": an expression, not data.
    if (
      CODE_AFTER.test(
        ctx.text.slice(at + value.length, Math.min(ctx.lineEnd, at + value.length + 64)),
      )
    )
      return undefined;
    if (value.startsWith("this.") || value.includes("#")) return undefined;
  }
  return plausibleSecret(name, value) ? { secret: value, index: at } : undefined;
}

/**
 * True when `value`, assigned to something called `name`, reads like a
 * secret: not a name, a path, a hash, an identifier, prose or a placeholder
 * phrase, and random enough for what the name says (a password may be
 * shorter and plainer than a key). Shared by every keyword rule.
 */
function plausibleSecret(name: string, value: string): boolean {
  // Spaces and punctuation are fine in a password, but prose and format strings are messages.
  if (/\s/.test(value) && (PROSE.test(value.trim()) || isMostlyWords(value))) return false;
  if (NPM_NAME.test(value)) return false;
  // A format marker in a long random value (a salt with "{}" in it) is chance, not a template.
  if (FORMAT.test(value) && !(value.length >= 32 && shannonEntropy(value) >= 4.5)) return false;
  if (HASHY_NAME.test(name) || SAFE_NAME.test(name) || DATA_KEY_NAME.test(name)) return false;
  if (MEMBER_EXPR.test(value) || WORDS_ONLY.test(value) || UUID.test(value)) return false;
  if (looksLikeName(value)) return false;
  // Code, not data: a constant named after itself, an identifier of words.
  if (isSelfNamed(name, value) || isWordIdentifier(value)) return false;
  // "__reactHandles$", "?InterpolationInJSX": an identifier of words inside sigils.
  const core = value.replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
  if (core !== value && (isWordIdentifier(core) || /^[a-z]+$/.test(core))) return false;
  // "SomeKindOfPassword123!@#", "my-secret-token": documentation, not a credential.
  // Only when the words are the whole value: "MySecretPa55!" is a password.
  if (isExamplePhrase(value) || opensWithCapsPhrase(value)) return false;
  if (isPublicByDesign(value)) return false;
  // Hex only (a sha256, a git SHA, or a hex token): a secret when the name
  // says so and it is long enough to be random (32+ digits, 128 bits), as
  // Twilio auth tokens, Datadog API keys and session secrets made with
  // `openssl rand -hex 32` are. Names that say hash, digest, sha, checksum,
  // commit, revision or etag were set aside above (HASHY_NAME).
  if (/^[0-9a-f]+$/i.test(value) && !isPasswordName(name) && value.length < 32) return false;
  if (/^(?:true|false|null|none|undefined|nil)$/i.test(value)) return false;
  // A URL or a secret reference (aws-sm://prod/db#password): a pointer to a secret, not one.
  if (/^(?:https?|ftp|file):/.test(value) || looksLikePath(value)) return false;
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\/\S*$/.test(value)) return false;
  const isPassword = isPasswordName(name);
  const entropy = shannonEntropy(value);
  if (isPassword) {
    if (value.length < 8 || entropy < 2.8 || charClasses(value) < 2) return false;
  } else if (
    value.length < 12 ||
    // Hex carries at most 4 bits a character: 32 random hex digits measure about 3.7.
    entropy < (/^[0-9a-f]+$/i.test(value) ? 3 : 3.5) ||
    charClasses(value) < 2
  ) {
    return false;
  }
  return true;
}

const SECRET_WORD = /key|secret|token|passw(?:or)?d|pwd|credential|auth/i;

/** `.npmrc`: `//registry/:_authToken=...`, `_auth=` (base64 user:password), `_password=`. */
function confirmNpmrc(m: RegExpExecArray, ctx: MatchContext): Confirmed | undefined {
  const name = m[1] as string;
  const value = m[2] as string;
  if (isPlaceholder(value) || isExamplePhrase(value)) return undefined;
  if (value.length < 16 && name === "_authToken") return undefined;
  if (shannonEntropy(value) < 3 || charClasses(value) < 2) return undefined;
  if (name === "_auth") {
    const decoded = Buffer.from(value, "base64").toString("latin1");
    const colon = decoded.indexOf(":");
    if (colon < 1 || !/^[\x20-\x7e]+$/.test(decoded) || decoded.length - colon - 1 < 6)
      return undefined;
  }
  return { secret: value, index: ctx.lineStart + m.index + m[0].length - value.length };
}

/** Docker `config.json`: `"auth": "<base64 of user:password>"`. */
function confirmDockerAuth(m: RegExpExecArray, ctx: MatchContext): Confirmed | undefined {
  const value = m[1] as string;
  const decoded = Buffer.from(value, "base64").toString("latin1");
  const colon = decoded.indexOf(":");
  if (colon < 1 || !/^[\x20-\x7e]+$/.test(decoded)) return undefined;
  const user = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  if (
    password.length < 6 ||
    password === user ||
    isPlaceholder(password) ||
    isExamplePhrase(password)
  ) {
    return undefined;
  }
  return { secret: value, index: ctx.lineStart + m.index + m[0].indexOf(value) };
}

// A connection string names a server and a user next to the password.
const CONN_SERVER = /(?:server|data source|host|address|addr|network address|hostname)\s*=/i;
const CONN_USER = /(?:user id|uid|user|username|user name)\s*=/i;

/** SQL Server, ODBC, MySQL and Npgsql connection strings: `Server=...;User Id=...;Password=...`. */
function confirmConnectionString(m: RegExpExecArray, ctx: MatchContext): Confirmed | undefined {
  const raw = m[1] as string;
  const value = raw.replace(/^[{'"]|[}'"]$/g, "");
  const from = Math.max(ctx.lineStart, ctx.lineStart + m.index - 300);
  const around = ctx.text.slice(
    from,
    Math.min(ctx.lineEnd, ctx.lineStart + m.index + m[0].length + 300),
  );
  if (!CONN_SERVER.test(around) || !CONN_USER.test(around) || !around.includes(";"))
    return undefined;
  if (/^[$%{]/.test(value) || isPlaceholder(value) || !plausibleSecret("password", value))
    return undefined;
  const index = ctx.lineStart + m.index + m[0].length - raw.length + (raw === value ? 0 : 1);
  return { secret: value, index };
}

/** `curl -u user:password` (and `--user`). */
function confirmCurlUser(m: RegExpExecArray, ctx: MatchContext): Confirmed | undefined {
  const quoted = m[3] !== undefined;
  const user = (quoted ? m[2] : m[4]) as string;
  const password = (quoted ? m[3] : m[5]) as string;
  if (/^[$%{<]/.test(password) || password === user || isPlaceholder(password)) return undefined;
  if (!plausibleSecret("password", password)) return undefined;
  const end = ctx.lineStart + m.index + m[0].length - (quoted ? 1 : 0);
  return { secret: password, index: end - password.length };
}

/** A literal API-key header: `curl -H "X-API-Key: ..."`, or `X-Api-Key: ...` in an .http file. */
function confirmApiKeyHeader(m: RegExpExecArray, ctx: MatchContext): Confirmed | undefined {
  // In a curl -H argument any such name; at the start of a line (an .http file) an X- header only.
  const name = (m[1] ?? m[2]) as string;
  const value = m[3] as string;
  if (isPlaceholder(value) || !plausibleSecret(name, value)) return undefined;
  return { secret: value, index: ctx.lineStart + m.index + m[0].length - value.length };
}

/**
 * A secret-named setting given a literal: a default in `os.getenv("SECRET_KEY", "...")`,
 * `ENV.fetch`, Laravel `env()`, `process.env.X || "..."`; a constant in PHP
 * `define('API_KEY', '...')`; a property in Java `setProperty("db.password", "...")`
 * or Ruby `ENV["API_KEY"] = "..."`.
 */
function confirmNamedLiteral(m: RegExpExecArray, ctx: MatchContext): Confirmed | undefined {
  const name = (m[1] ?? m[4] ?? m[7]) as string;
  const value = (m[3] ?? m[6] ?? m[9]) as string;
  if (!SECRET_WORD.test(name) || isPlaceholder(value) || !plausibleSecret(name, value))
    return undefined;
  return { secret: value, index: ctx.lineStart + m.index + m[0].length - value.length - 1 };
}

const NAMED_LITERAL = new RegExp(
  [
    // getenv("NAME", "value"), define('NAME', 'value'), setProperty("name", "value") ...
    `\\b(?:getenv|environ\\.get|environ\\.setdefault|env\\.fetch|env|define|setproperty|setenv|putenv)\\s*\\(\\s*["']([\\w.-]{3,80})["']\\s*,\\s*(["'])((?:(?!\\2)[^\\r\\n\\\\]|\\\\[^\\r\\n]){6,256})\\2`,
    // ENV["NAME"] = "value", ENV['NAME'] ||= 'value'
    `\\benv\\[\\s*["']([\\w.-]{3,80})["']\\s*\\]\\s*(?:\\|\\|)?=\\s*(["'])((?:(?!\\5)[^\\r\\n\\\\]|\\\\[^\\r\\n]){6,256})\\5`,
    // process.env.NAME || "value", process.env.NAME ?? "value"
    `\\bprocess\\.env\\.([A-Za-z_]\\w{2,80})\\s*(?:\\|\\||\\?\\?)\\s*(["'\`])((?:(?!\\8)[^\\r\\n\\\\]|\\\\[^\\r\\n]){6,256})\\8`,
  ].join("|"),
  "gi",
);

const FAMILY_RULES: readonly Rule[] = TOKEN_FAMILIES.map((f) => ({
  id: f.id,
  title: f.title,
  keywords: f.keywords,
  pattern: f.pattern,
  minEntropy: f.minEntropy ?? 3,
  entropySkip: f.entropySkip ?? 0,
  ...(f.prefix ? { publicPrefix: f.prefix } : {}),
  fix: `${ROTATE} Revoke it in ${f.issuer}.`,
}));

/**
 * Every built-in rule, most specific first: when two rules find the same
 * spot, the earlier one is reported.
 *
 * @example
 * ```ts
 * RULES.map((r) => r.id); // ["stripe-secret-key", "aws-access-key", ...]
 * ```
 */
export const RULES: readonly Rule[] = [
  {
    id: "stripe-secret-key",
    publicPrefix: /^(?:sk|rk)_(?:live|test)_/,
    title: "Stripe secret or restricted key",
    keywords: ["sk_live_", "rk_live_", "sk_test_", "rk_test_"],
    pattern: /\b((?:sk|rk)_(?:live|test)_[0-9A-Za-z]{10,247})\b/g,
    minEntropy: 3,
    entropySkip: 8,
    fix: `${ROTATE} Roll it in the Stripe dashboard (Developers > API keys).`,
  },
  {
    id: "aws-access-key",
    publicPrefix: /^A(?:KIA|SIA)/,
    title: "AWS access key with its secret key nearby",
    keywords: ["AKIA", "ASIA"],
    pattern: /\b((?:AKIA|ASIA)[A-Z2-7]{16})\b/g,
    confirm: confirmAwsPair,
    fix: `${ROTATE} Deactivate and delete the access key in IAM; prefer STS role credentials.`,
  },
  {
    id: "github-token",
    publicPrefix: /^(?:gh[pousr]_|github_pat_)/,
    title: "GitHub token",
    keywords: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"],
    pattern: /\b((?:gh[pousr]_[0-9A-Za-z]{36})|(?:github_pat_[0-9A-Za-z_]{82}))\b/g,
    minEntropy: 3,
    entropySkip: 4,
    fix: `${ROTATE} Revoke it under GitHub Settings > Developer settings.`,
  },
  {
    id: "slack-token",
    publicPrefix: /^xox[abposre]-/,
    title: "Slack token",
    keywords: ["xox"],
    pattern: /\b(xox[abposre]-\d+-[0-9A-Za-z-]{8,250})\b/g,
    minEntropy: 3,
    entropySkip: 5,
    fix: `${ROTATE} Regenerate it in the Slack app's settings.`,
  },
  {
    id: "google-api-key",
    publicPrefix: /^AIza/,
    title: "Google API key",
    keywords: ["AIza"],
    pattern: /\b(AIza[0-9A-Za-z_-]{35})(?![0-9A-Za-z_-])/g,
    minEntropy: 3,
    entropySkip: 4,
    fix: `${ROTATE} Delete or regenerate it in the Cloud console (APIs & Services > Credentials) and restrict it by API and IP.`,
  },
  {
    id: "gcp-service-account",
    title: "GCP service-account key file",
    keywords: ["service_account"],
    pattern: /("type"\s*:\s*"service_account")/g,
    confirm: confirmGcpServiceAccount,
    fix: `${ROTATE} Delete the key in IAM > Service accounts > Keys; use workload identity or impersonation instead of key files.`,
  },
  {
    id: "azure-storage-connection-string",
    title: "Azure storage account key",
    keywords: ["AccountKey="],
    pattern: /AccountName=[A-Za-z0-9]{3,24};AccountKey=([A-Za-z0-9+/]{86}==)/g,
    minEntropy: 4,
    fix: `${ROTATE} Rotate the storage account key (Access keys) and prefer managed identity or SAS with expiry.`,
  },
  {
    id: "azure-service-bus-connection-string",
    title: "Azure Service Bus / Event Hubs key",
    keywords: ["SharedAccessKey="],
    pattern:
      /Endpoint=sb:\/\/[A-Za-z0-9.-]+\/?;SharedAccessKeyName=[^;\s"']+;SharedAccessKey=([A-Za-z0-9+/]{43}=)/g,
    minEntropy: 4,
    fix: `${ROTATE} Regenerate the shared access key and prefer managed identity.`,
  },
  {
    id: "ai-api-key",
    publicPrefix: /^sk-(?:ant-(?:api|admin)\d{2}-|proj-|svcacct-|admin-)?/,
    title: "OpenAI / Anthropic-style API key",
    keywords: ["sk-"],
    pattern:
      /(?<![A-Za-z0-9_-])(sk-(?:ant-(?:api|admin)\d{2}-|proj-|svcacct-|admin-)?[A-Za-z0-9_-]{32,200})(?![A-Za-z0-9_-])/g,
    minEntropy: 3.5,
    entropySkip: 3,
    fix: `${ROTATE} Revoke it in the provider's API keys page.`,
  },
  ...FAMILY_RULES,
  {
    id: "private-key",
    title: "Private key (PEM)",
    keywords: ["PRIVATE KEY"],
    pattern: /-----BEGIN (?:(?:RSA|EC|DSA|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY(?: BLOCK)?-----/g,
    confirm: confirmPem,
    fix: `${ROTATE} Replace the key pair and revoke any certificate issued for it.`,
  },
  {
    id: "jwt",
    publicPrefix: /^eyJ/,
    title: "JSON Web Token",
    keywords: ["eyJ"],
    pattern:
      /(?<![A-Za-z0-9_-])(eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,})/g,
    confirm: confirmJwt,
    fix: "Treat the token as leaked: revoke the session or rotate the signing key if it is long-lived, and never commit tokens.",
  },
  {
    id: "url-credentials",
    keyword: true,
    title: "Password in a URL (scheme://user:password@host)",
    keywords: ["://"],
    pattern:
      /\b([A-Za-z][A-Za-z0-9+.-]{1,30}):\/\/([^\s:/@'"`<>\\]*):([^\s/@'"`<>\\]{1,256})@(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?=[:/?#\s'"`<>),;\\]|$)/g,
    confirm: confirmUrlCredentials,
    fix: `${ROTATE} Change the password at the server, and build the URL at runtime from a secret (getSecret) instead of writing it out.`,
  },
  {
    id: "auth-header",
    keyword: true,
    title: "Literal Authorization header (Bearer, Basic or token)",
    keywords: ["authorization"],
    ignoreCase: true,
    pattern:
      /\b(?:proxy-)?authorization\\?["']?\s*[:=,]\s*\\?["'`]?\s*(Bearer|Basic|Token)\s+([A-Za-z0-9._~+/=-]{8,})/gi,
    confirm: confirmAuthHeader,
    fix: `${ROTATE} Revoke the token (or change the password of a Basic header) and add the header at runtime from a secret.`,
  },
  {
    id: "npmrc-auth",
    keyword: true,
    title: "npm registry credential in .npmrc (_authToken, _auth, _password)",
    keywords: ["_authToken", "_auth", "_password"],
    pattern: /(?:^|[\s"':])(_authToken|_auth|_password)\s*=\s*["']?([^\s"'#;]{8,512})/g,
    confirm: confirmNpmrc,
    fix: `${ROTATE} Revoke the token at the registry (npm token revoke), and write \`_authToken=\${NPM_TOKEN}\` instead.`,
  },
  {
    id: "docker-config-auth",
    keyword: true,
    title: "Docker registry credential (config.json auths)",
    keywords: ['"auth"'],
    pattern: /"auth"\s*:\s*"([A-Za-z0-9+/]{8,}={0,2})"/g,
    confirm: confirmDockerAuth,
    fix: `${ROTATE} Change the registry password or revoke the access token, and use a credential helper (credsStore) instead.`,
  },
  {
    id: "connection-string-password",
    keyword: true,
    title: "Password in a connection string (SQL Server, ODBC, MySQL, Npgsql)",
    keywords: ["password=", "pwd="],
    ignoreCase: true,
    pattern:
      /(?:^|[;"'\s])(?:password|pwd)\s*=\s*(\{[^}\r\n]{1,256}\}|'[^'\r\n]{1,256}'|"[^"\r\n]{1,256}"|[^;"'\s]{1,256})/gi,
    confirm: confirmConnectionString,
    fix: `${ROTATE} Change the database password, and build the connection string at runtime from a secret (getSecret).`,
  },
  {
    id: "curl-credentials",
    keyword: true,
    title: "Password in a curl -u / --user argument",
    keywords: ["curl"],
    pattern:
      /\bcurl\b[^\r\n]*?\s(?:-u|--user)(?:\s+|=)(?:(["'])([^\s"':]{1,64}):((?:(?!\1)[^\r\n]){1,256})\1|([^\s"':]{1,64}):([^\s"']{1,256}))/g,
    confirm: confirmCurlUser,
    fix: `${ROTATE} Change the password, and pass it from the environment (curl -u "user:$PASSWORD") or a .netrc outside the repository.`,
  },
  {
    id: "api-key-header",
    keyword: true,
    title: "Literal API-key header (X-API-Key, Private-Token, X-Auth-Token ...)",
    keywords: [
      "api-key",
      "apikey",
      "api_key",
      "api-token",
      "auth-token",
      "access-token",
      "private-token",
      "vault-token",
    ],
    ignoreCase: true,
    pattern:
      /(?:(?:-H|--header)[\s=]*["']?\s*((?:x-)?(?:api[-_]?key|api[-_]?token|auth[-_]?token|access[-_]?token|private[-_]token|vault[-_]token|goog-api-key))|^\s*(x-(?:api[-_]?key|api[-_]?token|auth[-_]?token|access[-_]?token|vault[-_]token|goog-api-key)|private-token))\s*:\s*["']?([A-Za-z0-9._~+/=-]{12,256})/gi,
    confirm: confirmApiKeyHeader,
    fix: `${ROTATE} Revoke the key at its issuer and send the header from a secret read at runtime.`,
  },
  {
    id: "secret-literal-setting",
    keyword: true,
    title: "Secret-named setting given a literal (getenv default, define, setProperty, ENV[])",
    keywords: ["getenv", "environ", "env", "define", "setproperty", "putenv"],
    ignoreCase: true,
    pattern: NAMED_LITERAL,
    confirm: confirmNamedLiteral,
    fix: `${ROTATE} Remove the literal (a default is a committed secret too): fail when the variable is missing, or read it with getSecret().`,
  },
  {
    id: "aws-access-key-id",
    confidence: "medium",
    publicPrefix: /^AKIA/,
    title: "AWS access key id without its secret nearby (half a key)",
    keywords: ["AKIA"],
    pattern: /\b(AKIA[A-Z2-7]{16})\b/g,
    minEntropy: 2.5,
    entropySkip: 4,
    fix: "An access key id alone cannot sign requests, but says a key exists: find where its secret is (search the history too), and deactivate the key in IAM if it was ever committed.",
  },
  {
    id: "generic-secret-assignment",
    keyword: true,
    title: "High-entropy value assigned to a secret-named variable",
    keywords: ["key", "secret", "token", "passw", "pwd"],
    ignoreCase: true,
    pattern:
      /(?:key|secret|token|passw(?:or)?d|pwd)(?:[_.-]?base)?(?:\\?["'])?\s*(?:=|:=|:|=>)\s*(?:(\\?["'`])((?:(?!\1)[^\r\n\\]|\\[^\r\n]){8,256})\1|()([A-Za-z0-9_+/=!@#$%^&*~.-]{8,256}))/gi,
    confirm: confirmGeneric,
    fix: `${ROTATE} Read it from the environment or a secrets manager instead.`,
  },
];
