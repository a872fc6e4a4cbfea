/**
 * importPeer: an absent package, and a module that lacks the exports a provider needs (what
 * Next's webpack build makes of a missing optional peer), are both MISSING_DEPENDENCY;
 * an SDK given to providePeer is used without importing anything.
 */
import { afterEach, describe, expect, it } from "vitest";
import { MissingDependencyError, SecretsError } from "../../../src/errors.js";
import { importPeer, providePeer } from "../../../src/peer.js";

const injected = () =>
  (globalThis as Record<symbol, Map<string, unknown>>)[Symbol.for("secrets-loader.peers")];

afterEach(() => injected()?.clear());

/** The error a promise rejects with (a resolved promise fails the test). */
const failure = (p: Promise<unknown>): Promise<MissingDependencyError> =>
  p.then(
    () => {
      throw new Error("expected a rejection");
    },
    (e: unknown) => e as MissingDependencyError,
  );

describe("importPeer", () => {
  it("an absent package is MISSING_DEPENDENCY naming it and the install command", async () => {
    const err = await failure(importPeer("aws", "sl-absent-sdk-package", ["Client"]));
    expect(SecretsError.is(err, "MISSING_DEPENDENCY")).toBe(true);
    expect(err).toBeInstanceOf(MissingDependencyError);
    expect(err.name).toBe("MissingDependencyError");
    expect(err.packageName).toBe("sl-absent-sdk-package");
    expect(err.message).toContain("npm install sl-absent-sdk-package");
  });

  it("a module lacking a needed export (a bundler's empty module) is MISSING_DEPENDENCY", async () => {
    providePeer("@aws-sdk/client-secrets-manager", {});
    const err = await failure(
      importPeer("aws", "@aws-sdk/client-secrets-manager", ["SecretsManagerClient"]),
    );
    expect(SecretsError.is(err, "MISSING_DEPENDENCY")).toBe(true);
    expect(err.message).toMatch(/lacks SecretsManagerClient/);
    expect(err.message).toContain("npm install @aws-sdk/client-secrets-manager");
  });

  it("uses an injected module, unwrapping a CommonJS default when needed", async () => {
    class Client {}
    providePeer("sl-injected", { default: { Client } });
    const m = await importPeer<{ Client: typeof Client }>("aws", "sl-injected", ["Client"]);
    expect(m.Client).toBe(Client);
  });

  it("imports an installed package by name", async () => {
    const m = await importPeer<{ parse: unknown }>("env", "dotenv", ["parse"]);
    expect(typeof m.parse).toBe("function");
  });

  it("providePeer refuses what is not a module", () => {
    expect(() => providePeer("x", undefined as unknown as object)).toThrow(/module namespace/);
    expect(() => providePeer("", {})).toThrow(/package name/);
  });
});
