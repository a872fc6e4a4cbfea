/**
 * Typed errors. Every error has a stable `code`, the `provider` and
 * `reference` it concerns, and keeps the underlying error as `cause`.
 * Messages are built from names and metadata only, never from a value.
 */

// A registry symbol survives duplicated copies of this module (two bundles,
// two installed versions), unlike `instanceof`.
const BRAND = Symbol.for("secrets-loader.error");

/**
 * Stable error codes; safe to switch on.
 *
 * @example
 * ```ts
 * if (SecretsError.is(err, "NOT_FOUND")) useDefault();
 * ```
 */
export type ErrorCode =
  | "INVALID_REFERENCE"
  | "NOT_FOUND"
  | "ACCESS_DENIED"
  | "THROTTLED"
  | "UNAVAILABLE"
  | "EXPIRED"
  | "INVALID_VALUE"
  | "NO_PROVIDER"
  | "MISSING_DEPENDENCY"
  | "POLICY_VIOLATION"
  | "BROWSER_USAGE"
  | "LOAD_FAILED"
  | "CONFIG_LOAD_FAILED"
  | "CLIENT_CLOSED"
  | "INVALID_CONFIG"
  | "PROVIDER_ERROR";

/**
 * What every error constructor accepts.
 *
 * @example
 * ```ts
 * new NotFoundError({ provider: "env", reference: "env://X", message: "X is not set" });
 * ```
 */
export interface SecretsErrorOptions {
  /** Human-readable explanation: what was wrong and how to fix it. Never a value. */
  message?: string;
  /** Provider name, for example `aws`. */
  provider?: string;
  /** The reference as written by the caller. */
  reference?: string;
  /** The underlying error (an SDK error, a network error ...). */
  cause?: unknown;
}

/**
 * Base class of every error thrown by secrets-loader.
 *
 * @example
 * ```ts
 * try {
 *   await getSecret("env://MISSING");
 * } catch (err) {
 *   if (SecretsError.is(err)) console.error(err.code, err.reference);
 * }
 * ```
 */
export class SecretsError extends Error {
  /** Stable machine-readable code. */
  readonly code: ErrorCode;
  /** Provider name, when the error came from one. */
  readonly provider?: string;
  /** The reference concerned, when there is one. */
  readonly reference?: string;

  constructor(code: ErrorCode, defaultMessage: string, options: SecretsErrorOptions = {}) {
    super(
      options.message ?? defaultMessage,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    // Each class names itself with a string literal (its `name` field): a minifier renames
    // classes, so `new.target.name` would read "u" or "Er" in a bundled app.
    this.name = "SecretsError";
    this.code = code;
    if (options.provider !== undefined) this.provider = options.provider;
    if (options.reference !== undefined) this.reference = options.reference;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /**
   * True when `err` is a secrets-loader error (from any copy of the package),
   * optionally with the given code.
   *
   * @example
   * ```ts
   * SecretsError.is(err, "THROTTLED");
   * ```
   */
  static is(err: unknown, code?: ErrorCode): err is SecretsError {
    if (typeof err !== "object" || err === null) return false;
    if ((err as Record<symbol, unknown>)[BRAND] !== true) return false;
    return code === undefined || (err as SecretsError).code === code;
  }

  /**
   * A plain summary safe to log.
   *
   * @example
   * ```ts
   * JSON.stringify(err); // {"name":"NotFoundError","code":"NOT_FOUND",...}
   * ```
   */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      provider: this.provider,
      reference: this.reference,
    };
  }
}

function where(o: SecretsErrorOptions): string {
  const ref = o.reference ? ` ${o.reference}` : "";
  const by = o.provider ? ` (provider ${o.provider})` : "";
  return `${ref}${by}`;
}

/**
 * A reference could not be parsed. Thrown before any I/O.
 *
 * @example
 * ```ts
 * try { parseReference("aws-sm://") } catch (e) {
 *   if (e instanceof InvalidReferenceError) console.log(e.part, e.example);
 * }
 * ```
 */
