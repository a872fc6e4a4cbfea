// withSecretsLoader: the SDKs installed in the app (and their dependencies, hoisted or nested)
// become outputFileTracingIncludes; none installed leaves the config as it was.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PEERS_LOADED_BY_NAME, withSecretsLoader } from "../../src/next-tracing.js";

const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

function app(packages: Record<string, Record<string, string>>): string {
  const dir = mkdtempSync(join(tmpdir(), "sl-next-tracing-"));
  made.push(dir);
  writeFileSync(join(dir, "package.json"), "{}");
  for (const [path, dependencies] of Object.entries(packages)) {
    mkdirSync(join(dir, path), { recursive: true });
    writeFileSync(join(dir, path, "package.json"), JSON.stringify({ dependencies }));
  }
  return dir;
}

describe("withSecretsLoader", () => {
  it("adds nothing when no SDK is installed", () => {
    const dir = app({ "node_modules/react": {} });
    const config = { output: "standalone" as const };
    expect(withSecretsLoader(config, { dir })).toBe(config);
  });

  it("includes an installed SDK and its dependency closure, hoisted and nested, keeping the user's includes", () => {
    const dir = app({
      "node_modules/node-vault": { mustache: "^4", "postman-request": "^2" },
      "node_modules/mustache": {},
      "node_modules/postman-request": { "aws-sign2": "*" },
      "node_modules/postman-request/node_modules/aws-sign2": {},
      "node_modules/unrelated": {},
    });
    const out = withSecretsLoader(
      { output: "standalone", outputFileTracingIncludes: { "/**": ["./data/**/*"], "/a": ["x"] } },
      { dir },
    );
    expect(out.output).toBe("standalone");
    expect(out.outputFileTracingIncludes).toEqual({
      "/a": ["x"],
      "/**": [
        "./data/**/*",
        "node_modules/mustache/**/*",
        "node_modules/node-vault/**/*",
        "node_modules/postman-request/**/*",
        "node_modules/postman-request/node_modules/aws-sign2/**/*",
      ],
    });
  });

  it("refuses a config that is not an object, saying what it wants", () => {
    expect(() => withSecretsLoader(undefined as unknown as object)).toThrow(
      /nextConfig must be a Next.js config object/,
    );
  });

  // The others are imported by the app itself (its web framework, the official GCP client it
  // hands over), so the tracer sees them.
  const importedByTheApp = new Set(["express", "fastify", "@google-cloud/secret-manager"]);

  it("lists every optional peer loaded by name", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    const optional = Object.keys(pkg.peerDependencies).filter(
      (n) => pkg.peerDependenciesMeta?.[n]?.optional === true && !importedByTheApp.has(n),
    );
    expect([...PEERS_LOADED_BY_NAME].sort()).toEqual(optional.sort());
  });
});
