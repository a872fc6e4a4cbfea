/** `?wrapTTL=` on vault:// references (response wrapping), through the parser, before any I/O. */

import { describe } from "vitest";
import {
  type BadReference,
  type GoodReference,
  referenceCases,
} from "../../support/reference-cases.js";

const good: GoodReference[] = [
  [
    "vault://secret/app?wrapTTL=60s",
    { scheme: "vault", path: "secret/app", options: { wrapTTL: "60s" } },
  ],
  [
    "vault://database/creds/ro?wrapTTL=300",
    { scheme: "vault", path: "database/creds/ro", options: { wrapTTL: "300" } },
  ],
];

const bad: BadReference[] = [
  ["vault://secret/app?wrapTTL=0", "wrapTTL=…", "bad value"],
  ["vault://secret/app?wrapTTL=1d", "wrapTTL=…", "bad value"],
];

describe("vault:// ?wrapTTL=", () => {
  referenceCases(good, bad);
});
