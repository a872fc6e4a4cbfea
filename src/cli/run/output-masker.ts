/**
 * Masks secret values in a child's stdout and stderr as they stream by.
 *
 * Each stream is matched on its own, and both together in arrival order, so
 * that a value written half to stdout and half to stderr (which a terminal
 * shows joined) is masked too. Text that could be the start of a value is
 * held back until it is decided: at the latest until the next line break
 * (no pattern spans one) or `holdMs`. When the wait runs out, a held start of
 * {@link MIN_MASKED_LENGTH} characters or more is masked and shorter ones are
 * let through; either way the match goes on, so the rest of a value that
 * arrives later is still masked.
 */

import { MIN_MASKED_LENGTH } from "../masking.js";
import { MatchState, PatternSet } from "./matcher.js";

interface Entry {
  readonly seq: number;
  readonly char: string;
  masked: boolean;
}

/** One view of the text (one stream, or all of them) with its match state. */
class Scanner {
  readonly state: MatchState;
  recent: Entry[] = [];
  constructor(
    set: PatternSet,
    private readonly keep: number,
  ) {
    this.state = new MatchState(set);
  }

  read(e: Entry): void {
    this.recent.push(e);
    const matched = this.state.read(e.char.charCodeAt(0));
    if (matched > 0) this.mark(matched);
    if (this.recent.length > 2 * this.keep + 64) this.recent = this.recent.slice(-this.keep);
  }

  /** Masks the last `n` entries read. */
  mark(n: number): void {
    for (let k = Math.max(0, this.recent.length - n); k < this.recent.length; k++)
      (this.recent[k] as Entry).masked = true;
  }

  /** The first sequence number still undecided, or Infinity. */
  heldFrom(): number {
    const d = this.state.depth;
    return d === 0 ? Number.POSITIVE_INFINITY : (this.recent[this.recent.length - d] as Entry).seq;
  }
}

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
  readonly #own: Scanner[];
  readonly #all: Scanner | undefined;
  readonly #pending: Entry[][];
  readonly #lastMasked: boolean[];
  readonly #holdMs: number;
  readonly #mask: string;
  readonly #active: boolean;
  #seq = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    patterns: readonly string[],
    sinks: ReadonlyArray<(text: string) => void>,
    options: OutputMaskerOptions = {},
  ) {
    const set = new PatternSet(patterns);
    this.#sinks = sinks;
    this.#active = set.longest > 0;
    this.#own = sinks.map(() => new Scanner(set, set.longest));
    this.#all = sinks.length > 1 ? new Scanner(set, set.longest) : undefined;
    this.#pending = sinks.map(() => []);
    this.#lastMasked = sinks.map(() => false);
    this.#holdMs = options.holdMs ?? 100;
    this.#mask = options.mask ?? "[REDACTED]";
  }

  /** Takes text written by the process to stream `stream`. */
  write(stream: number, text: string): void {
    if (!this.#active) {
      if (text) this.#sinks[stream]?.(text);
      return;
    }
    const own = this.#own[stream] as Scanner;
    const pending = this.#pending[stream] as Entry[];
    for (let i = 0; i < text.length; i++) {
      const e: Entry = { seq: this.#seq++, char: text[i] as string, masked: false };
      pending.push(e);
      own.read(e);
      this.#all?.read(e);
    }
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
    if (force) {
      for (const s of [...this.#own, ...(this.#all ? [this.#all] : [])]) {
        if (s.state.depth >= MIN_MASKED_LENGTH) s.mark(s.state.depth);
      }
    }
    const allFrom = this.#all?.heldFrom() ?? Number.POSITIVE_INFINITY;
    let held = false;
    this.#pending.forEach((pending, stream) => {
      const from = force
        ? Number.POSITIVE_INFINITY
        : Math.min(allFrom, (this.#own[stream] as Scanner).heldFrom());
      let n = 0;
      while (n < pending.length && (pending[n] as Entry).seq < from) n++;
      if (n < pending.length) held = true;
      if (n > 0) this.#emit(stream, pending.splice(0, n));
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

  #emit(stream: number, entries: readonly Entry[]): void {
    let out = "";
    let masked = this.#lastMasked[stream] as boolean;
    for (const e of entries) {
      if (e.masked) {
        if (!masked) out += this.#mask;
        masked = true;
      } else {
        out += e.char;
        masked = false;
      }
    }
    this.#lastMasked[stream] = masked;
    if (out) this.#sinks[stream]?.(out);
  }
}
