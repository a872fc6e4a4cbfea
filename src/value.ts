/**
 * Turns a fetched value into what the caller asked for: `#field` selection and
 * `string` / `json` / `binary` shapes. Errors name the reference and the field,
 * never the value (V8's JSON errors quote the input, so they are not kept).
 */

import { looksLikeCredential } from "./credential-shape.js";
import { InvalidValueError } from "./errors.js";
import type { JsonValue, ParsedRef, ValueType } from "./types.js";

const decoder = new TextDecoder("utf-8", { fatal: true });
// Padded standard base64, or unpadded base64url that shows its alphabet ('-'
// or '_'); plain alphanumeric text such as a password is refused, not decoded into noise.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const BASE64URL = /^(?=[A-Za-z0-9]*[-_])[A-Za-z0-9_-]+$/;

function fail(ref: ParsedRef, provider: string, message: string, cause?: unknown): never {
  throw new InvalidValueError({
    provider,
    reference: ref.raw,
    message: `${ref.raw}: ${message}`,
    cause,
  });
}

function asText(value: string | Uint8Array, ref: ParsedRef, provider: string): string {
  if (typeof value === "string") return value;
  try {
    return decoder.decode(value);
  } catch (cause) {
    return fail(
      ref,
      provider,
      'the value is binary, not UTF-8 text; request it with { type: "binary" }',
      cause,
    );
  }
}

function parseJson(text: string, ref: ParsedRef, provider: string, why: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    const cause = new SyntaxError(
      "JSON.parse failed (its message is withheld because it quotes the value)",
    );
    return fail(ref, provider, `the value is not valid JSON, so ${why}`, cause);
  }
}

/**
 * A key that reads like a field name (`password`, `db_host`, `apiKey`): short
 * words, each with a vowel, and nothing a credential detector or the
 * randomness checks of `credential-shape.ts` flag. Anything else may itself be
 * a secret (a token used as a map key) and is never shown in a hint.
 */
function looksLikeFieldName(key: string): boolean {
  if (!/^[A-Za-z_$][A-Za-z0-9_$@-]{0,39}$/.test(key)) return false;
  if ((key.match(/\d/g)?.length ?? 0) > 3) return false;
  const words = key
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .split(/[\s_$@-]+/)
    .filter(Boolean);
  if (!words.every((w) => w.length <= 3 || (w.length <= 14 && /[aeiouy]/i.test(w)))) return false;
  return !looksLikeCredential(key);
}

function select(root: JsonValue, ref: ParsedRef, provider: string): JsonValue {
  let node: JsonValue | undefined = root;
  const path = ref.field ?? [];
  for (let i = 0; i < path.length; i++) {
    const key = path[i] as string;
    if (node !== null && typeof node === "object" && Object.hasOwn(node, key)) {
      node = (node as Record<string, JsonValue>)[key];
    } else {
      const at = path.slice(0, i + 1).join(".");
      const keys = node !== null && typeof node === "object" ? Object.keys(node) : [];
      const named = keys.filter(looksLikeFieldName);
      const masked = keys.length - named.length;
      const list = [
        ...named.slice(0, 20),
        ...(masked > 0 ? [`${masked} more not shown (they look like values, not names)`] : []),
      ];
      const hint = keys.length
        ? ` (fields here: ${list.join(", ")})`
        : " (the value here is not an object)";
      return fail(ref, provider, `field "${at}" is missing${hint}`);
    }
  }
  return node as JsonValue;
}

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === "object" && !Object.isFrozen(v)) {
    for (const child of Object.values(v)) deepFreeze(child);
    Object.freeze(v);
  }
  return v;
}

function base64(text: string, ref: ParsedRef, provider: string): Uint8Array {
  if (BASE64.test(text)) return new Uint8Array(Buffer.from(text, "base64"));
  if (BASE64URL.test(text) && text.length % 4 !== 1)
    return new Uint8Array(Buffer.from(text, "base64url"));
  return fail(ref, provider, "the value is not base64, so it cannot be returned as binary");
}

/**
 * Shapes a raw value for one reference and type. JSON results are deeply
 * frozen because the cache hands the same object to every caller.
 */
export function shapeValue(
  raw: string | Uint8Array,
  ref: ParsedRef,
  type: ValueType,
  provider: string,
): unknown {
  if (ref.field) {
    const leaf = select(
      parseJson(
        asText(raw, ref, provider),
        ref,
        provider,
        `#${ref.field.join(".")} cannot be selected`,
      ),
      ref,
      provider,
    );
    if (type === "json") return deepFreeze(leaf);
    if (type === "binary") {
      if (typeof leaf !== "string") fail(ref, provider, "a binary field must be a base64 string");
      return base64(leaf, ref, provider);
    }
    return typeof leaf === "string" ? leaf : JSON.stringify(leaf);
  }
  if (type === "json")
    return deepFreeze(
      parseJson(asText(raw, ref, provider), ref, provider, "it cannot be returned as json"),
    );
  if (type === "binary") return typeof raw === "string" ? base64(raw, ref, provider) : raw;
  return asText(raw, ref, provider);
}
