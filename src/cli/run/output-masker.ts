/**
 * Masks secret values in a child's stdout and stderr as they stream by.
 *
 * Each stream is matched on its own, and both together in arrival order, so
 * that a value written half to stdout and half to stderr (which a terminal
 * shows joined) is masked too. Each is read through several views (as is,
 * with backslash, URL, HTML and quoted-printable escapes decoded, all
 * without line breaks: `decoders.ts`). Text
 * that could be the start of a value is held back until it is decided: at
 * the latest until `holdMs`, or the next line break for a start shorter than
 * {@link MIN_MASKED_LENGTH}. When the wait runs out, a held start of
 * {@link MIN_MASKED_LENGTH} characters or more is masked and shorter ones are
 * let through; either way the match goes on, so the rest of a value that
 * arrives later is still masked.
 */

import { MIN_MASKED_LENGTH } from "../masking.js";
import {
  type At,
  type Decoder,
  type Emit,
  HtmlDecoder,
  JsonDecoder,
  PlainDecoder,
  QuotedPrintableDecoder,
  TwiceDecoder,
  UrlDecoder,
} from "./decoders.js";
import { MatchState, PatternSet } from "./matcher.js";

/** Where one stream stands: text not yet let out, and the parts of it to mask. */
class StreamState {
  /** Text read but not yet let out; `base` is the stream offset of its first character. */
  text = "";
  base = 0;
  /** Offset of the next character to arrive. */
  next = 0;
  /** Ranges [start, end) of stream offsets to mask (may reach before `base`). */
  masks: Array<[number, number]> = [];
  /** Whether the last thing let out was a mask (adjacent masks print once). */
  lastMasked = false;
}

/**
 * One view of the text (one stream, or all of them in arrival order; as it
 * is, or with backslash, URL, HTML or quoted-printable escapes decoded) with its match state and a ring of the
 * last characters read (stream and span of offsets), so that a match or a
 * held start can be mapped back to stream offsets.
 */
class Scanner {
  readonly state: MatchState;
  readonly #streams: Uint8Array;
  readonly #starts: Float64Array;
  readonly #ends: Float64Array;
  /** Parts on another stream of the escape a character was decoded from, by ring slot. */
  readonly #elsewhere: Array<readonly At[] | undefined>;
  #count = 0;
  /** `#count` when the last line break was read. */
  #breakAt = -1;
  /** Ring slot (as a count) of the last character that was decoded from an escape. */
  #lastDecoded = Number.NEGATIVE_INFINITY;
  readonly #emit: Emit;
  /**
   * For a decoding view: its state is that of the plain view of the same
   * text, which it does not read meanwhile. Most output has no escapes, and
   * reading it five times over cost five times the time.
   */
  tied = true;

