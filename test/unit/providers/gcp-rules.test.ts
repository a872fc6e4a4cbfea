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
  ["gcp-sm://stripe@3", { scheme: "gcp-sm", path: "secrets/stripe/versions/3" }],
  ["gcp-sm://stripe@prod", { scheme: "gcp-sm", path: "secrets/stripe/versions/prod" }],
  [
    "gcp-sm://stripe@latest#db.password",
    {
      scheme: "gcp-sm",
      path: "secrets/stripe/versions/latest",
      field: ["db", "password"],
    },
  ],
  [
    "gcp-sm://projects/acme-prod/secrets/stripe@canary",
    { scheme: "gcp-sm", path: "projects/acme-prod/secrets/stripe/versions/canary" },
  ],
  // A version alias is a name of the user's: the API decides whether it exists.
  [
    "gcp-sm://projects/acme-prod/secrets/stripe/versions/newest",
    { scheme: "gcp-sm", path: "projects/acme-prod/secrets/stripe/versions/newest" },
  ],
  // Legacy domain-scoped project ids and project numbers are real project ids.
  [
    "gcp-sm://projects/example.com:my-proj/secrets/stripe",
    { scheme: "gcp-sm", path: "projects/example.com:my-proj/secrets/stripe/versions/latest" },
  ],
  [
    "gcp-sm://projects/123456789012/locations/us-central1/secrets/db@2",
    { scheme: "gcp-sm", path: "projects/123456789012/locations/us-central1/secrets/db/versions/2" },
  ],
  // Short ids: GCP enforces its own length rules; the API answers for them.
  [
    "gcp-sm://projects/ab/secrets/x",
    { scheme: "gcp-sm", path: "projects/ab/secrets/x/versions/latest" },
  ],
];

const bad: BadReference[] = [
  ["gcp-sm://projects/AB/secrets/x", "AB", "project id"],
  ["gcp-sm://projects/acme-prod/stripe", "stripe", "'secrets/NAME'"],
  [
    "gcp-sm://projects/acme-prod/secrets/stripe/versions/",
    "versions/",
    "'latest', a positive number or an alias",
  ],
  [
    "gcp-sm://projects/acme-prod/secrets/stripe/versions/0",
    "0",
    "'latest', a positive number or an alias",
  ],
  ["gcp-sm://projects/Example.com:Proj/secrets/x", "Example.com:Proj", "project id"],
  ["gcp-sm://projects/acme_prod/secrets/x", "acme_prod", "project id"],
  ["gcp-sm://stripe@", "@", "'latest', a positive number or an alias"],
  ["gcp-sm://stripe@v.1", "@v.1", "'latest', a positive number or an alias"],
  ["gcp-sm://str@pe@2", "@pe@2", "'latest', a positive number or an alias"],
  ["gcp-sm://stripe/version/1", "version", "'versions/VERSION'"],
  ["gcp-sm://stri.pe", "stri.pe", "secret id"],
  ["gcp-sm://stripe/versions/1/extra", "extra", "unexpected path segments"],
  ["gcp-sm://stripe?version=2", "version=…", "takes no options"],
];

describe("gcp-sm:// references", () => {
  referenceCases(good, bad);
});
