// The example's config, with the build directory per bundler (two builds share one install).
import { withSecretsLoader } from "secrets-loader";

/** @type {import("next").NextConfig} */
export default withSecretsLoader({
  distDir: process.env.SL_NEXT_DIST_DIR ?? ".next",
  output: process.env.NEXT_OUTPUT === "standalone" ? "standalone" : undefined,
});
