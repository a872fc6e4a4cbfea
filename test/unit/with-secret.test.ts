import { describe, expect, it } from "vitest";
import { isAuthFailure } from "../../src/with-secret.js";

describe("withSecret's auth-failure test (backend-agnostic)", () => {
  it("isAuthFailure recognises HTTP 401/403 and common driver codes", () => {
    expect(isAuthFailure({ status: 401 })).toBe(true);
    expect(isAuthFailure({ response: { status: 403 } })).toBe(true);
    expect(isAuthFailure({ $metadata: { httpStatusCode: 403 } })).toBe(true);
    expect(isAuthFailure(Object.assign(new Error("x"), { code: "28P01" }))).toBe(true);
    expect(isAuthFailure({ code: "ER_ACCESS_DENIED_ERROR" })).toBe(true);
    expect(isAuthFailure({ code: "WRONGPASS invalid username-password pair" })).toBe(true);
    expect(isAuthFailure({ status: 500 })).toBe(false);
    expect(isAuthFailure(new Error("boom"))).toBe(false);
    expect(isAuthFailure(null)).toBe(false);
  });
});