  constructor(
    set: PatternSet,
    private readonly streams: StreamState[],
    private readonly decoder: Decoder,
  ) {
    this.state = new MatchState(set);
    const size = Math.max(1, set.longest);
    this.#streams = new Uint8Array(size);
    this.#starts = new Float64Array(size);
    this.#ends = new Float64Array(size);
    this.#elsewhere = new Array(size).fill(undefined);
    this.#emit = (stream, start, end, code, elsewhere, decoded) => {
      if (decoded) this.#lastDecoded = this.#count;
      // Line breaks are not part of any pattern: a value wrapped across lines is read whole.
      if (code === 10 || code === 13) {
        this.#breakAt = this.#count;
        return;
      }
      const k = this.#count++ % this.#starts.length;
      this.#streams[k] = stream;
      this.#starts[k] = start;
      this.#ends[k] = end;
      this.#elsewhere[k] = elsewhere;
      const matched = this.state.read(code);
      if (matched > 0) this.mark(matched);
    };
  }

  read(stream: number, offset: number, code: number): void {
    if (this.decoder instanceof PlainDecoder) this.#emit(stream, offset, offset + 1, code);
    else this.decoder.read(stream, offset, code, this.#emit);
  }

  /** Whether `code` may decode to something else in this view. */
  triggers(code: number): boolean {
    return this.decoder.triggers(code);
  }

  /**
   * Stops following `plain` (before a character that may start an escape):
   * takes its state, and the ring slots a later match can reach.
   */
  untie(plain: Scanner): void {
    this.tied = false;
    this.state.copyFrom(plain.state);
    this.#count = plain.#count;
    this.#breakAt = plain.#breakAt;
    this.#lastDecoded = Number.NEGATIVE_INFINITY;
    const size = this.#starts.length;
    for (let j = Math.min(plain.state.depth, plain.#count, size); j >= 1; j--) {
      const k = (plain.#count - j) % size;
      this.#streams[k] = plain.#streams[k] as number;
      this.#starts[k] = plain.#starts[k] as number;
      this.#ends[k] = plain.#ends[k] as number;
      this.#elsewhere[k] = plain.#elsewhere[k];
    }
  }

  /**
   * Follows `plain` again once this view is where it is, with no escape in
   * the characters a match could still reach and none being read.
   */
  retie(plain: Scanner): void {
    if (
      this.decoder.pending.length === 0 &&
      this.state.same(plain.state) &&
      this.#count - this.#lastDecoded > this.state.depth
    )
      this.tied = true;
  }

  /**
   * Calls `fn` for each of the last `n` characters read, oldest first, and
   * for the parts of their escapes that arrived on another stream.
   */
  #last(n: number, fn: (stream: number, start: number, end: number) => void): void {
    const size = this.#starts.length;
    for (let j = Math.min(n, this.#count, size); j >= 1; j--) {
      const k = (this.#count - j) % size;
      for (const p of this.#elsewhere[k] ?? []) fn(p.stream, p.offset, p.end ?? p.offset + 1);
      fn(this.#streams[k] as number, this.#starts[k] as number, this.#ends[k] as number);
    }
  }

  /** Masks the last `n` characters read, and the escape being read if `pending`. */
  mark(n: number, pending = false): void {
    const one = (stream: number, start: number, end: number) => {
      const masks = (this.streams[stream] as StreamState).masks;
      const prev = masks[masks.length - 1];
      if (prev && prev[1] >= start && prev[0] <= start) prev[1] = Math.max(prev[1], end);
      else masks.push([start, end]);
    };
    this.#last(n, one);
    if (pending)
      for (const p of this.decoder.pending) one(p.stream, p.offset, p.end ?? p.offset + 1);
  }

  /**
   * Per stream, the first offset still undecided (Infinity when none). A
   * start of a value shorter than {@link MIN_MASKED_LENGTH} is not held past
   * a line break (output goes on line by line); a longer one is, until the
   * hold time runs out. So is an escape still being read.
   */
  heldFrom(out: number[]): void {
    const hold = (stream: number, start: number) => {
      if (start < (out[stream] as number)) out[stream] = start;
    };
    // An escape not yet complete (at most 6 characters) waits for its end.
    for (const p of this.decoder.pending) hold(p.stream, p.offset);
    const depth = this.state.depth;
    if (depth === 0) return;
    if (depth < MIN_MASKED_LENGTH && this.#breakAt > this.#count - depth) return;
    this.#last(depth, hold);
  }
}

/** The decoders of the views each stream is read through. */
const VIEWS: ReadonlyArray<() => Decoder> = [
  () => new PlainDecoder(),
  () => new JsonDecoder(),
  () => new UrlDecoder(),
  () => new HtmlDecoder(),
  () => new QuotedPrintableDecoder(),
  () => new TwiceDecoder(new JsonDecoder(), new JsonDecoder()),
  () => new TwiceDecoder(new UrlDecoder(), new UrlDecoder()),
];

/** Per ASCII character, a bit for each view (by index in {@link VIEWS}) it may start an escape in. */
const TRIGGERS: Uint8Array = (() => {
  const views = VIEWS.map((d) => d());
  const table = new Uint8Array(128);
  for (let c = 0; c < 128; c++) {
    views.forEach((d, v) => {
      if (d.triggers(c)) table[c] = (table[c] as number) | (1 << v);
    });
  }
  return table;
})();

/**
 * Options of {@link OutputMasker}.
 */
export interface OutputMaskerOptions {
  /** Longest time text is held back (default 100 ms). */
  holdMs?: number;
  /** What replaces a value (default `[REDACTED]`). */
  mask?: string;
}

/**
 * Streaming masker for several output streams written by one process.
 */
export class OutputMasker {
  readonly #sinks: ReadonlyArray<(text: string) => void>;
  readonly #streams: StreamState[];
  readonly #scanners: Scanner[];
  /** Per stream, its views; then the views of all streams together. */
  readonly #own: Scanner[][];
  readonly #all: Scanner[];
  readonly #holdMs: number;
  readonly #mask: string;
  readonly #active: boolean;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    patterns: readonly string[],
    sinks: ReadonlyArray<(text: string) => void>,
    options: OutputMaskerOptions = {},
  ) {
    const set = new PatternSet(patterns);
    this.#sinks = sinks;
    this.#active = set.longest > 0;
    this.#streams = sinks.map(() => new StreamState());
    const views = () =>
      VIEWS.map((decoder, i) => {
        const s = new Scanner(set, this.#streams, decoder());
        s.tied = i > 0;
        return s;
      });
    this.#own = sinks.map(views);
    this.#all = sinks.length > 1 ? views() : [];
    this.#scanners = [...this.#own.flat(), ...this.#all];
    this.#holdMs = options.holdMs ?? 100;
    this.#mask = options.mask ?? "[REDACTED]";
  }

  /** Takes text written by the process to stream `stream`. */
  write(stream: number, text: string): void {
    if (!this.#active) {
      if (text) this.#sinks[stream]?.(text);
      return;
    }
    const st = this.#streams[stream] as StreamState;
    const groups = this.#all.length
      ? [this.#own[stream] as Scanner[], this.#all]
      : [this.#own[stream] as Scanner[]];
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      const offset = st.next++;
      // Most characters start no escape in any view: only the plain views read them.
      const triggers = code < 128 ? (TRIGGERS[code] as number) : 0;
      for (const views of groups) {
        const plain = views[0] as Scanner;
        if (triggers) {
          for (let v = 1; v < views.length; v++) {
            const s = views[v] as Scanner;
            if (s.tied && triggers & (1 << v)) s.untie(plain);
          }
        }
        plain.read(stream, offset, code);
        for (let v = 1; v < views.length; v++) {
          const s = views[v] as Scanner;
          if (s.tied) continue;
          s.read(stream, offset, code);
          s.retie(plain);
        }
      }
    }
    st.text += text;
    this.#release(false);
  }

  /** Lets out everything held (masking held value starts that are long enough). */
  flush(): void {
    this.#release(true);
  }

  /** Flushes and stops the hold timer. */
  close(): void {
    this.flush();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #release(force: boolean): void {
    const from = this.#streams.map(() => Number.POSITIVE_INFINITY);
    for (const s of this.#scanners) {
      if (s.tied) continue; // the plain view it follows decides for it
      if (force) {
        // A long held start is masked, with the escape it may go on with.
        if (s.state.depth >= MIN_MASKED_LENGTH) s.mark(s.state.depth, true);
      } else s.heldFrom(from);
    }
    let held = false;
    this.#streams.forEach((st, stream) => {
      const upTo = Math.min(from[stream] as number, st.next);
      if (upTo < st.next) held = true;
      if (upTo > st.base) this.#emit(stream, st, upTo);
    });
    if (!held) {
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = undefined;
    } else if (!this.#timer) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#release(true);
      }, this.#holdMs);
    }
  }

  /** Lets out the stream's text before offset `upTo`, masked. */
  #emit(stream: number, st: StreamState, upTo: number): void {
    let out = "";
    let at = st.base;
    let masked = st.lastMasked;
    st.masks.sort((a, b) => a[0] - b[0]);
    const rest: Array<[number, number]> = [];
    for (const [start, end] of st.masks) {
      if (end <= at) continue;
      if (start >= upTo) {
        rest.push([start, end]);
        continue;
      }
      const s = Math.max(start, at);
      if (s > at) {
        out += st.text.slice(at - st.base, s - st.base);
        masked = false;
      }
      if (!masked) out += this.#mask;
      masked = true;
      at = Math.min(end, upTo);
      if (end > upTo) rest.push([upTo, end]);
    }
    if (at < upTo) {
      out += st.text.slice(at - st.base, upTo - st.base);
      masked = false;
    }
    st.masks = rest;
    st.text = st.text.slice(upTo - st.base);
    st.base = upTo;
    st.lastMasked = masked;
    if (out) this.#sinks[stream]?.(out);
  }
}
