/**
 * Views of a child's output that `secrets run --redact` matches values in,
 * besides the text itself: the text with backslash escapes decoded (JSON's
 * `\uXXXX` of any character, in either case, `\/`, `\"`, and `\xHH`), with URL
 * escapes decoded (`%XX`, `escape()`'s `%uXXXX`, `+` for a space), with HTML
 * character references decoded (`&amp;`, `&#x26;`), and with quoted-printable
 * decoded (`=XX`). An encoder that escapes any
 * subset of characters then shows the value itself. Every view drops line
 * breaks (raw or decoded), so that a value wrapped across lines (base64 at 76
 * columns, CRLF or LF) is matched whole.
 *
 * Each decoded character carries the span of output it came from, so that a
 * match masks the escapes, not just one character per escape.
 */

/** Where one output character is: its stream and offset (and its end, when it stands for several). */
export interface At {
  stream: number;
  offset: number;
  end?: number;
}

/**
 * Receives one decoded character and the span [start, end) of stream offsets
 * it came from; `elsewhere` lists the characters of its escape that arrived
 * on another stream (an escape split between stdout and stderr); `decoded`
 * is true when it differs from the output (an escape, `+` for a space).
 */
export type Emit = (
  stream: number,
  start: number,
  end: number,
  code: number,
  elsewhere?: readonly At[],
  decoded?: boolean,
) => void;

/** Turns output characters into the characters of one view. */
export interface Decoder {
  /** Reads one output character at `offset` of `stream`. */
  read(stream: number, offset: number, code: number, emit: Emit): void;
  /** The characters of the escape being read, if one is (it is not decided yet). */
  readonly pending: readonly At[];
  /**
   * Whether `code` may decode to something else than itself. Up to such a
   * character the view reads as the output itself, so the masker follows it
   * with the plain view's state (see `output-masker.ts`).
   */
  triggers(code: number): boolean;
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
  triggers(): boolean {
    return false;
  }
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
export abstract class EscapeDecoder implements Decoder {
  protected codes: number[] = [];
  readonly pending: At[] = [];

  read(stream: number, offset: number, code: number, emit: Emit): void {
    this.readSpan(stream, offset, offset + 1, code, emit);
  }

  /** Reads a character that stands for the output [start, end) (from a view before this one). */
  readSpan(stream: number, start: number, end: number, code: number, emit: Emit): void {
    if (this.codes.length === 0) {
      if (!this.begin(stream, start, end, code, emit)) emit(stream, start, end, code);
      return;
    }
    const done = this.next(code);
    if (done === undefined) {
      this.codes.push(code);
      this.pending.push({ stream, offset: start, end });
      return;
    }
    if (done >= 0) {
      let from = start;
      for (const p of this.pending) if (p.stream === stream) from = Math.min(from, p.offset);
      const elsewhere = this.pending.filter((p) => p.stream !== stream);
      const also = elsewhere.length ? elsewhere : undefined;
      if (done > 0xffff) {
        // Outside the BMP (&#x1F600;): the two UTF-16 code units the value holds.
        emit(stream, from, end, 0xd800 + ((done - 0x10000) >> 10), also, true);
        emit(stream, from, end, 0xdc00 + ((done - 0x10000) & 0x3ff), also, true);
      } else emit(stream, from, end, done, also, true);
      this.codes = [];
      this.pending.length = 0;
      return;
    }
    this.#literal(emit);
    this.readSpan(stream, start, end, code, emit);
  }

  /** Starts an escape at `code` (returns true), or emits it (returns false). */
  protected begin(stream: number, start: number, end: number, code: number, emit: Emit): boolean {
    if (!this.opens(code)) return this.single(stream, start, end, code, emit);
    this.codes = [code];
    this.pending.push({ stream, offset: start, end });
    return true;
  }

  /** Emits a character that decodes on its own (such as `+`); false when none. */
  protected single(
    _stream: number,
    _start: number,
    _end: number,
    _code: number,
    _emit: Emit,
  ): boolean {
    return false;
  }

  protected abstract opens(code: number): boolean;

  triggers(code: number): boolean {
    return this.opens(code);
  }

  /**
   * With `code` read after the escape so far: the decoded character when the
   * escape is complete, `undefined` when it goes on, -1 when it is no escape.
   */
  protected abstract next(code: number): number | undefined;

  #literal(emit: Emit): void {
    this.codes.forEach((c, i) => {
      const p = this.pending[i] as At;
      emit(p.stream, p.offset, p.end ?? p.offset + 1, c);
    });
    this.codes = [];
    this.pending.length = 0;
  }
}

const JSON_SIMPLE: ReadonlyMap<number, number> = new Map(
  [
    ['"', '"'],
    ["'", "'"],
    ["\\", "\\"],
    ["/", "/"],
    ["b", "\b"],
    ["f", "\f"],
    ["n", "\n"],
    ["r", "\r"],
    ["t", "\t"],
  ].map(([k, v]) => [(k as string).charCodeAt(0), (v as string).charCodeAt(0)]),
);
const X_LOWER = 0x78;

