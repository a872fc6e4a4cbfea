/**
 * The spellings of a value that `secrets run --redact` must mask, written
 * here independently of `src/cli/encoded-forms.ts` (as the programs that
 * print them do), for the redaction tests and the child they run.
 * Type-only syntax, so that Node runs the child's import of it as is.
 */

const b64 = (v: string) => Buffer.from(v).toString("base64");
const hex4 = (code: number) => code.toString(16).padStart(4, "0");
/** Every UTF-16 code unit as `\uXXXX`. */
const everyCharJson = (v: string) =>
  [...Array(v.length).keys()].map((i) => `\\u${hex4(v.charCodeAt(i))}`).join("");
const wrap = (s: string, width: number, eol: string) =>
  (s.match(new RegExp(`.{1,${width}}`, "g")) ?? []).join(eol);

/** Name of a spelling (as the tests report it) and how to spell a value so. */
export const ENCODINGS: Readonly<Record<string, (v: string) => string>> = {
  "as is": (v) => v,
  "JSON.stringify": (v) => JSON.stringify(v),
  "JSON with non-ASCII as \\uXXXX (Python json.dumps)": (v) =>
    JSON.stringify(v).replace(/[\u0080-\uffff]/g, (c) => `\\u${hex4(c.charCodeAt(0))}`),
  "JSON with & < > as \\u0026 (Go encoding/json)": (v) =>
    JSON.stringify(v).replace(/[&<>]/g, (c) => `\\u${hex4(c.charCodeAt(0))}`),
  "JSON with / as \\/ and non-ASCII as \\uXXXX (PHP json_encode)": (v) =>
    JSON.stringify(v)
      .replaceAll("/", "\\/")
      .replace(/[\u0080-\uffff]/g, (c) => `\\u${hex4(c.charCodeAt(0))}`),
  "JSON with every character as \\uXXXX": (v) => `"${everyCharJson(v)}"`,
  "JSON with every character as \\uXXXX, upper-case hex": (v) =>
    `"${everyCharJson(v).replace(/\\u(....)/g, (_, h: string) => `\\u${h.toUpperCase()}`)}"`,
  "JSON with every other character as \\uXXXX": (v) =>
    [...Array(v.length).keys()]
      .map((i) => (i % 2 ? `\\u${hex4(v.charCodeAt(i))}` : JSON.stringify(v[i]).slice(1, -1)))
      .join(""),
  "string literal with every UTF-8 byte as \\xHH (Python bytes repr, C)": (v) =>
    [...Buffer.from(v)].map((b) => `\\x${b.toString(16).padStart(2, "0")}`).join(""),
  "HTML-escaped (& < > \" ' as entities)": (v) =>
    v
      .replaceAll("&", "&amp;")
      .replaceAll("<", "&lt;")
      .replaceAll(">", "&gt;")
      .replaceAll('"', "&quot;")
      .replaceAll("'", "&#39;"),
  "HTML with every character as &#xHH; or &#NN;": (v) =>
    [...v]
      .map((c, i) => (i % 2 ? `&#x${c.codePointAt(0)?.toString(16)};` : `&#${c.codePointAt(0)};`))
      .join(""),
  "quoted-printable (every byte =XX, soft line breaks at 76)": (v) =>
    wrap(
      [...Buffer.from(v)].map((b) => `=${b.toString(16).toUpperCase().padStart(2, "0")}`).join(""),
      75,
      "=\r\n",
    ),
  "JSON string inside a JSON string (Go escapes, then escaped again)": (v) =>
    JSON.stringify(JSON.stringify(v).replace(/[&<>]/g, (c) => `\\u${hex4(c.charCodeAt(0))}`)).slice(
      1,
      -1,
    ),
  "URL-encoded twice": (v) => encodeURIComponent(encodeURIComponent(v)),
  encodeURIComponent: (v) => encodeURIComponent(v),
  "encodeURIComponent, lower-case hex": (v) =>
    encodeURIComponent(v).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()),
  encodeURI: (v) => encodeURI(v),
  "escape()": (v) => escape(v),
  "form encoding (URLSearchParams, + for a space)": (v) =>
    new URLSearchParams({ v }).toString().slice(2),
  "every UTF-8 byte percent-encoded": (v) =>
    [...Buffer.from(v)].map((b) => `%${b.toString(16).padStart(2, "0")}`).join(""),
  base64: b64,
  base64url: (v) => Buffer.from(v).toString("base64url"),
  "base64 inside HTTP Basic user:password (3 alignments)": (v) =>
    ["u", "us", "usr"].map((u) => b64(`${u}:${v}`)).join(" "),
  "base64 wrapped at 76 columns, LF (coreutils base64)": (v) => wrap(b64(v), 76, "\n"),
  "base64 wrapped at 76 columns, CRLF (MIME)": (v) => wrap(b64(v), 76, "\r\n"),
  "base64 wrapped at 64 columns, LF (PEM)": (v) => wrap(b64(v), 64, "\n"),
  "base64 wrapped at 120 columns, CRLF": (v) => wrap(b64(v), 120, "\r\n"),
  "base64 of user:password wrapped at 76 columns, LF": (v) => wrap(b64(`usr:${v}`), 76, "\n"),
  "hex, lower case": (v) => Buffer.from(v).toString("hex"),
  "hex, upper case": (v) => Buffer.from(v).toString("hex").toUpperCase(),
};
