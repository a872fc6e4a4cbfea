import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { knownSchemes, schemeTable, showReference } from "../../../src/cli/references.js";
import { BUILTIN_PROVIDERS } from "../../../src/index.js";
import { type AnyProvider, defineProvider } from "../../../src/provider/index.js";

describe("CLI reference display", () => {
  it("shows a parsed reference in its canonical form, anything else never whole", () => {
    expect(showReference("ENV://API_KEY")).toBe("env://API_KEY");
    const secret = randomBytes(18).toString("base64url");
    for (const raw of [
      `https://hooks.slack.com/services/T0/B0/${secret}`,
      `postgres://app:${secret}@db/app`,
      `env://X\n${secret}`,
    ]) {
      expect(showReference(raw)).not.toContain(secret);
    }
  });

  it("knows the schemes of a config's provider modules once they are loaded", () => {
    const mem = defineProvider({
      name: "mem",
      schemes: { mem: { example: "mem://key" } },
      create: () => {
        throw new Error("not used");
      },
    });
    const descriptors = new Map<string, AnyProvider>([
      ...BUILTIN_PROVIDERS.map((p) => [p.declaration.name, p] as const),
      ["mem", mem],
    ]);
    expect(showReference("mem://key", schemeTable(descriptors))).toBe("mem://key");
  });

  it("lists the built-in schemes, then their aliases", () => {
    expect(knownSchemes()).toEqual(expect.arrayContaining(["env", "aws-sm", "vault", "bao"]));
  });
});
