// sameCodeFor: a shared failure re-raised for one reference keeps its code and class,
// a policy refusal included (it used to become a ProviderError).
import { describe, expect, it } from "vitest";
import {
  AccessDeniedError,
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
});
