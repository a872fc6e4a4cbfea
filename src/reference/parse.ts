import { InvalidReferenceError } from "../errors.js";
import { redact } from "../redact.js";
import type { ParsedRef, ReferenceSpec } from "../types.js";
import { BUILTIN_SCHEMES, type SchemeProblem, type SchemeRule } from "./schemes.js";

// Hand-written rather than WHATWG `URL`: ARNs put ':' in the "host", SSM
// names need a leading '/', and URL would silently percent-encode or lowercase
// parts that are case-sensitive secret names.

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
const FIELD_SEGMENT = /^[A-Za-z0-9_$@-]+$/;
const OPTION_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

// Names people reach for first, mapped to the scheme they mean.
const SCHEME_ALIASES: Record<string, string> = {
  "aws-secrets": "aws-sm",
  "aws-secretsmanager": "aws-sm",
  "aws-secrets-manager": "aws-sm",
  secretsmanager: "aws-sm",
  ssm: "aws-ssm",
  "aws-parameter-store": "aws-ssm",
  "aws-ps": "aws-ssm",
  gcp: "gcp-sm",
  "gcp-secrets": "gcp-sm",
  "gcp-secret-manager": "gcp-sm",
  "google-sm": "gcp-sm",
  azure: "azure-kv",
  "azure-keyvault": "azure-kv",
  keyvault: "azure-kv",
  akv: "azure-kv",
  hashicorp: "vault",
  "hashicorp-vault": "vault",
  openbao: "vault",
  bao: "vault",
  environment: "env",
  process: "env",
};

/**
 * Custom schemes a client knows besides the built-in ones, with their rules.
 *
 * @example
 * ```ts
 * const custom: CustomSchemes = new Map([["mem", { options: ["ttl"], example: "mem://key" }]]);
 * parseReference("mem://key?ttl=5", custom);
 * ```
 */
export type CustomSchemes = ReadonlyMap<string, ReferenceSpec>;

/**
 * How a reference may be shown in errors. A value passed where its reference
 * belongs (`getSecret(process.env.DATABASE_URL)`) must not be echoed: input
 * without "://" is shown whole only when it looks like an environment
 * variable name, URL credentials (`user:pass@`) are masked, and every loaded
 * value is masked by `redact()`.
 *
 * @example
 * ```ts
 * displayReference("not-a-reference-value"); // "not-…(21 characters)"
 * displayReference("postgres://app:pw@db/app"); // "postgres://app:***@db/app"
 * ```
 */
