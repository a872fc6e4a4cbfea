/**
 * A one-line progress indicator on stderr, shown only when stderr is a
 * terminal: CI logs and pipes stay clean.
 */

/**
 * A throttled status line.
 */
export class Progress {
  readonly #stream: NodeJS.WriteStream;
  readonly #enabled: boolean;
  #last = 0;
  #shown = false;

  constructor(stream: NodeJS.WriteStream = process.stderr, enabled = stream.isTTY === true) {
    this.#stream = stream;
    this.#enabled = enabled;
  }

  /** True when updates are drawn. */
  get enabled(): boolean {
    return this.#enabled;
  }

  /** Redraws the line at most every 100 ms. */
  update(text: string): void {
    if (!this.#enabled) return;
    const now = Date.now();
    if (now - this.#last < 100) return;
    this.#last = now;
    this.#shown = true;
    const cols = this.#stream.columns ?? 80;
    this.#stream.write(`\r\x1b[2K${text.slice(0, cols - 1)}`);
  }

  /** Clears the line. */
  done(): void {
    if (this.#shown) this.#stream.write("\r\x1b[2K");
    this.#shown = false;
  }
}
