import { defineConfig } from "vitest/config";

export default defineConfig({
  test: { include: ["examples/testing-your-app/*.vitest.test.mjs"], environment: "node" },
});
