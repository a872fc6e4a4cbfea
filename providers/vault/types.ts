/**
 * The shapes of `getCredentials("vault", …)`, shared by the provider and the
 * client's typed `CredentialsMap` (type-only, no runtime code).
 */

/**
 * What `getCredentials("vault", request)` takes: a leased path such as
 * `database/creds/<role>`, and optionally its namespace.
 *
 * @example
 * ```ts
 * const request: VaultCredentialsRequest = { path: "database/creds/readonly" };
 * ```
 */
export interface VaultCredentialsRequest {
  /** The path to read, such as `database/creds/readonly` or `aws/creds/deploy`. */
  path: string;
  /** The namespace; default the provider's. */
  namespace?: string;
}

/**
 * What `getCredentials("vault", …)` returns: the secret's data, such as
 * `{ username, password }` for the database engine.
 *
 * @example
 * ```ts
 * const { username, password } = await secrets.getCredentials("vault", { path: "database/creds/ro" });
 * ```
 */
export interface VaultCredentials {
  /** The database engine's user name (other engines return other fields). */
  readonly username?: string;
  /** The database engine's password. */
  readonly password?: string;
  /** Every field of the secret's data. */
  readonly [field: string]: unknown;
}
