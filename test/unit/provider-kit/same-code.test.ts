// sameCodeFor: a shared failure re-raised for one reference keeps its code and class,
// a policy refusal included (it used to become a ProviderError).
import { describe, expect, it } from "vitest";
import {
  AccessDeniedError,
  MissingDependencyError,
  PolicyViolationError,
  ProviderError,
  SecretsError,
  sameCodeFor,
} from "../../../src/provider/index.js";

const what = { provider: "gcp", subject: 'secret "db"', reference: "gcp-sm://db" };

describe("sameCodeFor", () => {
  it("keeps a policy refusal a PolicyViolationError, naming the reference, with its cause", () => {
    const refusal = new PolicyViolationError({ provider: "gcp", message: "gcp: key refused" });
    const err = sameCodeFor(refusal, what);
    expect(err).toBeInstanceOf(PolicyViolationError);
    expect(err.code).toBe("POLICY_VIOLATION");
    expect(err.reference).toBe("gcp-sm://db");
    expect(err.cause).toBe(refusal);
    expect(err.message).toContain("gcp: key refused");
  });

  it("keeps the other codes, and falls back to ProviderError", () => {
    expect(sameCodeFor(new AccessDeniedError({ provider: "gcp" }), what)).toBeInstanceOf(
      AccessDeniedError,
    );
    class Odd extends SecretsError {
      constructor() {
        super("BROWSER_USAGE", "odd", {});
      }
    }
    expect(sameCodeFor(new Odd(), what)).toBeInstanceOf(ProviderError);
  });

  // A missing SDK met inside a provider's shared login (Vault) must still say MISSING_DEPENDENCY
  // and name the package: it was a PROVIDER_ERROR, found by the Next standalone test.
  it("keeps a missing SDK a MissingDependencyError, with its package name", () => {
    const missing = new MissingDependencyError({ provider: "vault", packageName: "node-vault" });
    const err = sameCodeFor(missing, { ...what, provider: "vault" });
    expect(err).toBeInstanceOf(MissingDependencyError);
    expect(err.code).toBe("MISSING_DEPENDENCY");
    expect((err as MissingDependencyError).packageName).toBe("node-vault");
    expect(err.reference).toBe("gcp-sm://db");
    expect(err.cause).toBe(missing);
    expect(err.message).toContain("npm install node-vault");
  });
});
