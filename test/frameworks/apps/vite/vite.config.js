import { defineConfig } from "vite";

// SL_SSR_BUNDLE=1 bundles secrets-loader into the SSR output (ssr.noExternal) instead of
// leaving it in node_modules, Vite's default for dependencies.
export default defineConfig({
  logLevel: "info",
  ssr: process.env.SL_SSR_BUNDLE === "1" ? { noExternal: true } : {},
});
