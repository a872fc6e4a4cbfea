/**
 * Views of a child's output that `secrets run --redact` matches values in,
 * besides the text itself: the text with JSON escapes decoded (`\uXXXX` of any
 * character, in either case, `\/`, `\"`...), and with URL escapes decoded
 * (`%XX`, `escape()`'s `%uXXXX`, `+` for a space). An encoder that escapes any
 * subset of characters then shows the value itself. Every view drops line
 * breaks (raw or decoded), so that a value wrapped across lines (base64 at 76
 * columns, CRLF or LF) is matched whole.
 *
 * Each decoded character carries the span of output it came from, so that a
 * match masks the escapes, not just one character per escape.
 */

/** Receives one decoded character and the span [start, end) of stream offsets it came from. */
export type Emit = (stream: number, start: number, end: number, code: number) => void;

/** Turns output characters into the characters of one view. */
export interface Decoder {
  /** Reads one output character at `offset` of `stream`. */
  read(stream: number, offset: number, code: number, emit: Emit): void;
  /** The characters of the escape being read, if one is (it is not decided yet). */
  readonly pending: ReadonlyArray<{ stream: number; offset: number }>;
}

const BACKSLASH = 0x5c;
const PERCENT = 0x25;
const PLUS = 0x2b;
const SPACE = 0x20;
const U_LOWER = 0x75;
const U_UPPER = 0x55;

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/** The output as it is. */
export class PlainDecoder implements Decoder {
  readonly pending = [];
  read(stream: number, offset: number, code: number, emit: Emit): void {
    emit(stream, offset, offset + 1, code);
  }
}

/**
 * Shared by the escape decoders: the characters of an escape read so far;
 * when the escape turns out not to be one, they are let through as
 * themselves and the next character is read afresh. An escape may be split
 * between stdout and stderr (in the view of both): the decoded character
 * then stands for its part in the stream where it ends.
 */
abstract class EscapeDecoder implements Decoder {
  protected codes: number[] = [];
  readonly pending: Array<{ stream: number; offset: number }> = [];

  read(stream: number, offset: number, code: number, emit: Emit): void {
    if (this.codes.length === 0) {
      if (!this.begin(stream, offset, code, emit)) emit(stream, offset, offset + 1, code);
      return;
    }
    const done = this.next(code);
    if (done === undefined) {
      this.codes.push(code);
      this.pending.push({ stream, offset });
      return;
    }
    if (done >= 0) {
      let start = offset;
      for (const p of this.pending) if (p.stream === stream) start = Math.min(start, p.offset);
      emit(stream, start, offset + 1, done);
      this.codes = [];
      this.pending.length = 0;
      return;
    }
    this.#literal(emit);
    this.read(stream, offset, code, emit);
  }

  /** Starts an escape at `code` (returns true), or emits it (returns false). */
  protected begin(stream: number, offset: number, code: number, emit: Emit): boolean {
    if (!this.opens(code)) return this.single(stream, offset, code, emit);
    this.codes = [code];
    this.pending.push({ stream, offset });
    return true;
  }

  /** Emits a character that decodes on its own (such as `+`); false when none. */
  protected single(_stream: number, _offset: number, _code: number, _emit: Emit): boolean {
    return false;
  }

  protected abstract opens(code: number): boolean;

  /**
   * With `code` read after the escape so far: the decoded character when the
   * escape is complete, `undefined` when it goes on, -1 when it is no escape.
   */
  protected abstract next(code: number): number | undefined;

  #literal(emit: Emit): void {
    this.codes.forEach((c, i) => {
      const p = this.pending[i] as { stream: number; offset: number };
      emit(p.stream, p.offset, p.offset + 1, c);
    });
    this.codes = [];
    this.pending.length = 0;
  }
}

const JSON_SIMPLE: ReadonlyMap<number, number> = new Map(
  [
    ['"', '"'],
    ["\\", "\\"],
    ["/", "/"],
    ["b", "\b"],
    ["f", "\f"],
    ["n", "\n"],
    ["r", "\r"],
    ["t", "\t"],
  ].map(([k, v]) => [(k as string).charCodeAt(0), (v as string).charCodeAt(0)]),
);

/** JSON string escapes: `\uXXXX` (either case) and the two-character ones. */
export class JsonDecoder extends EscapeDecoder {
  protected opens(code: number): boolean {
    return code === BACKSLASH;
  }

  protected next(code: number): number | undefined {
    const n = this.codes.length;
    if (n === 1) {
      if (code === U_LOWER) return undefined;
      return JSON_SIMPLE.get(code) ?? -1;
    }
    if (hexValue(code) < 0) return -1;
    if (n < 5) return undefined;
    let v = 0;
    for (const c of [...this.codes.slice(2), code]) v = v * 16 + hexValue(c);
    return v;
  }
}

/** URL escapes: `%XX` (a byte, compared as latin1), `%uXXXX` (`escape()`), and `+` for a space. */
export class UrlDecoder extends EscapeDecoder {
  protected opens(code: number): boolean {
    return code === PERCENT;
  }

  protected override single(stream: number, offset: number, code: number, emit: Emit): boolean {
    if (code !== PLUS) return false;
    emit(stream, offset, offset + 1, SPACE);
    return true;
  }

  protected next(code: number): number | undefined {
    const n = this.codes.length;
    if (n === 1 && (code === U_LOWER || code === U_UPPER)) return undefined;
    if (hexValue(code) < 0) return -1;
    const wide = this.codes[1] === U_LOWER || this.codes[1] === U_UPPER;
    if (n < (wide ? 5 : 2)) return undefined;
    let v = 0;
    for (const c of [...this.codes.slice(wide ? 2 : 1), code]) v = v * 16 + hexValue(c);
    return v;
  }
}
