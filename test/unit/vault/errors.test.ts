/** Vault answers to typed errors (no I/O): node-vault's error shape in, the core's errors out. */

import { describe, expect, it } from "vitest";
import { toVaultError } from "../../../providers/vault/errors.js";
import { SecretsError } from "../../../src/index.js";

/** node-vault rejects a non-2xx answer with an Error carrying `response.statusCode` and `body`. */
function answer(statusCode: number, errors: string[] = []) {
  return Object.assign(new Error(errors[0] ?? `Status ${statusCode}`), {
    response: { statusCode, body: { errors } },
  });
}

const ctx = {
  subject: 'secret "secret/app"',
  reference: "vault://secret/app#k",
  path: "secret/data/app",
  capability: "read",
};

describe("toVaultError", () => {
  it("403: AccessDenied naming the path and the capability, keeping the cause", () => {
    const cause = answer(403, ["1 error occurred:\n\t* permission denied\n\n"]);
    const e = toVaultError(cause, ctx);
    expect(SecretsError.is(e, "ACCESS_DENIED")).toBe(true);
    expect(e.message).toContain('"read" capability on "secret/data/app"');
    expect(e.cause).toBe(cause);
    expect(e.reference).toBe(ctx.reference);
  });

  it("404, 429, 500 and a sealed 503", () => {
    expect(toVaultError(answer(404), ctx).code).toBe("NOT_FOUND");
    expect(toVaultError(answer(429), ctx).code).toBe("THROTTLED");
    expect(toVaultError(answer(500), ctx).code).toBe("UNAVAILABLE");
    const sealed = toVaultError(answer(503, ["Vault is sealed"]), ctx);
    expect(sealed.code).toBe("UNAVAILABLE");
    expect(sealed.message).toMatch(/sealed/);
  });

  it("400: a provider error naming the path, never copying the server's text", () => {
    const e = toVaultError(answer(400, ["unknown role: s3cr3t-looking-role-name"]), ctx);
    expect(e.code).toBe("PROVIDER_ERROR");
    expect(e.message).toContain('"secret/data/app"');
    expect(e.message).not.toContain("s3cr3t-looking-role-name");
  });

  it("network failures are UNAVAILABLE; an untrusted certificate is a config error with the fix", () => {
    const reset = Object.assign(new TypeError("fetch failed"), {
      cause: Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }),
    });
    expect(toVaultError(reset, ctx).code).toBe("UNAVAILABLE");
    const tls = Object.assign(new TypeError("fetch failed"), {
      cause: Object.assign(new Error("unable to verify"), {
        code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
      }),
    });
    const e = toVaultError(tls, ctx);
    expect(e.code).toBe("INVALID_CONFIG");
    expect(e.message).toMatch(/NODE_EXTRA_CA_CERTS/);
  });
});
