import { afterEach, describe, expect, it } from "vitest";
import { BrowserUsageError } from "../../src/errors.js";
import { assertServerRuntime } from "../../src/guard.js";

const g = globalThis as Record<string, unknown>;
const saved = {
  window: g.window,
  document: g.document,
  importScripts: g.importScripts,
  WorkerGlobalScope: g.WorkerGlobalScope,
  navigator: Object.getOwnPropertyDescriptor(globalThis, "navigator"),
};

afterEach(() => {
  for (const k of ["window", "document", "importScripts", "WorkerGlobalScope"] as const) {
    if (saved[k] === undefined) delete g[k];
    else g[k] = saved[k];
  }
  if (saved.navigator) Object.defineProperty(globalThis, "navigator", saved.navigator);
});

describe("runtime browser guard", () => {
  it("passes in Node.js", () => {
    expect(() => assertServerRuntime()).not.toThrow();
  });

  it("refuses a page (window and document)", () => {
    g.window = {};
    g.document = {};
    expect(() => assertServerRuntime()).toThrow(BrowserUsageError);
  });

  it("refuses a web worker (importScripts and WorkerGlobalScope)", () => {
    g.importScripts = () => {};
    g.WorkerGlobalScope = function WorkerGlobalScope() {};
    expect(() => assertServerRuntime()).toThrow(BrowserUsageError);
  });

  it("refuses React Native (navigator.product)", () => {
    Object.defineProperty(globalThis, "navigator", {
      value: { product: "ReactNative" },
      configurable: true,
    });
    expect(() => assertServerRuntime()).toThrow(/server code only/);
  });
});
