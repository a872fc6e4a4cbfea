/** The Vault doctor facet's policy reading (no I/O): which ACL policies make a token an administrator. */

import { describe, expect, it } from "vitest";
import { adminGrant } from "../../../providers/vault/doctor.js";

describe("adminGrant", () => {
  it("flags sudo on any path, and every capability on *", () => {
    expect(adminGrant('path "*" { capabilities = ["sudo"] }')).toBe('sudo on "*"');
    expect(adminGrant('path "sys/mounts/*" {\n  capabilities = ["read", "sudo"]\n}')).toBe(
      'sudo on "sys/mounts/*"',
    );
    expect(
      adminGrant('path "*" { capabilities = ["create", "read", "update", "delete", "list"] }'),
    ).toBe('every capability on "*"');
    expect(adminGrant('path "*" { capabilities = ["*"] }')).toBe('every capability on "*"');
  });

  it("passes narrow policies", () => {
    expect(adminGrant('path "secret/data/app/*" { capabilities = ["read"] }')).toBeUndefined();
    expect(adminGrant('path "*" { capabilities = ["read", "list"] }')).toBeUndefined();
    expect(adminGrant("")).toBeUndefined();
  });
});
