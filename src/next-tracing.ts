import { existsSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";

/**
 * The optional packages secrets-loader imports by name at run time (out of every bundler's and
 * file tracer's sight): the providers' SDKs and the keys' Redis client. Kept equal to the
 * optional `peerDependencies` that are loaded this way by `test/unit/next-tracing.test.ts`.
 */
export const PEERS_LOADED_BY_NAME = [
  "@aws-sdk/client-iam",
  "@aws-sdk/client-secrets-manager",
  "@aws-sdk/client-ssm",
  "@aws-sdk/client-sts",
  "@azure/identity",
  "@azure/keyvault-secrets",
  "google-auth-library",
  "ioredis",
  "node-vault",
] as const;

/** The Next.js config fields this helper reads and writes (structural: no `next` types needed). */
export interface TracedNextConfig {
  /** Next's own option: extra files (globs) to ship, per route glob. */
  outputFileTracingIncludes?: Record<string, string[]>;
  [key: string]: unknown;
}

/** Options of {@link withSecretsLoader}. */
export interface WithSecretsLoaderOptions {
  /** The app's folder, where `node_modules` is searched from. Default: `process.cwd()`. */
  dir?: string;
}

/** The folder of `name` as Node would resolve it from `fromDir` (walking up `node_modules`). */
function packageDir(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return realpathSync(candidate);
    if (dirname(dir) === dir) return undefined;
  }
}

/** `start` and every package it depends on (dependencies, optional ones when installed). */
function closure(start: string): Set<string> {
  const seen = new Set<string>();
  const queue = [start];
  for (let dir = queue.pop(); dir !== undefined; dir = queue.pop()) {
    if (seen.has(dir)) continue;
    seen.add(dir);
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) {
      const found = packageDir(dep, dir);
      if (found !== undefined && !seen.has(found)) queue.push(found);
    }
  }
  return seen;
}

/**
 * Wraps a Next.js config so that `output: "standalone"` (and Vercel's functions) ship the SDKs
 * you installed. secrets-loader imports each SDK by name at run time, so that a server bundle
 * builds without it; Next's file tracing cannot see such an import, and would leave the SDK
 * out of `.next/standalone/node_modules`. This adds, for every SDK installed in the app, the SDK
 * and the packages it depends on to `outputFileTracingIncludes` (for every route). An SDK that
 * is not installed adds nothing, so the build stays green without it.
 *
 * Call it in `next.config.mjs` (which runs in Node.js at build time), around your config.
 *
 * @param nextConfig - Your Next.js config. Its own `outputFileTracingIncludes` are kept.
 * @param options - Where the app's `node_modules` is (default: the current folder).
 * @returns The same config, with the installed SDKs added to `outputFileTracingIncludes`.
 * @example
 * ```ts
 * import { withSecretsLoader } from "secrets-loader";
 *
 * export default withSecretsLoader({ output: "standalone" });
 * ```
 */
export function withSecretsLoader<C extends object>(
  nextConfig: C,
  options: WithSecretsLoaderOptions = {},
): C & TracedNextConfig {
  if (typeof nextConfig !== "object" || nextConfig === null)
    throw new TypeError(
      "withSecretsLoader(nextConfig): nextConfig must be a Next.js config object",
    );
  const appDir = realpathSync(options.dir ?? process.cwd());
  const globs = new Set<string>();
  for (const name of PEERS_LOADED_BY_NAME) {
    const dir = packageDir(name, appDir);
    if (dir === undefined) continue;
    for (const pkg of closure(dir)) globs.add(`${relative(appDir, pkg).split(sep).join("/")}/**/*`);
  }
  const config = nextConfig as C & TracedNextConfig;
  if (globs.size === 0) return config;
  const own = config.outputFileTracingIncludes ?? {};
  return {
    ...config,
    outputFileTracingIncludes: { ...own, "/**": [...(own["/**"] ?? []), ...[...globs].sort()] },
  };
}
