/**
 * The leak-alert handler's code (signatures, key fetch, alert parsing) is loaded by the first
 * alert, not by importing secrets-loader/keys nor by creating the handler: the entry's import
 * cost stays what it was.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const root = new URL("../../..", import.meta.url).pathname;

/** The dist/ files a child Node loads while running `body`. */
function distLoadedBy(body: string): string[] {
  const script = `
    import { registerHooks } from "node:module";
    const seen = [];
    registerHooks({ resolve(s, c, next) { const r = next(s, c); seen.push(r.url); return r; } });
    ${body}
    process.stdout.write(JSON.stringify(seen));
  `;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: root,
    encoding: "utf8",
  });
  return [...new Set((JSON.parse(out) as string[]).filter((u) => u.includes("/dist/")))];
}

const holdsHandler = (urls: string[]) =>
  urls.filter((u) => readFileSync(new URL(u), "utf8").includes("function createEngine"));

const create = `
  const { createKeyring, handleLeakAlert } = await import("secrets-loader/keys");
  const keyring = createKeyring({ pepper: "import-cost-pepper-".repeat(3) });
  const onLeakAlert = handleLeakAlert({ keyring, lookup: () => undefined, revoke: () => {},
    github: { keys: [{ key_identifier: "k", key: "-----BEGIN PUBLIC KEY-----\\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEb2Y=\\n-----END PUBLIC KEY-----" }] },
    onError: () => {} });
`;

describe("leak-alert import cost", () => {
  it("importing secrets-loader/keys and creating the handler does not load its code", () => {
    const urls = distLoadedBy(create);
    expect(holdsHandler(urls)).toEqual([]);
    expect(urls.length, urls.join("\n")).toBeLessThanOrEqual(3);
  });

  it("the first alert loads it (the check can fail)", () => {
    const urls = distLoadedBy(
      `${create} await onLeakAlert({ body: new Uint8Array(2), headers: {} });`,
    );
    expect(holdsHandler(urls)).toHaveLength(1);
  });
});
