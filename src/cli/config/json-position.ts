/**
 * Finds where JSON text stops being valid, as a line and column, without
 * quoting any of it: V8's JSON.parse message copies part of the input, and a
 * config file that holds a pasted key must not have it echoed to stderr.
 */

/** A 1-based line and column. */
export interface JsonPosition {
  line: number;
  column: number;
}

class Stop extends Error {
  constructor(readonly at: number) {
    super("json error");
  }
}

/**
 * Returns the offset of the first character that makes `text` invalid JSON
 * (`text.length` when it ends too early), or undefined when it is valid.
 *
 * @example
 * ```ts
 * jsonErrorOffset('{"a": }'); // 6
 * ```
 */
export function jsonErrorOffset(text: string): number | undefined {
  let i = 0;
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i] as string)) i++;
  };
  const expect = (word: string) => {
    for (const ch of word) {
      if (text[i] !== ch) throw new Stop(i);
      i++;
    }
  };
  const string = () => {
    expect('"');
    for (;;) {
      if (i >= text.length) throw new Stop(i);
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) throw new Stop(i);
      if (c === 0x5c) {
        i++;
        const e = text[i];
        if (e === "u") {
          i++;
          for (let k = 0; k < 4; k++, i++)
            if (!/[0-9a-fA-F]/.test(text[i] ?? "")) throw new Stop(i);
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) throw new Stop(i);
      }
      i++;
    }
  };
  const number = () => {
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === "" || m[0] === "-") throw new Stop(i + (m?.[0].length ?? 0));
    i += m[0].length;
  };
  const value = (depth: number): void => {
    if (depth > 2_000) throw new Stop(i);
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      ws();
      if (text[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        ws();
        string();
        ws();
        expect(":");
        value(depth + 1);
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        expect("}");
        return;
      }
    }
    if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (;;) {
        value(depth + 1);
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        expect("]");
        return;
      }
    }
    if (c === '"') string();
    else if (c === "t") expect("true");
    else if (c === "f") expect("false");
    else if (c === "n") expect("null");
    else if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) number();
    else throw new Stop(i);
  };
  try {
    if (text.charCodeAt(0) === 0xfeff) i = 1;
    value(0);
    ws();
    if (i < text.length) throw new Stop(i);
    return undefined;
  } catch (err) {
    if (err instanceof Stop) return Math.min(err.at, text.length);
    throw err;
  }
}

/**
 * Turns an offset into a 1-based line and column.
 *
 * @example
 * ```ts
 * lineColumn("{\n  x", 4); // { line: 2, column: 3 }
 * ```
 */
export function lineColumn(text: string, offset: number): JsonPosition {
  let line = 1;
  let start = 0;
  for (let k = 0; k < offset && k < text.length; k++) {
    if (text[k] === "\n") {
      line++;
      start = k + 1;
    }
  }
  return { line, column: offset - start + 1 };
}
