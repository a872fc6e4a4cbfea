/**
 * Where the framework apps are installed: outside the repository on purpose. Node and every
 * bundler resolve packages by walking up the folders, and the repository's own node_modules
 * holds every cloud SDK (dev dependencies): an app inside it would find them, and "no SDK
 * installed" would not be tested. SL_FRAMEWORKS_CACHE overrides the place.
 */
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const root = new URL("../..", import.meta.url).pathname;

export const cacheDir =
  process.env.SL_FRAMEWORKS_CACHE ??
  join(
    tmpdir(),
    `secrets-loader-frameworks-${createHash("sha256").update(root).digest("hex").slice(0, 8)}`,
  );

/** The installed apps: the Next.js example, and the Vite + esbuild app. */
export const apps = {
  next: { source: join(root, "examples/nextjs"), dir: join(cacheDir, "next") },
  vite: { source: join(root, "test/frameworks/apps/vite"), dir: join(cacheDir, "vite") },
} as const;

/** Cloud SDKs none of the apps may be able to resolve. */
export const CLOUD_SDKS = [
  "@aws-sdk/client-secrets-manager",
  "@aws-sdk/client-ssm",
  "@aws-sdk/client-sts",
  "@aws-sdk/client-iam",
  "@azure/identity",
  "@azure/keyvault-secrets",
  "@google-cloud/secret-manager",
  "google-auth-library",
  "node-vault",
];