export class InvalidReferenceError extends SecretsError {
  /** `"InvalidReferenceError"`, a string literal: a minifier renames the class, not this. */
  override readonly name: string = "InvalidReferenceError";
  /** The offending part of the reference. */
  readonly part: string;
  /** A corrected example. */
  readonly example: string;
  constructor(
    options: SecretsErrorOptions & {
      reference: string;
      part: string;
      problem: string;
      example: string;
    },
  ) {
    super(
      "INVALID_REFERENCE",
      `Invalid secret reference ${JSON.stringify(options.reference)}: ${options.problem} (at ${JSON.stringify(options.part)}). Example of a valid reference: ${options.example}`,
      options,
    );
    this.part = options.part;
    this.example = options.example;
  }
}

/**
 * The secret, version or field does not exist.
 *
 * @example
 * ```ts
 * throw new NotFoundError({ provider: "env", reference: "env://API_KEY", message: "API_KEY is not set" });
 * ```
 */
export class NotFoundError extends SecretsError {
  /** `"NotFoundError"`, a string literal: a minifier renames the class, not this. */
  override readonly name: string = "NotFoundError";
  constructor(options: SecretsErrorOptions = {}) {
    super("NOT_FOUND", `Secret not found:${where(options)}`, options);
  }
}

/**
 * The caller's identity may not read this secret.
 *
 * @example
 * ```ts
 * throw new AccessDeniedError({ provider: "aws", reference: "aws-sm://prod/db", cause: sdkError });
 * ```
 */
export class AccessDeniedError extends SecretsError {
  /** `"AccessDeniedError"`, a string literal: a minifier renames the class, not this. */
  override readonly name: string = "AccessDeniedError";
  constructor(options: SecretsErrorOptions = {}) {
    super(
      "ACCESS_DENIED",
      `Access denied:${where(options)}. Grant the caller read access to this secret.`,
      options,
    );
  }
}

/**
 * The provider throttled the request (after the SDK's own retries).
 *
 * @example
 * ```ts
 * throw new ThrottledError({ provider: "aws", reference: "aws-sm://prod/db", cause: sdkError });
 * ```
 */
export class ThrottledError extends SecretsError {
  /** `"ThrottledError"`, a string literal: a minifier renames the class, not this. */
  override readonly name: string = "ThrottledError";
  constructor(options: SecretsErrorOptions = {}) {
    super(
      "THROTTLED",
      `Request throttled:${where(options)}. Reduce the call rate or raise the cache maxAge.`,
      options,
    );
  }
}

/**
 * The provider could not be reached or failed internally.
 *
 * @example
 * ```ts
 * throw new UnavailableError({ provider: "vault", reference: "vault://secret/app", cause: netError });
 * ```
 */
export class UnavailableError extends SecretsError {
  /** `"UnavailableError"`, a string literal: a minifier renames the class, not this. */
  override readonly name: string = "UnavailableError";
  constructor(options: SecretsErrorOptions = {}) {
    super(
      "UNAVAILABLE",
      `Provider unavailable:${where(options)}. Check the address and network, then retry.`,
      options,
    );
  }
}

/**
 * A token, lease or credential has expired and could not be renewed.
 *
 * @example
 * ```ts
 * throw new ExpiredError({ provider: "vault", message: "Vault token expired; log in again" });
 * ```
 */
export class ExpiredError extends SecretsError {
  /** `"ExpiredError"`, a string literal: a minifier renames the class, not this. */
  override readonly name: string = "ExpiredError";
  constructor(options: SecretsErrorOptions = {}) {
    super(
      "EXPIRED",
      `Credential expired:${where(options)}. Re-authenticate to get a new one.`,
      options,
    );
  }
}

/**
 * The value does not have the requested shape (not JSON, missing field, bad base64).
 *
 * @example
 * ```ts
 * throw new InvalidValueError({ reference: "env://CONFIG#db.host", message: "field db.host is missing" });
 * ```
 */
