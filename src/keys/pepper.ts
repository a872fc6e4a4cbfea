/**
 * Peppers: the server-side HMAC keys. A record stores the HMAC-SHA-256 of the whole key
 * under a pepper, so a database dump without the pepper can neither verify nor brute-force
 * keys (192 random bits are out of reach anyway; the pepper also covers a leaked dump being
 * replayed against a copy of the service's own verify code).
 */
import type { KeyObject } from "node:crypto";
import { ConfigError } from "../errors.js";
import { nodeCrypto } from "./builtins.js";
import type { PepperSource } from "./types.js";

/**
 * A pepper with an explicit id (stored in each record's `pepperId`). Without one, the id is a
 * fingerprint of the pepper: 12 base64url characters of an HMAC of a fixed label under it,
 * which reveals nothing about the pepper.
 *
 * @example
 * ```ts
 * const pepper: NamedPepper = { id: "2026-12", value: () => getSecret("vault://secret/keys#pepper") };
 * ```
 */
export interface NamedPepper {
  /** The id stored in each record's `pepperId`, such as `"2026-12"`. */
  id: string;
  /** The pepper itself. */
  value: PepperSource;
}

/** The shortest pepper accepted: 32 characters (such as `openssl rand -base64 32`). */
const MIN_PEPPER_LENGTH = 32;

/** A pepper ready for hashing. */
export interface Pepper {
  id: string;
  key: KeyObject;
}

const FINGERPRINT_LABEL = "secrets-loader/keys pepper id";

/** Resolves pepper sources on each use (so a rotated secret is picked up) and memoises the derived key. */
export class PepperRing {
  readonly #source: PepperSource;
  readonly #id: string | undefined;
  readonly #setting: string;
  #last: { value: string; pepper: Pepper } | undefined;

  constructor(source: PepperSource | NamedPepper, setting: string) {
    const named = typeof source === "object" && source !== null;
    this.#source = named ? source.value : source;
    this.#id = named ? source.id : undefined;
    this.#setting = setting;
    if (typeof this.#source !== "string" && typeof this.#source !== "function") {
      throw new ConfigError({
        message: `${setting} must be a string or a function returning one.`,
      });
    }
    if (this.#id !== undefined && (typeof this.#id !== "string" || this.#id.length === 0)) {
      throw new ConfigError({ message: `${setting}.id must be a non-empty string.` });
    }
  }

  /** The pepper, synchronously when the source is a string (the hot path stays await-free). */
  get(): Pepper | Promise<Pepper> {
    const source = this.#source;
    if (typeof source === "string") return this.#derive(source);
    const value = source();
    return typeof value === "string" ? this.#derive(value) : value.then((v) => this.#derive(v));
  }

  #derive(value: unknown): Pepper {
    const last = this.#last;
    if (last !== undefined && last.value === value) return last.pepper;
    // Never quote the value: only its type and length.
    if (typeof value !== "string" || value.length < MIN_PEPPER_LENGTH) {
      const got = typeof value === "string" ? `${value.length} characters` : typeof value;
      throw new ConfigError({
        message: `${this.#setting} must be a string of at least ${MIN_PEPPER_LENGTH} characters (got ${got}).`,
      });
    }
    const { createHmac, createSecretKey } = nodeCrypto();
    const key = createSecretKey(Buffer.from(value, "utf8"));
    const id =
      this.#id ??
      createHmac("sha256", key).update(FINGERPRINT_LABEL).digest("base64url").slice(0, 12);
    const pepper = { id, key };
    this.#last = { value, pepper };
    return pepper;
  }
}

/** HMAC-SHA-256 of a key under a pepper, as raw bytes. */
export function hmac(pepper: Pepper, key: string): Buffer {
  return nodeCrypto().createHmac("sha256", pepper.key).update(key, "utf8").digest();
}
