import type { KeyEvent } from "./types.js";

/**
 * Where {@link jsonLinesLogger} writes: a file or process stream, or anything with `write`.
 *
 * @example
 * ```ts
 * const sink: LineSink = createWriteStream("keys-usage.jsonl", { flags: "a" });
 * ```
 */
export interface LineSink {
  /** Receives one line, newline included. */
  write(line: string): unknown;
}

/**
 * An `onEvent` listener that writes each key event as one JSON line. Events carry the key's
 * id and prefix, never the key.
 *
 * @example
 * ```ts
 * const keys = createKeyring({ pepper, onEvent: jsonLinesLogger(process.stdout) });
 * // {"type":"key-used","at":1767225600000,"keyId":"…","prefix":"acme_live_","result":"ok","latencyMs":0.04}
 * ```
 */
export function jsonLinesLogger(sink: LineSink): (event: KeyEvent) => void {
  return (event) => {
    sink.write(`${JSON.stringify(event)}\n`);
  };
}
