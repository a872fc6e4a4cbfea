/**
 * The default route name of a request without a matched route template: the method and the
 * path with every segment that looks like an id or a secret replaced by `:id`, so a key pasted
 * into a URL never reaches the usage log or an alert, and ids do not read as new routes.
 */

/** A key of this module's format: a prefix, then 39 base62 characters. */
const KEY_SHAPED = /[a-z][a-z0-9]*(?:_[a-z0-9]+)*_[0-9A-Za-z]{39}/;
const MAX_SEGMENTS = 12;
const MAX_SEGMENT_LENGTH = 48;

/** Shannon entropy of `s` in bits (per character times length). */
function entropyBits(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h * s.length;
}

/** True when a path segment should not be logged as is. */
function idLike(segment: string): boolean {
  if (segment.length > MAX_SEGMENT_LENGTH || segment.includes("%")) return true;
  if (KEY_SHAPED.test(segment)) return true;
  // Numbers, and anything mixing digits into 8 characters or more (hex, UUIDs, tokens).
  if (/^\d+$/.test(segment)) return true;
  if (segment.length >= 8 && /\d/.test(segment)) return true;
  // Random-looking text without digits (base64 of letters only is rare but possible).
  return segment.length >= 16 && entropyBits(segment) >= 56;
}

/**
 * `GET /v1/keys/:id` from `GET` and `/v1/keys/acme_live_…?x=1`: the query is dropped, id-like
 * or secret-looking segments become `:id`, and a path deeper than 12 segments is cut (`/…`).
 *
 * @example
 * ```ts
 * routeName("GET", "/v1/orders/8f14e45f-ceea-467f-a0e6-7a2b0c1d3e4f"); // "GET /v1/orders/:id"
 * ```
 */
export function routeName(method: string, url: string): string {
  const q = url.search(/[?#]/);
  const path = q === -1 ? url : url.slice(0, q);
  const parts = path.split("/");
  const out = parts
    .slice(0, MAX_SEGMENTS + 1)
    .map((segment) => (segment !== "" && idLike(segment) ? ":id" : segment));
  const tail = parts.length > MAX_SEGMENTS + 1 ? "/…" : "";
  const verb = /^[A-Z]{1,16}$/.test(method) ? method : "OTHER";
  return `${verb} ${out.join("/")}${tail}`;
}