export class InvalidValueError extends SecretsError {
  /** `"InvalidValueError"`, a string literal: a minifier renames the class, not this. */
  override readonly name: string = "InvalidValueError";
  constructor(options: SecretsErrorOptions = {}) {
    super(
      "INVALID_VALUE",
      `The secret's value does not have the requested shape:${where(options)}`,
      options,
    );
  }
}

/**
 * No provider is registered for a reference's scheme.
 *
 * @example
 * ```ts
 * throw new NoProviderError({ reference: "mem://x", message: "no provider for scheme mem" });
 * ```
 */
export class NoProviderError extends SecretsError {
  /** `"NoProviderError"`, a string literal: a minifier renames the class, not this. */
  override readonly name: string = "NoProviderError";
  constructor(options: SecretsErrorOptions = {}) {
    super("NO_PROVIDER", `No provider is registered for${where(options)}`, options);
  }
}

/**
 * An optional SDK package a provider needs is not installed.
 *
 * @example
 * ```ts
 * throw new MissingDependencyError({ packageName: "node-vault", provider: "vault" });
 * ```
 */
export class MissingDependencyError extends SecretsError {
  /** `"MissingDependencyError"`, a string literal: a minifier renames the class, not this. */
  override readonly name: string = "MissingDependencyError";
  /** The npm package to install. */
  readonly packageName: string;
  constructor(options: SecretsErrorOptions & { packageName: string }) {
    super(
      "MISSING_DEPENDENCY",
      `The ${options.provider ?? "requested"} provider needs the package "${options.packageName}", which is not installed. Install it with: npm install ${options.packageName}`,
      options,
    );
    this.packageName = options.packageName;
  }
}

/**
 * The request breaks the client's policy (for example `requireShortLived`).
 *
 * @example
 * ```ts
 * throw new PolicyViolationError({ provider: "aws", message: "static AKIA keys refused; assume a role" });
 * ```
 */
export class PolicyViolationError extends SecretsError {
  /** `"PolicyViolationError"`, a string literal: a minifier renames the class, not this. */
  override readonly name: string = "PolicyViolationError";
  constructor(options: SecretsErrorOptions = {}) {
    super("POLICY_VIOLATION", `Refused by policy:${where(options)}`, options);
  }
}

/**
 * secrets-loader was loaded in a browser or another client-side runtime.
 *
 * @example
 * ```ts
 * // thrown at import by the "browser" export condition
 * import "secrets-loader"; // BrowserUsageError in a client bundle
 * ```
 */
export class BrowserUsageError extends SecretsError {
  /** `"BrowserUsageError"`, a string literal: a minifier renames the class, not this. */
  override readonly name: string = "BrowserUsageError";
  constructor(options: SecretsErrorOptions = {}) {
    super(
      "BROWSER_USAGE",
      "secrets-loader must not run in a browser or any client-side bundle: anything shipped to a browser is public. " +
        "Use it from server code only, and proxy browser calls through a backend route that holds the secret.",
      options,
    );
  }

  /**
   * The message for an edge runtime (Next.js edge routes and middleware, edge functions).
   *
   * @example
   * ```ts
   * new BrowserUsageError({ message: BrowserUsageError.EDGE_MESSAGE });
   * ```
   */
  static readonly EDGE_MESSAGE =
    "secrets-loader cannot run in the edge runtime (Next.js edge routes and middleware, edge functions): it needs Node.js. " +
    'In Next.js, add `export const runtime = "nodejs"` to the route or page (or move the code to proxy.ts, which runs on Node.js); ' +
    'in instrumentation.ts, import it only when process.env.NEXT_RUNTIME === "nodejs".';

