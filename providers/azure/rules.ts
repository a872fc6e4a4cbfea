/**
 * Reference rules for `azure-kv://`, checked before any I/O; shared by the
 * provider's declaration (its schemes).
 */

import type { ReferenceRule } from "../../src/provider/index.js";

const AZ_VAULT_NAME = /^[A-Za-z](?!.*--)[A-Za-z0-9-]{1,22}[A-Za-z0-9]$/;
const AZ_VAULT_HOST = /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:\d{1,5})?$|^localhost(:\d{1,5})?$/;
const AZ_SECRET = /^[A-Za-z0-9-]{1,127}$/;
const AZ_VERSION = /^[A-Za-z0-9]{32}$/;

const ok = (path: string, options: Record<string, string>) => ({ path, options });

export const azureKv: ReferenceRule = {
  example: "azure-kv://acme-kv/stripe-key",
  options: {},
  path(path, options) {
    const [vault, secret, version, ...extra] = path.split("/");
    if (!vault || !(AZ_VAULT_NAME.test(vault) || AZ_VAULT_HOST.test(vault))) {
      return {
        problem:
          "a vault name has 3-24 letters, digits and single hyphens, starting with a letter (or give the vault's host name)",
        part: vault ?? path,
      };
    }
    if (!secret || !AZ_SECRET.test(secret)) {
      return {
        problem: "a secret name has 1-127 letters, digits and hyphens",
        part: secret ?? `${vault}/`,
        example: `azure-kv://${vault}/stripe-key`,
      };
    }
    if (version !== undefined && !AZ_VERSION.test(version)) {
      return {
        problem: "a version is a 32-character id",
        part: version,
        example: `azure-kv://${vault}/${secret}`,
      };
    }
    if (extra.length > 0)
      return { problem: "unexpected path segments after the version", part: extra.join("/") };
    return ok([vault.toLowerCase(), secret, version].filter(Boolean).join("/"), options);
  },
};
