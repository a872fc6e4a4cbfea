/** The azure-kv:// reference rules (providers/azure/rules.ts), through the parser, before any I/O. */

import { describe } from "vitest";
import {
  type BadReference,
  type GoodReference,
  referenceCases,
} from "../../support/reference-cases.js";

const good: GoodReference[] = [
  ["azure-kv://acme-kv/stripe-key", { scheme: "azure-kv", path: "acme-kv/stripe-key" }],
  ["azure-kv://Acme-KV/stripe-key", { scheme: "azure-kv", path: "acme-kv/stripe-key" }],
  [
    "azure-kv://acme-kv/stripe-key/0123456789abcdef0123456789abcdef",
    { scheme: "azure-kv", path: "acme-kv/stripe-key/0123456789abcdef0123456789abcdef" },
  ],
  [
    "azure-kv://localhost:8443/stripe-key",
    { scheme: "azure-kv", path: "localhost:8443/stripe-key" },
  ],
  [
    "azure-kv://acme-kv.vault.azure.net/db-creds#password",
    { scheme: "azure-kv", path: "acme-kv.vault.azure.net/db-creds", field: ["password"] },
  ],
];

const bad: BadReference[] = [
  ["azure-kv://acme-kv", "acme-kv/", "secret name"],
  ["azure-kv://a/stripe-key", "a", "vault name"],
  ["azure-kv://acme--kv/stripe-key", "acme--kv", "vault name"],
  ["azure-kv://acme-kv/stripe_key", "stripe_key", "secret name"],
  ["azure-kv://acme-kv/stripe-key/v1", "v1", "32-character"],
  [
    "azure-kv://acme-kv/stripe-key/0123456789abcdef0123456789abcdef/x",
    "x",
    "unexpected path segments",
  ],
];

describe("azure-kv:// references", () => {
  referenceCases(good, bad);
});