/**
 * Backslash escapes of JSON and of string literals in JavaScript, Python and
 * Go: `\uXXXX` (either case), `\xHH`, and the two-character ones (`\"`,
 * `\'`, `\/`, `\n`...).
 */
export class JsonDecoder extends EscapeDecoder {
  protected opens(code: number): boolean {
    return code === BACKSLASH;
  }

  protected next(code: number): number | undefined {
    const n = this.codes.length;
    if (n === 1) {
      if (code === U_LOWER || code === X_LOWER) return undefined;
      return JSON_SIMPLE.get(code) ?? -1;
    }
    if (hexValue(code) < 0) return -1;
    const digits = this.codes[1] === X_LOWER ? 2 : 4;
    if (n < digits + 1) return undefined;
    let v = 0;
    for (const c of [...this.codes.slice(2), code]) v = v * 16 + hexValue(c);
    return v;
  }
}

const SEMICOLON = 0x3b;
const HASH = 0x23;
/** Named character references a value's characters are commonly written as. */
const HTML_NAMED: ReadonlyMap<string, number> = new Map(
  Object.entries({
    amp: "&",
    lt: "<",
    gt: ">",
    quot: '"',
    apos: "'",
    sol: "/",
    equals: "=",
    plus: "+",
    colon: ":",
    semi: ";",
    commat: "@",
    percnt: "%",
    num: "#",
    excl: "!",
    quest: "?",
    dollar: "$",
    lowbar: "_",
    lpar: "(",
    rpar: ")",
    comma: ",",
    period: ".",
    ast: "*",
    lsqb: "[",
    rsqb: "]",
    lcub: "{",
    rcub: "}",
    grave: "`",
    tilde: "~",
    bsol: "\\",
    Hat: "^",
    verbar: "|",
    nbsp: "\u00a0",
  }).map(([k, v]) => [k, v.charCodeAt(0)]),
);

/** HTML character references: `&amp;`, `&#38;`, `&#x26;` (either case) and the names above. */
export class HtmlDecoder extends EscapeDecoder {
  protected opens(code: number): boolean {
    return code === 0x26;
  }

  protected next(code: number): number | undefined {
    if (code !== SEMICOLON) {
      const ok = (code >= 0x30 && code <= 0x39) || ((code | 0x20) >= 0x61 && (code | 0x20) <= 0x7a);
      const hash = code === HASH && this.codes.length === 1;
      return (ok || hash) && this.codes.length < 10 ? undefined : -1;
    }
    const body = String.fromCharCode(...this.codes.slice(1));
    if (body.startsWith("#")) {
      const hex = /^#[xX]([0-9a-fA-F]{1,6})$/.exec(body);
      const dec = /^#([0-9]{1,7})$/.exec(body);
      const v = hex ? Number.parseInt(hex[1] as string, 16) : dec ? Number(dec[1]) : -1;
      return v >= 0 && v <= 0x10ffff ? v : -1;
    }
    return HTML_NAMED.get(body) ?? -1;
  }
}

/**
 * Quoted-printable (MIME): `=XX` (a byte, compared as latin1) and `=` at the
 * end of a line (a soft line break, read as a line break, which views drop).
 */
export class QuotedPrintableDecoder extends EscapeDecoder {
  protected opens(code: number): boolean {
    return code === 0x3d;
  }

  protected next(code: number): number | undefined {
    if (this.codes.length === 1 && (code === 10 || code === 13)) return 10;
    if (hexValue(code) < 0) return -1;
    if (this.codes.length < 2) return undefined;
    return hexValue(this.codes[1] as number) * 16 + hexValue(code);
  }
}

/** URL escapes: `%XX` (a byte, compared as latin1), `%uXXXX` (`escape()`), and `+` for a space. */
export class UrlDecoder extends EscapeDecoder {
  protected opens(code: number): boolean {
    return code === PERCENT;
  }

  protected override single(
    stream: number,
    start: number,
    end: number,
    code: number,
    emit: Emit,
  ): boolean {
    if (code !== PLUS) return false;
    emit(stream, start, end, SPACE, undefined, true);
    return true;
  }

  override triggers(code: number): boolean {
    return code === PERCENT || code === PLUS;
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

/**
 * Escapes nested twice: a JSON string inside a JSON string (`\\u0026`), a
 * URL-encoded value URL-encoded again (`%2526`). The second decoder reads
 * what the first one decodes.
 */
export class TwiceDecoder implements Decoder {
  readonly #emit: Emit;
  #out: Emit = () => {};

  constructor(
    private readonly first: EscapeDecoder,
    private readonly second: EscapeDecoder,
  ) {
    this.#emit = (stream, start, end, code) =>
      this.second.readSpan(stream, start, end, code, this.#out);
  }

  get pending(): readonly At[] {
    return [...this.first.pending, ...this.second.pending];
  }

  triggers(code: number): boolean {
    return this.first.triggers(code);
  }

  read(stream: number, offset: number, code: number, emit: Emit): void {
    // A character of several output characters counts as decoded (for the masker's view tying).
    this.#out = (s, start, end, c, elsewhere, decoded) =>
      emit(s, start, end, c, elsewhere, decoded || end - start > 1);
    this.first.read(stream, offset, code, this.#emit);
  }
}
