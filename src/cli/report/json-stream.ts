/**
 * Pretty-printed JSON written in pieces. A scan can report 100,000
 * findings: one `JSON.stringify(report, null, 2)` builds the whole ~30 MB
 * string, then a second copy as bytes, which cost more than the scan.
 * This writes the same text, byte for byte, in chunks of about 1 MB.
 */

/** Keys left out of every object (internal fields such as a finding's digest). */
export type OmitKeys = ReadonlySet<string>;

const CHUNK = 1 << 20;

const quotedKeys = new Map<string, string>();

function quoteKey(k: string): string {
  let q = quotedKeys.get(k);
  if (q === undefined) {
    q = JSON.stringify(k);
    // Keys are field names: a handful per report, cached.
    if (quotedKeys.size < 1024) quotedKeys.set(k, q);
  }
  return q;
}

/**
 * Writes `value` as `JSON.stringify(value, null, 2) + "\n"` would, through
 * `write`, in chunks; keys in `omit` are left out of every object.
 *
 * @example
 * ```ts
 * writeJson({ findings: [] }, (s) => process.stdout.write(s));
 * ```
 */
export function writeJson(
  value: unknown,
  write: (chunk: string) => void,
  omit: OmitKeys = new Set(),
): void {
  let buf = "";
  const flush = () => {
    if (buf.length > 0) write(buf);
    buf = "";
  };
  const emit = (v: unknown, indent: string): void => {
    if (v === null || typeof v !== "object") {
      buf += JSON.stringify(v) ?? "null";
      return;
    }
    if (typeof (v as { toJSON?: unknown }).toJSON === "function") {
      // Dates and the like: as JSON.stringify would print them.
      buf += JSON.stringify(v, null, 2).replaceAll("\n", `\n${indent}`);
      return;
    }
    const inner = `${indent}  `;
    if (Array.isArray(v)) {
      if (v.length === 0) {
        buf += "[]";
        return;
      }
      buf += "[";
      for (let i = 0; i < v.length; i++) {
        buf += i === 0 ? `\n${inner}` : `,\n${inner}`;
        const item = v[i];
        if (item === undefined || typeof item === "function" || typeof item === "symbol") {
          buf += "null";
        } else emit(item, inner);
        if (buf.length >= CHUNK) flush();
      }
      buf += `\n${indent}]`;
      return;
    }
    let first = true;
    for (const k of Object.keys(v)) {
      if (omit.has(k)) continue;
      const item = (v as Record<string, unknown>)[k];
      if (item === undefined || typeof item === "function" || typeof item === "symbol") continue;
      buf += first ? `{\n${inner}` : `,\n${inner}`;
      first = false;
      buf += `${quoteKey(k)}: `;
      emit(item, inner);
    }
    buf += first ? "{}" : `\n${indent}}`;
  };
  emit(value, "");
  buf += "\n";
  flush();
}
