/** The vault:// reference rules (providers/vault/rules.ts), through the parser, before any I/O. */

import { describe } from "vitest";
import {
  type BadReference,
  type GoodReference,
  referenceCases,
} from "../../support/reference-cases.js";

const good: GoodReference[] = [
  ["vault://secret/app#key", { scheme: "vault", path: "secret/app", field: ["key"] }],
  [
    "vault://secret/app/db?version=2#password",
    { scheme: "vault", path: "secret/app/db", options: { version: "2" }, field: ["password"] },
  ],
  [
    "vault://kv1/app?kv=1#token",
    { scheme: "vault", path: "kv1/app", options: { kv: "1" }, field: ["token"] },
  ],
  [
    "vault://secret/app?namespace=team-a/prod",
    { scheme: "vault", path: "secret/app", options: { namespace: "team-a/prod" } },
  ],
  ["vault://database/creds/readonly", { scheme: "vault", path: "database/creds/readonly" }],
  [
    "vault://secret/app?version=2&kv=2",
    {
      scheme: "vault",
      path: "secret/app",
      options: { version: "2", kv: "2" },
      canonical: "vault://secret/app?kv=2&version=2",
    },
  ],
];

const bad: BadReference[] = [
  ["vault:///", "vault://", "path is empty"],
  ["vault://secret", "secret", "mount and the secret's path"],
  ["vault:///secret/app", "/secret/app", "leading or trailing"],
  ["vault://secret/app/", "secret/app/", "leading or trailing"],
  ["vault://secret//app", "//", "non-empty"],
  ["vault://secret/../sys", "..", "non-empty"],
  ["vault://secret/app?version=two", "version=…", "bad value"],
  ["vault://secret/app?kv=3", "kv=…", "one of 1, 2"],
  ["vault://kv1/app?kv=1&version=2", "version", "no versions"],
  ["vault://secret/app?token=abc", "token=…", 'unknown option "token"'],
];

describe("vault:// references", () => {
  referenceCases(good, bad);
});
