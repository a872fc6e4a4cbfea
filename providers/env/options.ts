/** Options of the `env` provider. */

/**
 * Options of {@link envProvider}.
 *
 * @example
 * ```ts
 * envProvider({ dotenvPath: [".env", ".env.local"], override: false });
 * ```
 */
export interface EnvProviderOptions {
  /** The environment to read. Default: `process.env`, read at each fetch. */
  env?: Record<string, string | undefined>;
  /**
   * dotenv file(s) to read, parsed with the `dotenv` package. Later files win
   * over earlier ones. Files are re-read on every fetch, so an edit is picked up
   * when the cache next refreshes.
   */
  dotenvPath?: string | readonly string[];
  /** When true, dotenv values win over the environment. Default `false` (as dotenv itself). */
  override?: boolean;
}