  /**
   * Throws a BrowserUsageError in a browser, a web worker, React Native or an edge runtime. It lives on the
   * error class because every entry already shares the errors module: a guard module of its
   * own would be split into one more chunk for every entry to load.
   *
   * @example
   * ```ts
   * BrowserUsageError.refuseClientRuntime(); // no-op in Node.js
   * ```
   */
  static refuseClientRuntime(): void {
    const g = globalThis as Record<string, unknown>;
    const isBrowser = typeof g.window === "object" && typeof g.document === "object";
    const isWorker =
      typeof g.importScripts === "function" && typeof g.WorkerGlobalScope !== "undefined";
    const isReactNative =
      typeof g.navigator === "object" &&
      (g.navigator as { product?: string })?.product === "ReactNative";
    if (isBrowser || isWorker || isReactNative) throw new BrowserUsageError();
    if (typeof g.EdgeRuntime === "string")
      throw new BrowserUsageError({ message: BrowserUsageError.EDGE_MESSAGE });
  }
}

/**
 * One failure inside a {@link LoadError}: names and codes, never values.
 *
 * @example
 * ```ts
 * for (const f of err.failures) console.error(f.name, f.reference, f.code);
 * ```
 */
export interface LoadFailure {
  /** The key in the object passed to `load()`. */
  name: string;
  /** The reference that failed. */
  reference: string;
  /** The failure's error code. */
  code: ErrorCode;
  /** The failure's message. */
  message: string;
  /** The error itself. */
  error: Error;
}

/**
 * `load()` failed for one or more references; lists every failure at once.
 *
 * @example
 * ```ts
 * try { await secrets.load({ A: "env://A", B: "env://B" }); }
 * catch (err) { if (err instanceof LoadError) err.failures.map((f) => f.name); }
 * ```
 */
export class LoadError extends SecretsError {
  /** `"LoadError"`, a string literal: a minifier renames the class, not this. */
  override readonly name: string = "LoadError";
  /** Every reference that failed, and why. */
  readonly failures: readonly LoadFailure[];
  constructor(failures: LoadFailure[], total: number) {
    const lines = failures.map((f) => `  - ${f.name} (${f.reference}): [${f.code}] ${f.message}`);
    super(
      "LOAD_FAILED",
      `Failed to load ${failures.length} of ${total} secret(s):\n${lines.join("\n")}`,
      failures.length === 1
        ? { cause: failures[0]?.error }
        : { cause: new AggregateError(failures.map((f) => f.error)) },
    );
    this.failures = failures;
  }
}

/**
 * The client was used after `close()`.
 *
 * @example
 * ```ts
 * await secrets.close();
 * await secrets.getSecret("env://X"); // ClientClosedError
 * ```
 */
export class ClientClosedError extends SecretsError {
  /** `"ClientClosedError"`, a string literal: a minifier renames the class, not this. */
  override readonly name: string = "ClientClosedError";
  constructor(options: SecretsErrorOptions = {}) {
    super(
      "CLIENT_CLOSED",
      "This secrets client has been closed; create a new one with createSecrets().",
      options,
    );
  }
}

/**
 * Client or provider options are invalid.
 *
 * @example
 * ```ts
 * createSecrets({ cache: { maxAge: "five minutes" } }); // ConfigError
 * ```
 */
export class ConfigError extends SecretsError {
  /** `"ConfigError"`, a string literal: a minifier renames the class, not this. */
  override readonly name: string = "ConfigError";
  constructor(options: SecretsErrorOptions = {}) {
    super("INVALID_CONFIG", "Invalid configuration.", options);
  }
}

/**
 * A provider failed in a way that fits no other code.
 *
 * @example
 * ```ts
 * throw new ProviderError({ provider: "gcp", reference: "gcp-sm://s", cause: sdkError });
 * ```
 */
export class ProviderError extends SecretsError {
  /** `"ProviderError"`, a string literal: a minifier renames the class, not this. */
  override readonly name: string = "ProviderError";
  constructor(options: SecretsErrorOptions = {}) {
    super("PROVIDER_ERROR", `Provider call failed:${where(options)}`, options);
  }
}
