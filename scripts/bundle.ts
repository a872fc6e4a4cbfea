/**
 * Bundles the runtime JavaScript with esbuild; tsc emits only declarations.
 *
 * Why: Node pays a resolution and compile cost per ES module, and the package
 * root as ~15 tsc-emitted modules added ~20 ms to start-up, against a 15 ms
 * budget. One esbuild pass with code splitting over every entry point keeps
 * each shared module (errors, cache, ...) in exactly one chunk, so classes are
 * never duplicated between the root and a provider, while providers stay
 * separate chunks loaded by dynamic import only when used. Every bare import
 * (cloud SDKs, dotenv, commander ...) stays external.
 *
 * Declarations: the root needs every built-in's declaration, and each
 * `providers/<name>` entry its own. Left alone, esbuild gives each declaration a
 * chunk of its own (each is shared by a different set of entries), so the root
 * loads five more files. The build resolves the declaration imports of the provider
 * entries and of the composition root (`src/builtin-providers.ts`) to one module
 * re-exporting every built-in declaration, so all five share one
 * chunk; a provider entry then loads the other declarations (small, no runtime),
 * never their runtimes. The sources keep each provider importing only its own.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { build, type Plugin } from "esbuild";
import { BUNDLE_OPTIONS } from "./bundle-options.ts";

const root = new URL("..", import.meta.url).pathname;
// The package's entries: the root, the provider kit and its conformance suite,
// the CLI, the keys entry and its adapters, and every provider folder (found, not listed).
const entryPoints = ["src/index.ts", "src/browser.ts", "src/edge.ts", "src/provider/index.ts"];
for (const extra of [
  "src/provider/testing/index.ts",
  "src/cli/main.ts",
  "src/config/index.ts",
  "src/testing/index.ts",
]) {
  if (existsSync(join(root, extra))) entryPoints.push(extra);
}
if (existsSync(join(root, "src/keys/index.ts"))) entryPoints.push("src/keys/index.ts");
for (const name of readdirSync(join(root, "src/keys"), { withFileTypes: true })) {
  const entry = `src/keys/${name.name}/index.ts`;
  if (name.isDirectory() && existsSync(join(root, entry))) entryPoints.push(entry);
}
for (const name of readdirSync(join(root, "providers"))) {
  const entry = `providers/${name}/index.ts`;
  if (existsSync(join(root, entry))) entryPoints.push(entry);
}

// Every provider folder with a declaration, found, not listed.
const declared = readdirSync(join(root, "providers")).filter((name) =>
  existsSync(join(root, `providers/${name}/declaration.ts`)),
);
const ALL_DECLARATIONS = "builtin-declarations";
const oneDeclarationsChunk: Plugin = {
  name: "one-declarations-chunk",
  setup(b) {
    // The provider entries and the composition root both import the one module (else the
    // re-exporting module alone would be a chunk of its own, shared by the provider entries).
    b.onResolve({ filter: /\/declaration\.js$/ }, (args) =>
      /\/(providers\/[^/]+\/index|src\/builtin-providers)\.ts$/.test(args.importer) &&
      args.kind === "import-statement"
        ? { path: ALL_DECLARATIONS, namespace: ALL_DECLARATIONS }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: ALL_DECLARATIONS }, () => ({
      contents: declared
        .map((name) => `export * from "./providers/${name}/declaration.ts";`)
        .join("\n"),
      resolveDir: root,
      loader: "ts",
    }));
  },
};

await build({
  ...BUNDLE_OPTIONS,
  absWorkingDir: root,
  entryPoints,
  outdir: "dist",
  chunkNames: "chunks/[name]-[hash]",
  sourcemap: true,
  plugins: [oneDeclarationsChunk],
});
