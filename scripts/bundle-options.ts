/** The esbuild options of the package build, shared with tests that bundle the same way. */
import type { BuildOptions } from "esbuild";

export const BUNDLE_OPTIONS = {
  outbase: ".",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node22",
  packages: "external",
  logLevel: "warning",
} satisfies BuildOptions;
