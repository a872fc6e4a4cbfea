/**
 * A sender's public keys, by identifier. From a fixed list, or fetched from the sender's URL:
 * cached, revalidated after an hour with a conditional request (`If-None-Match`,
 * `If-Modified-Since`: GitHub's endpoint is rate-limited, a 304 is cheap), and refetched once
 * when an alert names an identifier the cache does not hold (the sender rotated its keys), at
 * most once a minute (so forged identifiers cannot make us hammer the endpoint). Every fetch
 * has a deadline; one fetch is shared by every alert waiting for it.
 */
import type { KeyObject } from "node:crypto";
import type { CheckedSource } from "./checked.js";
import { parsePublicKey } from "./signature.js";
import type { LeakAlertSender, PublicKeyResponse } from "./types.js";

/** Revalidate a fetched list after this long. */
const MAX_AGE_MS = 60 * 60_000;
/** Refetch on an unknown identifier at most this often (GitHub allows 60 anonymous requests an hour). */
const REFETCH_AFTER_MS = 60_000;
/** After a failed fetch, alerts are answered 503 at once for this long rather than each waiting on a fetch. */
const RETRY_AFTER_FAILURE_MS = 10_000;
/** A key list is a few hundred bytes per key: refuse anything past this. */
const MAX_LIST_CHARS = 256 * 1024;

/** What looking an identifier up gives. */
export type KeyLookupResult = { found: KeyObject } | { unknown: true } | { unavailable: Error };

const NAMES: Record<LeakAlertSender, string> = { github: "GitHub", gitlab: "GitLab" };

export class SenderKeys {
  readonly #sender: LeakAlertSender;
  readonly #source: CheckedSource;
  readonly #now: () => number;
  readonly #report: (error: Error) => void;
  #keys = new Map<string, KeyObject>();
  #loaded = false;
  #fetchedAt = 0;
  #attemptedAt = Number.NEGATIVE_INFINITY;
  #etag: string | undefined;
  #lastModified: string | undefined;
  #inflight: Promise<Error | undefined> | undefined;
  #lastError: Error | undefined;

  constructor(
    sender: LeakAlertSender,
    source: CheckedSource,
    now: () => number,
    report: (error: Error) => void,
  ) {
    this.#sender = sender;
    this.#source = source;
    this.#now = now;
    this.#report = report;
    if (source.keys !== undefined) {
      this.#keys = this.#parse(source.keys, "keys");
      this.#loaded = true;
    }
  }

  /** The key named `id`: from the cache, else after at most one fetch. */
  async find(id: string): Promise<KeyLookupResult> {
    if (this.#source.url === undefined) {
      const key = this.#keys.get(id);
      return key ? { found: key } : { unknown: true };
    }
    let fetched = false;
    const sinceAttempt = this.#now() - this.#attemptedAt;
    if (!this.#loaded) {
      // Unreachable a moment ago: answer at once instead of making every alert wait a deadline.
      const recent = this.#lastError !== undefined && sinceAttempt < RETRY_AFTER_FAILURE_MS;
      const error = recent ? this.#lastError : await this.#refresh();
      if (error !== undefined) return { unavailable: error };
      fetched = true;
    } else if (this.#now() - this.#fetchedAt >= MAX_AGE_MS && sinceAttempt >= REFETCH_AFTER_MS) {
      // A failed revalidation keeps the list it had (the sender's keys rarely change), and is
      // retried at most once a minute.
      await this.#refresh();
      fetched = true;
    }
    const key = this.#keys.get(id);
    if (key !== undefined) return { found: key };
    if (fetched || this.#now() - this.#attemptedAt < REFETCH_AFTER_MS) return { unknown: true };
    const error = await this.#refresh();
    if (error !== undefined) return { unavailable: error };
    const again = this.#keys.get(id);
    return again ? { found: again } : { unknown: true };
  }

  /** One fetch at a time; resolves to the error, if it failed. */
  #refresh(): Promise<Error | undefined> {
    this.#inflight ??= this.#fetch().finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  async #fetch(): Promise<Error | undefined> {
    const url = this.#source.url as string;
    const name = NAMES[this.#sender];
    this.#attemptedAt = this.#now();
    const headers: Record<string, string> = {
      accept: "application/json",
      "user-agent": "secrets-loader-leak-alerts",
      ...this.#source.headers,
    };
    if (this.#etag !== undefined) headers["if-none-match"] = this.#etag;
    if (this.#lastModified !== undefined) headers["if-modified-since"] = this.#lastModified;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const err = new Error(`no answer within ${this.#source.timeoutMs} ms`);
        controller.abort(err);
        reject(err);
      }, this.#source.timeoutMs);
    });
    try {
      const doFetch =
        this.#source.fetch ?? (fetch as unknown as NonNullable<CheckedSource["fetch"]>);
      // The deadline covers the body too: a custom fetch that ignores the signal is raced.
      const text = await Promise.race([
        (async () => {
          const res: PublicKeyResponse = await doFetch(url, { headers, signal: controller.signal });
          if (res.status === 304 && this.#loaded) return undefined;
          if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
          const etag = res.headers.get("etag");
          const lastModified = res.headers.get("last-modified");
          const body = await res.text();
          return { body, etag, lastModified };
        })(),
        deadline,
      ]);
      if (text !== undefined) {
        if (text.body.length > MAX_LIST_CHARS)
          throw new Error("the key list is larger than 256 KiB");
        let json: unknown;
        try {
          json = JSON.parse(text.body);
        } catch {
          throw new Error("the answer is not JSON");
        }
        const list = (json as { public_keys?: unknown } | null)?.public_keys;
        if (!Array.isArray(list)) throw new Error('the answer has no "public_keys" array');
        const keys = this.#parse(list, "public_keys");
        if (keys.size === 0) throw new Error("the answer lists no usable ECDSA P-256 key");
        this.#keys = keys;
        this.#loaded = true;
        this.#etag = text.etag ?? undefined;
        this.#lastModified = text.lastModified ?? undefined;
      }
      this.#fetchedAt = this.#now();
      this.#lastError = undefined;
      return undefined;
    } catch (err) {
      const error = new Error(
        `Could not fetch ${name}'s public keys from ${url}: ${(err as Error).message}`,
        { cause: err },
      );
      this.#report(error);
      this.#lastError = error;
      return error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The usable keys of a list; an unusable entry is reported and skipped, not fatal. */
  #parse(list: unknown[], where: string): Map<string, KeyObject> {
    const keys = new Map<string, KeyObject>();
    for (const [i, entry] of list.entries()) {
      const e = entry as { key_identifier?: unknown; key?: unknown } | null;
      if (typeof e?.key_identifier !== "string" || typeof e.key !== "string") {
        this.#report(
          new Error(
            `${NAMES[this.#sender]} ${where}[${i}]: key_identifier and key must be strings; skipped.`,
          ),
        );
        continue;
      }
      const key = parsePublicKey(e.key);
      if (typeof key === "string") {
        this.#report(new Error(`${NAMES[this.#sender]} ${where}[${i}]: ${key}; skipped.`));
        continue;
      }
      keys.set(e.key_identifier, key);
    }
    return keys;
  }
}
