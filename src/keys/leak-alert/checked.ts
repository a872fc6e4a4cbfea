/** `handleLeakAlert`'s options after validation, with defaults applied (types only). */
import type { LeakAlertOptions, PublicKeySource } from "./types.js";

/** A sender's key source after validation. */
export interface CheckedSource {
  url?: string;
  keys?: { key_identifier: string; key: string }[];
  fetch?: PublicKeySource["fetch"];
  headers: Record<string, string>;
  timeoutMs: number;
}

/** Options after validation, with defaults applied. */
export interface CheckedOptions {
  options: LeakAlertOptions;
  github?: CheckedSource;
  gitlab?: CheckedSource;
  maxBodyBytes: number;
  now: () => number;
  report: (error: Error) => void;
}
