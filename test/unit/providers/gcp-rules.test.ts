/** The gcp-sm:// reference rules (providers/gcp/rules.ts), through the parser, before any I/O. */

import { describe } from "vitest";
import {
  type BadReference,
  type GoodReference,
  referenceCases,
} from "../../support/reference-cases.js";

const good: GoodReference[] = [
  [
    "gcp-sm://projects/acme-prod/secrets/stripe/versions/3",
    { scheme: "gcp-sm", path: "projects/acme-prod/secrets/stripe/versions/3" },
  ],
  [
    "gcp-sm://projects/acme-prod/secrets/stripe",
    { scheme: "gcp-sm", path: "projects/acme-prod/secrets/stripe/versions/latest" },
  ],
  ["gcp-sm://stripe", { scheme: "gcp-sm", path: "secrets/stripe/versions/latest" }],
  ["gcp-sm://stripe/versions/2", { scheme: "gcp-sm", path: "secrets/stripe/versions/2" }],
  [
    "gcp-sm://projects/123456789/secrets/api_key/versions/latest#token",
    {
      scheme: "gcp-sm",
      path: "projects/123456789/secrets/api_key/versions/latest",
      field: ["token"],
    },
  ],
  [
    "gcp-sm://projects/acme-prod/locations/europe-west1/secrets/stripe/versions/1",
    {
      scheme: "gcp-sm",
      path: "projects/acme-prod/locations/europe-west1/secrets/stripe/versions/1",
    },
  ],
];

const bad: BadReference[] = [
  ["gcp-sm://projects/AB/secrets/x", "AB", "project id"],
  ["gcp-sm://projects/acme-prod/stripe", "stripe", "'secrets/NAME'"],
  [
    "gcp-sm://projects/acme-prod/secrets/stripe/versions/",
    "versions/",
    "'latest' or a positive number",
  ],
  [
    "gcp-sm://projects/acme-prod/secrets/stripe/versions/newest",
    "newest",
    "'latest' or a positive number",
  ],
  ["gcp-sm://stripe/version/1", "version", "'versions/VERSION'"],
  ["gcp-sm://stri.pe", "stri.pe", "secret id"],
  ["gcp-sm://stripe/versions/1/extra", "extra", "unexpected path segments"],
  ["gcp-sm://stripe?version=2", "version=…", "takes no options"],
];

describe("gcp-sm:// references", () => {
  referenceCases(good, bad);
});
