import { InvalidReferenceError } from "../errors.js";
import { redact } from "../redact.js";
import type { ParsedRef, ReferenceRule, RuleProblem } from "../types.js";
import { closest, schemeOf } from "../util/text.js";
import type { SchemeTable } from "./table.js";

// Hand-written rather than WHATWG `URL`: ARNs put ':' in the "host", SSM
// names need a leading '/', and URL would silently percent-encode or lowercase
// parts that are case-sensitive secret names.

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
const FIELD_SEGMENT = /^[A-Za-z0-9_$@-]+$/;
const OPTION_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

/**
 * How a reference may be shown in errors. A value passed where its reference
 * belongs (`getSecret(process.env.DATABASE_URL)`, a webhook or SAS URL) must
 * not be echoed: input that does not parse as a reference is shown as its
 * scheme plus at most 4 more characters; input without a scheme is shown
 * whole only when it looks like an environment variable name. Every loaded
 * value is also masked by `redact()`.
 *
 * @param parsed - true when `raw` parsed as a reference (it is then shown whole, with URL credentials masked)
 * @example
 * ```ts
 * displayReference("https://hooks.example.com/T0/B0/XyZ"); // "https://hook…(35 characters)"
 * displayReference("not-a-reference-value"); // "not-…(21 characters)"
 * displayReference("hunter2"); // "…(7 characters)"
 * displayReference("aws-sm://prod/db", true); // "aws-sm://prod/db"
 * ```
 */
export function displayReference(raw: string, parsed = false): string {
  if (typeof raw !== "string") return typeof raw;
  const sep = raw.indexOf("://");
  if (parsed && sep !== -1) {
    return redact(raw.replace(/^([^:/?#]*:\/\/[^:/?#@]*):[^@/?#]*@/, "$1:***@"));
  }
  const scheme = schemeOf(raw);
  if (scheme !== undefined) {
    const head = raw.slice(0, raw.indexOf("://") + 3);
    if (head === raw) return raw; // a scheme and nothing else
    return `${head}${preview(raw.slice(head.length))}…(${raw.length} characters)`;
  }
  if (raw === "" || /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$|^[A-Z][A-Z0-9]{0,11}$/.test(raw)) return raw;
  return `${preview(raw)}…(${raw.length} characters)`;
}

/** At most 4 characters, and only of text long enough (12+) that they are a small part of it. */
function preview(text: string): string {
  return text.length >= 12 ? redact(text.slice(0, 4)) : "";
}

/**
 * Input that may carry a credential rather than a reference (URL userinfo,
 * query-like or percent-encoded text, control characters, great length):
 * parts and examples derived from it are then not shown.
 */
function suspicious(raw: string): boolean {
  const rest = raw.slice(raw.indexOf("://") + 3).split(/[?#]/)[0] ?? "";
  return (
    raw.length > 256 ||
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are the point
    /[\s\u0000-\u001f\u007f%{}"']/.test(raw) ||
    (/@/.test(rest) && /:/.test(rest.split("@")[0] ?? ""))
  );
}

/** A part from suspicious input: shown only when it is structure (a quoted stray character, an option name). */
function clip(text: string): string {
  if (text.length <= 4 || /^"(\\u[0-9a-f]{4}|\\.|.)"$|^[A-Za-z][A-Za-z0-9_-]*=…$/.test(text))
    return text;
  return `${text.slice(0, 4)}…`;
}

function fail(raw: string, p: RuleProblem, ruleExample: string, cause?: unknown): never {
  const safe = displayReference(raw);
  const hostile = suspicious(raw);
  const hide = (s: string) => redact(s.split(raw).join(safe));
  throw new InvalidReferenceError({
    reference: safe,
    part: hostile ? clip(hide(p.part)) : hide(p.part),
    problem: hide(p.problem),
    // An example derived from input that may carry a credential could echo it.
    example: redact(hostile ? ruleExample : (p.example ?? ruleExample)),
    ...(cause === undefined ? {} : { cause }),
  });
}

const GENERIC_EXAMPLE = "env://PAYMENT_API_KEY";

function parseOptions(raw: string, query: string, rule: ReferenceRule): Record<string, string> {
  const allowedOptions = rule.options ?? {};
  const options: Record<string, string> = {};
  if (query === "")
    fail(raw, { problem: "'?' must be followed by name=value options", part: "?" }, rule.example);
  for (const pair of query.split("&")) {
    const eq = pair.indexOf("=");
    const name = eq === -1 ? pair : pair.slice(0, eq);
    const allowed = Object.keys(allowedOptions);
    if (!OPTION_NAME.test(name) || !Object.hasOwn(allowedOptions, name)) {
      const hint = allowed.length
        ? `allowed options: ${allowed.join(", ")}`
        : "this scheme takes no options";
      const near = closest(name, allowed);
      fail(
        raw,
        {
          problem: `unknown option "${name}" (${hint}${near ? `; did you mean "${near}"?` : ""})`,
          part: eq === -1 ? pair || "&" : `${name}=…`,
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
      fail(raw, { problem: "bad percent-encoding", part: `${name}=…` }, rule.example, cause);
    }
    const check = allowedOptions[name];
    const valid = check instanceof RegExp ? check.test(value) : check?.includes(value);
    if (!valid) {
      const expected = Array.isArray(check) ? ` (one of ${check.join(", ")})` : "";
      fail(
        raw,
        { problem: `bad value for option "${name}"${expected}`, part: `${name}=…` },
        rule.example,
      );
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
 * @param table - the schemes to accept, with their rules (the composition root passes the built-ins')
 * @example
 * ```ts
 * import { parseReference } from "secrets-loader";
 * parseReference("aws-ssm://prod/db/password"); // the root's parser: the built-in table
 * // InvalidReferenceError: ... a hierarchical parameter name must start with '/' ...
 * // Example of a valid reference: aws-ssm:///prod/db/password
 * ```
 */
export function parseReference(raw: string, table: SchemeTable): ParsedRef {
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
    fail(
      raw,
      {
        problem: `stray ${what} at position ${stray.index}; references never contain spaces or control characters (trim the input)`,
        part: JSON.stringify(stray[0]),
      },
      GENERIC_EXAMPLE,
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
    // Examples built from the input only where it is plainly a reference
    // (a known scheme, or a variable name shown whole): never from a value.
    const written = colon > 0 ? table.resolve(raw.slice(0, colon).toLowerCase()) : undefined;
    const example = written
      ? `${raw.slice(0, colon)}://${raw.slice(colon + 1).replace(/^\/*/, "")}`
      : colon <= 0 && displayReference(raw) === raw && /^[A-Za-z_][A-Za-z0-9_]*$/.test(raw)
        ? `env://${raw}`
        : GENERIC_EXAMPLE;
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
  const written = (m[1] ?? "").toLowerCase();
  const resolved = table.resolve(written);
  if (!resolved) {
    const known = table.schemes();
    const near = table.suggest(written) ?? closest(written, known);
    fail(
      raw,
      {
        problem: `unknown scheme "${written}" (known: ${known.join(", ")}${near ? `; did you mean "${near}"?` : ""})`,
        part: `${written}://`,
        example: near ? `${near}://${raw.slice(m[0].length)}` : GENERIC_EXAMPLE,
      },
      (near && table.resolve(near)?.rule.example) || GENERIC_EXAMPLE,
    );
  }
  const { scheme, rule } = resolved;
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
  const checked = rule.path ? rule.path(rest, options) : { path: rest, options };
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