export function displayReference(raw: string): string {
  const sep = raw.indexOf("://");
  if (sep !== -1) {
    const masked = raw.replace(/^([^:/?#]*:\/\/[^:/?#@]*):[^@/?#]*@/, "$1:***@");
    return redact(masked);
  }
  if (/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$|^[A-Z][A-Z0-9]{0,11}$/.test(raw)) return raw;
  return raw.length <= 4 ? raw : `${raw.slice(0, 4)}…(${raw.length} characters)`;
}

function fail(raw: string, p: SchemeProblem, fallbackExample: string, cause?: unknown): never {
  const safe = displayReference(raw);
  const hide = (s: string) => redact(s.split(raw).join(safe));
  throw new InvalidReferenceError({
    reference: safe,
    part: hide(p.part),
    problem: hide(p.problem),
    // An example derived from input that is not shown whole could echo it.
    example: safe === raw ? hide(p.example ?? fallbackExample) : hide(GENERIC_EXAMPLE),
    ...(cause === undefined ? {} : { cause }),
  });
}

const GENERIC_EXAMPLE = "env://PAYMENT_API_KEY";

function customRule(spec: ReferenceSpec, scheme: string): SchemeRule {
  const options: Record<string, RegExp> = {};
  for (const name of spec.options ?? []) options[name] = /^.+$/;
  return {
    example: spec.example ?? `${scheme}://path/to/secret`,
    options,
    path(path, opts) {
      const problem = spec.validatePath?.(path);
      return problem ? { problem, part: path } : { path, options: opts };
    },
  };
}

function ruleFor(scheme: string, custom: CustomSchemes | undefined): SchemeRule | undefined {
  const spec = custom?.get(scheme);
  if (spec) return BUILTIN_SCHEMES[scheme] ?? customRule(spec, scheme);
  return BUILTIN_SCHEMES[scheme];
}

function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const score = distance(word, c);
    if (score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return bestScore <= Math.max(2, Math.floor(word.length / 2)) ? best : undefined;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] ?? 0;
      row[j] = Math.min(
        (row[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        prev + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      prev = tmp;
    }
  }
  return row[b.length] ?? 0;
}

function parseOptions(raw: string, query: string, rule: SchemeRule): Record<string, string> {
  const options: Record<string, string> = {};
  if (query === "")
    fail(raw, { problem: "'?' must be followed by name=value options", part: "?" }, rule.example);
  for (const pair of query.split("&")) {
    const eq = pair.indexOf("=");
    const name = eq === -1 ? pair : pair.slice(0, eq);
    const allowed = Object.keys(rule.options);
    if (!OPTION_NAME.test(name) || !(name in rule.options)) {
      const hint = allowed.length
        ? `allowed options: ${allowed.join(", ")}`
        : "this scheme takes no options";
      const near = closest(name, allowed);
      fail(
        raw,
        {
          problem: `unknown option "${name}" (${hint}${near ? `; did you mean "${near}"?` : ""})`,
          part: pair || "&",
        },
        rule.example,
      );
    }
    if (eq === -1 || eq === pair.length - 1) {
      fail(raw, { problem: `option "${name}" needs a value`, part: pair }, rule.example);
    }
    if (Object.hasOwn(options, name))
      fail(raw, { problem: `option "${name}" is given twice`, part: name }, rule.example);
    let value: string;
    try {
      value = decodeURIComponent(pair.slice(eq + 1));
    } catch (cause) {
      fail(raw, { problem: "bad percent-encoding", part: pair }, rule.example, cause);
    }
    const check = rule.options[name];
    const valid = check instanceof RegExp ? check.test(value) : check?.includes(value);
    if (!valid) {
      const expected = Array.isArray(check) ? ` (one of ${check.join(", ")})` : "";
      fail(raw, { problem: `bad value for option "${name}"${expected}`, part: pair }, rule.example);
    }
    options[name] = value;
  }
  return options;
}

function parseField(raw: string, fragment: string, example: string): string[] {
  const segments = fragment.split(".");
  for (const s of segments) {
    if (!FIELD_SEGMENT.test(s)) {
      fail(
        raw,
        {
          problem:
            "a #field is a dot path of non-empty names (letters, digits, _ $ @ -), such as #db.password",
          part: `#${fragment}`,
        },
        example,
      );
    }
  }
  return segments;
}

function canonicalOf(scheme: string, path: string, options: Record<string, string>): string {
  const names = Object.keys(options).sort();
  const query = names.map((n) => `${n}=${encodeURIComponent(options[n] ?? "")}`).join("&");
  return `${scheme}://${path}${query ? `?${query}` : ""}`;
}

/**
 * Parses and validates a secret reference, without any I/O.
 *
 * Throws {@link InvalidReferenceError} naming the reference, the bad part and
 * a corrected example for: a missing or unknown scheme, an empty path, a path
 * the backend would reject, unknown or repeated options, a bad `#field` dot
 * path, and any whitespace or control character.
 *
 * @param raw - the reference, such as `aws-sm://prod/db#password`
 * @param custom - extra schemes registered on a client
 * @example
 * ```ts
 * import { parseReference } from "secrets-loader";
 * parseReference("aws-ssm://prod/db/password");
 * // InvalidReferenceError: ... a hierarchical parameter name must start with '/' ...
 * // Example of a valid reference: aws-ssm:///prod/db/password
 * ```
 */
export function parseReference(raw: string, custom?: CustomSchemes): ParsedRef {
  if (typeof raw !== "string") {
    throw new InvalidReferenceError({
      reference: String(raw),
      part: typeof raw,
      problem: "a reference must be a string",
      example: "env://PAYMENT_API_KEY",
    });
  }
  if (raw.length === 0)
    fail(raw, { problem: "the reference is empty", part: "" }, "env://PAYMENT_API_KEY");
  if (raw.length > 4096)
    fail(
      raw.slice(0, 64),
      { problem: "the reference is longer than 4096 characters", part: "length" },
      "env://PAYMENT_API_KEY",
    );
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  const stray = /[\s\u0000-\u001f\u007f]/.exec(raw);
  if (stray) {
    const what = /\s/.test(stray[0]) ? "whitespace" : "control character";
    // biome-ignore lint/suspicious/noControlCharactersInRegex: as above
    const cleaned = raw.replace(/[\s\u0000-\u001f\u007f]/g, "");
    fail(
      raw,
      {
        problem: `stray ${what} at position ${stray.index}; references never contain spaces or control characters (trim the input)`,
        part: JSON.stringify(stray[0]),
      },
      cleaned || "env://PAYMENT_API_KEY",
    );
  }
  const m = SCHEME.exec(raw);
  if (!m) {
    const sep = raw.indexOf("://");
    if (sep > 0 && !raw.slice(0, sep).includes("/")) {
      fail(
        raw,
        {
          problem: "bad scheme name (letters, digits, '+', '.' or '-', starting with a letter)",
          part: raw.slice(0, sep + 3),
        },
        "env://PAYMENT_API_KEY",
      );
    }
    const colon = raw.indexOf(":");
    const example =
      colon > 0
        ? `${raw.slice(0, colon)}://${raw.slice(colon + 1).replace(/^\/*/, "")}`
        : `env://${raw}`;
    fail(
      raw,
      {
        problem:
          colon > 0
            ? "expected '://' after the scheme"
            : "missing scheme (such as env://, aws-sm://, vault://)",
        part: colon > 0 ? raw.slice(0, colon + 1) : raw,
      },
      example,
    );
  }
  const scheme = (m[1] ?? "").toLowerCase();
  const rule = ruleFor(scheme, custom);
  if (!rule) {
    const known = [...Object.keys(BUILTIN_SCHEMES), ...(custom?.keys() ?? [])];
    const near = SCHEME_ALIASES[scheme] ?? closest(scheme, known);
    fail(
      raw,
      {
        problem: `unknown scheme "${scheme}" (known: ${known.join(", ")}${near ? `; did you mean "${near}"?` : ""})`,
        part: `${scheme}://`,
      },
      near ? `${near}://${raw.slice(m[0].length)}` : "env://PAYMENT_API_KEY",
    );
  }
  let rest = raw.slice(m[0].length);
  let field: string[] | undefined;
  const hash = rest.indexOf("#");
  if (hash !== -1) {
    const fragment = rest.slice(hash + 1);
    if (fragment.includes("#"))
      fail(raw, { problem: "only one '#' is allowed", part: `#${fragment}` }, rule.example);
    if (fragment === "")
      fail(raw, { problem: "'#' must be followed by a field name", part: "#" }, rule.example);
    field = parseField(raw, fragment, rule.example);
    rest = rest.slice(0, hash);
  }
  let options: Record<string, string> = {};
  const q = rest.indexOf("?");
  if (q !== -1) {
    options = parseOptions(raw, rest.slice(q + 1), rule);
    rest = rest.slice(0, q);
  }
  if (rest === "" || /^\/+$/.test(rest)) {
    fail(raw, { problem: "the path is empty", part: `${scheme}://` }, rule.example);
  }
  const checked = rule.path(rest, options);
  if ("problem" in checked) fail(raw, checked, rule.example);
  const combined = rule.combine?.(checked.options);
  if (combined) fail(raw, combined, rule.example);
  const source = canonicalOf(scheme, checked.path, checked.options);
  const ref: ParsedRef = {
    raw,
    scheme,
    path: checked.path,
    options: Object.freeze(checked.options),
    source,
    canonical: field ? `${source}#${field.join(".")}` : source,
    ...(field ? { field: Object.freeze(field) } : {}),
  };
  return Object.freeze(ref);
}

/**
 * The schemes understood without registering anything.
 *
 * @example
 * ```ts
 * import { builtinSchemes } from "secrets-loader";
 * builtinSchemes(); // ["env", "aws-sm", "aws-ssm", "gcp-sm", "azure-kv", "vault"]
 * ```
 */
export function builtinSchemes(): string[] {
  return Object.keys(BUILTIN_SCHEMES);
}
