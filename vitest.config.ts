import { defineConfig } from "vitest/config";

// Three projects so unit tests run alone in seconds (`npm run test:unit`) while
// `npm test` also runs integration (real stand-ins) and e2e (built package, CLI, browser).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          environment: "node",
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          environment: "node",
          // Starts only the stand-ins the selected files need; see test/support/stand-ins.ts.
          globalSetup: ["test/support/stand-ins/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 240_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          // Real apps (Next.js with Turbopack and webpack, Vite, esbuild) built from the packed
          // package: installed once per run by the global setup (test/frameworks/setup.ts).
          name: "frameworks",
          include: ["test/frameworks/**/*.test.ts"],
          environment: "node",
          globalSetup: ["test/frameworks/setup.ts"],
          testTimeout: 300_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
