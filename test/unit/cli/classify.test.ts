/**
 * Context classes and counting: a keyword finding in tests, docs or on a
 * dummy value is listed, not counted; a format-proven key counts anywhere
 * but in an uncommitted local file; half a key never counts.
 */

import { describe, expect, it } from "vitest";
import { counts, isDummyValue, pathContext } from "../../../src/cli/scan/classify.js";

describe("pathContext", () => {
  it.each([
    ["src/db.ts", "source"],
    ["lib/config/settings.py", "source"],
    ["test/auth.test.ts", "test-fixture"],
    ["packages/api/__tests__/a.js", "test-fixture"],
    ["src/users.spec.ts", "test-fixture"],
    ["internal/db_test.go", "test-fixture"],
    ["tests/test_login.py", "test-fixture"],
    ["fixtures/session.json", "test-fixture"],
    ["README.md", "docs-example"],
    ["node_modules/axios/README.md", "docs-example"],
    ["docs/setup.md", "docs-example"],
    ["examples/basic/main.mjs", "docs-example"],
    [".env.example", "docs-example"],
    ["config/app.yml.sample", "docs-example"],
    [
      "node_modules/@aws-sdk/client-iam/dist-types/commands/ChangePasswordCommand.d.ts",
      "docs-example",
    ],
  ])("%s is %s", (file, context) => {
    expect(pathContext(file)).toBe(context);
  });
});

describe("isDummyValue", () => {
  it("knows the stand-ins tests and tutorials use", () => {
    for (const v of [
      "password1",
      "wrongPassword1",
      "secret123",
      "Password!",
      "test-password",
      "s00pers3cret",
    ]) {
      expect(isDummyValue(v), v).toBe(true);
    }
    for (const v of ["Xk9mQ2vL?7pRw4Tz", "kdjw-2931-QPWZ", "hunter2isnotmypassword9"]) {
      expect(isDummyValue(v), v).toBe(false);
    }
  });
});

describe("counts", () => {
  it("format-proven keys count anywhere but local; keyword findings in source only; medium never", () => {
    for (const context of ["source", "test-fixture", "docs-example"] as const) {
      expect(counts({ confidence: "high", context }, false)).toBe(true);
      expect(counts({ confidence: "high", context }, true)).toBe(context === "source");
    }
    expect(counts({ confidence: "high", context: "local" }, false)).toBe(false);
    expect(counts({ confidence: "medium", context: "source" }, false)).toBe(false);
  });
});
