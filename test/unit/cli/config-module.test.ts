/** `--config-module` loading and merging, without a child process. */
import { describe, expect, it } from "vitest";
import { loadConfigModule, mergeModuleReferences } from "../../../src/cli/config/module.js";
import { ConfigSchema } from "../../../src/cli/config/schema.js";

const FIXTURES = new URL("../../fixtures/config-module/", import.meta.url).pathname;

describe("loadConfigModule", () => {
  it("finds the default export's entries (names, references, optional), no values", async () => {
    const m = await loadConfigModule(`${FIXTURES}app.config.mjs`);
    expect(m.entries).toEqual([
      { name: "CM_URL", ref: "env://CM_URL", type: "string", optional: false },
      { name: "CM_PORT", ref: "env://CM_PORT", type: "string", optional: true },
      { name: "CM_TOKEN", ref: "env://CM_TOKEN", type: "string", optional: false },
    ]);
  });

  it("says what a .ts module needs when this Node cannot strip types", async () => {
    await expect(loadConfigModule(`${FIXTURES}app.config.ts`, false)).rejects.toThrow(
      /needs Node >= 22\.18 \(or 22\.12-22\.17 with NODE_OPTIONS=--experimental-strip-types\); or compile it to \.js\/\.mjs/,
    );
  });

  it("refuses other file types, naming the forms it takes", async () => {
    await expect(loadConfigModule(`${FIXTURES}../config-module/none.mjs`)).rejects.toThrow(
      /exports no defineConfig\(\) result/,
    );
    await expect(loadConfigModule("package.json")).rejects.toThrow(
      /expected an ES module \(\.js or \.mjs; \.ts on Node >= 22\.18\)/,
    );
  });
});

describe("mergeModuleReferences", () => {
  it("adds each reference once: one the JSON config names is left out; a taken name is suffixed", async () => {
    const config = ConfigSchema.parse({
      references: {
        API_TOKEN: "env://CM_TOKEN",
        CM_URL: { ref: "env://SOMETHING_ELSE" },
      },
    });
    mergeModuleReferences(config, await loadConfigModule(`${FIXTURES}app.config.mjs`));
    expect(config.references).toEqual({
      API_TOKEN: "env://CM_TOKEN",
      CM_URL: { ref: "env://SOMETHING_ELSE" },
      CM_URL_2: { ref: "env://CM_URL", type: "string", optional: false },
      CM_PORT: { ref: "env://CM_PORT", type: "string", optional: true },
    });
  });
});
