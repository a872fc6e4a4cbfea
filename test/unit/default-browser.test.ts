/**
 * The zero-config functions in a browser-like runtime (window and document
 * appear after the import, as in a test environment or a script tag): each
 * returns a promise, rejected with BROWSER_USAGE, never a synchronous throw
 * that would escape `.catch()` and `Promise.allSettled`.
 */

import { afterEach, describe, expect, it } from "vitest";
import { getCredentials, getSecret, load } from "../../src/index.js";

const g = globalThis as Record<string, unknown>;

afterEach(() => {
  delete g.window;
  delete g.document;
});

describe("zero-config functions in a browser-like runtime", () => {
  const calls: Array<[string, () => unknown]> = [
    ["getSecret(ref)", () => getSecret("env://HOME")],
    ["getSecret(ref, options)", () => getSecret("env://HOME", { type: "string" })],
    ["getCredentials", () => getCredentials("vault", { path: "database/creds/app" })],
    ["load", () => load({ A: "env://HOME" })],
  ];
  it.each(calls)("%s returns a promise rejected with BROWSER_USAGE", async (_name, call) => {
    g.window = {};
    g.document = {};
    let result: unknown;
    expect(() => {
      result = call();
    }).not.toThrow();
    expect(result).toBeInstanceOf(Promise);
    await expect(result).rejects.toMatchObject({ code: "BROWSER_USAGE" });
  });

  it("also after the default client was created on the server side", async () => {
    await expect(getSecret("env://HOME")).resolves.toBeTypeOf("string");
    g.window = {};
    g.document = {};
    const result = getSecret("env://HOME");
    expect(result).toBeInstanceOf(Promise);
    await expect(result).rejects.toMatchObject({ code: "BROWSER_USAGE" });
  });
});
