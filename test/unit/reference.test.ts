import { describe, expect, it } from "vitest";
import { InvalidReferenceError, SecretsError } from "../../src/errors.js";
import { displayReference, parseReference } from "../../src/reference/parse.js";
import { SchemeTable } from "../../src/reference/table.js";

type Good = [
  ref: string,
  expected: {
    scheme: string;
    path: string;
    options?: Record<string, string>;
    field?: string[];
    canonical?: string;
  },
];

const good: Good[] = [
  ["env://PAYMENT_API_KEY", { scheme: "env", path: "PAYMENT_API_KEY" }],
  ["env://_PRIVATE", { scheme: "env", path: "_PRIVATE" }],
  ["env://db_password2", { scheme: "env", path: "db_password2" }],
  ["ENV://API_KEY", { scheme: "env", path: "API_KEY", canonical: "env://API_KEY" }],
  [
    "env://APP_CONFIG#db.password",
    { scheme: "env", path: "APP_CONFIG", field: ["db", "password"] },
  ],
  ["env://LIST#items.0.key", { scheme: "env", path: "LIST", field: ["items", "0", "key"] }],
  ["env://PUBLICATION_TOKEN", { scheme: "env", path: "PUBLICATION_TOKEN" }],
  ["aws-sm://prod/db", { scheme: "aws-sm", path: "prod/db" }],
  ["aws-sm://prod/db#password", { scheme: "aws-sm", path: "prod/db", field: ["password"] }],
  [
    "aws-sm://prod/db?versionStage=AWSPREVIOUS#password",
    {
      scheme: "aws-sm",
      path: "prod/db",
      options: { versionStage: "AWSPREVIOUS" },
      field: ["password"],
    },
  ],
  [
    "aws-sm://prod/db?versionId=01234567-89ab-cdef-0123-456789abcdef",
    {
      scheme: "aws-sm",
      path: "prod/db",
      options: { versionId: "01234567-89ab-cdef-0123-456789abcdef" },
    },
  ],
  [
    "aws-sm://prod/db?region=eu-west-1&versionStage=AWSCURRENT",
    {
      scheme: "aws-sm",
      path: "prod/db",
      options: { region: "eu-west-1", versionStage: "AWSCURRENT" },
    },
  ],
  [
    "aws-sm://arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf",
    {
      scheme: "aws-sm",
      path: "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf",
    },
  ],
  ["aws-sm://my.secret+name=x@y-z_1", { scheme: "aws-sm", path: "my.secret+name=x@y-z_1" }],
  [
    "aws-sm://prod/db?versionStage=custom-stage",
    { scheme: "aws-sm", path: "prod/db", options: { versionStage: "custom-stage" } },
  ],
  ["aws-ssm:///prod/db/password", { scheme: "aws-ssm", path: "/prod/db/password" }],
  ["aws-ssm://flat-name", { scheme: "aws-ssm", path: "flat-name" }],
  [
    "aws-ssm:///prod/db/password:3",
    {
      scheme: "aws-ssm",
      path: "/prod/db/password",
      options: { version: "3" },
      canonical: "aws-ssm:///prod/db/password?version=3",
    },
  ],
  [
    "aws-ssm:///prod/db/password:live",
    { scheme: "aws-ssm", path: "/prod/db/password", options: { label: "live" } },
  ],
  [
    "aws-ssm:///prod/db/password?version=7",
    { scheme: "aws-ssm", path: "/prod/db/password", options: { version: "7" } },
  ],
  [
    "aws-ssm:///prod/app/config#feature.flag",
    { scheme: "aws-ssm", path: "/prod/app/config", field: ["feature", "flag"] },
  ],
  [
    "aws-ssm://arn:aws:ssm:us-east-1:123456789012:parameter/prod/db/password",
    { scheme: "aws-ssm", path: "arn:aws:ssm:us-east-1:123456789012:parameter/prod/db/password" },
  ],
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

type Bad = [ref: unknown, part: string, messageIncludes: string];

const bad: Bad[] = [
  ["", "", "empty"],
  [" env://API_KEY", '" "', "whitespace"],
  ["env://API_KEY ", '" "', "whitespace"],
  ["env://API_KEY\n", '"\\n"', "whitespace"],
  ["env://API\tKEY", '"\\t"', "whitespace"],
  ["env://API\u0000KEY", '"\\u0000"', "control character"],
  ["PAYMENT_API_KEY", "PAYMENT_API_KEY", "missing scheme"],
  ["env:PAYMENT_API_KEY", "env:", "'://'"],
  ["env:/PAYMENT_API_KEY", "env:", "'://'"],
  ["secretsmanager://prod/db", "secretsmanager://", "unknown scheme"],
  ["sercet://x", "sercet://", "unknown scheme"],
  ["aws-secrets://prod/db", "aws-secrets://", 'did you mean "aws-sm"'],
  ["1env://X", "1env://", "bad scheme name"],
  ["hashicorp-vault://secret/app", "hashicorp-vault://", 'did you mean "vault"'],
  ["env://", "env://", "path is empty"],
  ["aws-sm://", "aws-sm://", "path is empty"],
  ["vault:///", "vault://", "path is empty"],
  ["env://1ABC", "1ABC", "letters, digits and underscores"],
  ["env://API-KEY", "API-KEY", "letters, digits and underscores"],
  ["env://NEXT_PUBLIC_STRIPE_KEY", "NEXT_PUBLIC_", "public"],
  ["env://VITE_API_KEY", "VITE_", "public"],
  ["env://REACT_APP_TOKEN", "REACT_APP_", "public"],
  ["env://EXPO_PUBLIC_KEY", "EXPO_PUBLIC_", "public"],
  ["env://PUBLIC_KEY", "PUBLIC_", "public"],
  ["env://GATSBY_SECRET", "GATSBY_", "public"],
  ["env://NUXT_PUBLIC_TOKEN", "NUXT_PUBLIC_", "public"],
  ["env://API_KEY?region=x", "region=…", "takes no options"],
  ["aws-sm://prod/db?stage=AWSCURRENT", "stage=…", 'unknown option "stage"'],
  ["aws-sm://prod/db?versionstage=AWSCURRENT", "versionstage=…", 'did you mean "versionStage"'],
  ["aws-sm://prod/db?versionStage=", "versionStage=", "needs a value"],
  ["aws-sm://prod/db?versionStage", "versionStage", "needs a value"],
  ["aws-sm://prod/db?", "?", "name=value"],
  ["aws-sm://prod/db?versionStage=A&versionStage=B", "versionStage", "given twice"],
  [
    "aws-sm://prod/db?versionStage=AWSCURRENT&versionId=01234567-89ab-cdef-0123-456789abcdef",
    "versionStage & versionId",
    "two ways",
  ],
  ["aws-sm://prod/db?versionId=short", "versionId=…", "bad value"],
  ["aws-sm://prod/db?region=moon", "region=…", "bad value"],
  ["aws-sm://prod/db?versionStage=%E0%A4%A", "versionStage=…", "percent-encoding"],
  ["aws-sm://prod/db!", "prod/db!", "secret name"],
  [
    "aws-sm://arn:aws:secretsmanager:us-east-1:12345:secret:x",
    "arn:aws:secretsmanager:us-east-1:12345:secret:x",
    "ARN",
  ],
  ["aws-sm://prod/db#", "#", "field name"],
  ["aws-sm://prod/db#a..b", "#a..b", "dot path"],
  ["aws-sm://prod/db#.a", "#.a", "dot path"],
  ["aws-sm://prod/db#a.", "#a.", "dot path"],
  ["aws-sm://prod/db#a#b", "#a#b", "only one '#'"],
  ["aws-sm://prod/db#pass word", '" "', "whitespace"],
  ["aws-sm://prod/db#a/b", "#a/b", "dot path"],
  ["aws-ssm://prod/db/password", "prod/db/password", "three slashes"],
  ["aws-ssm:///prod//db", "/prod//db", "empty segments"],
  ["aws-ssm:///prod/db/", "/prod/db/", "empty segments"],
  ["aws-ssm:///prod/db:3?version=4", "3", "both after ':'"],
  ["aws-ssm:///prod/db?version=1&label=live", "version & label", "two ways"],
  ["aws-ssm:///prod/db?version=0", "version=…", "bad value"],
  ["aws-ssm:///prod/db:bad label", '" "', "whitespace"],
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
  ["vault://secret", "secret", "mount and the secret's path"],
  ["vault:///secret/app", "/secret/app", "leading or trailing"],
  ["vault://secret/app/", "secret/app/", "leading or trailing"],
  ["vault://secret//app", "//", "non-empty"],
  ["vault://secret/../sys", "..", "non-empty"],
  ["vault://secret/app?version=two", "version=…", "bad value"],
  ["vault://secret/app?kv=3", "kv=…", "one of 1, 2"],
  ["vault://kv1/app?kv=1&version=2", "version", "no versions"],
  ["vault://secret/app?token=abc", "token=…", 'unknown option "token"'],
  [42, "number", "must be a string"],
  [undefined, "undefined", "must be a string"],
];

describe("parseReference: valid references", () => {
  it.each(good)("%s", (raw, expected) => {
    const ref = parseReference(raw);
    expect(ref.scheme).toBe(expected.scheme);
    expect(ref.path).toBe(expected.path);
    expect(ref.options).toEqual(expected.options ?? {});
    expect(ref.field).toEqual(expected.field);
    expect(ref.raw).toBe(raw);
    if (expected.canonical) expect(ref.canonical).toBe(expected.canonical);
    expect(Object.isFrozen(ref)).toBe(true);
    // The canonical form parses back to itself.
    expect(parseReference(ref.canonical).canonical).toBe(ref.canonical);
  });
});

describe("parseReference: malformed references are rejected before any I/O", () => {
  it.each(bad)("%j", (raw, part, includes) => {
    let caught: unknown;
    try {
      parseReference(raw as string);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InvalidReferenceError);
    const err = caught as InvalidReferenceError;
    expect(SecretsError.is(err, "INVALID_REFERENCE")).toBe(true);
    expect(err.part).toBe(part);
    expect(err.message).toContain(includes);
    // Every error names the reference and offers a corrected example that parses.
    expect(err.message).toContain("Example of a valid reference:");
    expect(() => parseReference(err.example)).not.toThrow();
  });

  it("covers at least 60 references", () => {
    expect(good.length + bad.length).toBeGreaterThanOrEqual(60);
  });
});

describe("canonical forms", () => {
  it("ignores option order and keeps #field out of the source key", () => {
    const a = parseReference("vault://secret/app?version=2&kv=2#user");
    const b = parseReference("vault://secret/app?kv=2&version=2#password");
    expect(a.source).toBe(b.source);
    expect(a.canonical).not.toBe(b.canonical);
  });

  it("keeps versions and stages apart", () => {
    const cur = parseReference("aws-sm://prod/db?versionStage=AWSCURRENT");
    const prev = parseReference("aws-sm://prod/db?versionStage=AWSPREVIOUS");
    const plain = parseReference("aws-sm://prod/db");
    expect(new Set([cur.source, prev.source, plain.source]).size).toBe(3);
  });

  it("accepts custom schemes registered with their own rules", () => {
    const custom = new SchemeTable().add({
      scheme: "mem",
      rules: {
        mem: {
          options: { ttl: /^\d+$/ },
          example: "mem://a",
          path: (path, options) =>
            path.includes("!") ? { problem: "no bangs", part: path } : { path, options },
        },
      },
    });
    expect(parseReference("mem://a/b?ttl=5#x", custom).options).toEqual({ ttl: "5" });
    expect(() => parseReference("mem://a!", custom)).toThrow(/no bangs/);
    expect(() => parseReference("mem://a?other=1", custom)).toThrow(/allowed options: ttl/);
  });
});

describe("aliases", () => {
  it("normalises bao:// to vault://, so both share one cache entry", () => {
    const a = parseReference("bao://secret/app#password");
    const b = parseReference("vault://secret/app#password");
    expect(a.scheme).toBe("vault");
    expect(a.source).toBe(b.source);
    expect(a.canonical).toBe(b.canonical);
    expect(a.raw).toBe("bao://secret/app#password");
  });

  it("applies the main scheme's rule to an alias", () => {
    expect(() => parseReference("bao://secret")).toThrow(/mount and the secret's path/);
  });
});

describe("input that is not a reference is never echoed whole", () => {
  const fake = (n: number) => Array.from({ length: n }, (_, i) => "QxZ7kP2m"[i % 8]).join("");
  const secretPart = `${fake(12)}Tail`;
  const hostile = [
    `https://hooks.slack.com/services/T0000/B0000/${secretPart}`,
    `https://acct.blob.core.windows.net/c/b?sv=2024-01-01&sig=${secretPart}`,
    `postgres://db.example.com/app?password=${secretPart}`,
    `postgres://app:${secretPart}/x@db.example.com/app`,
    `mysql://app:p@ss${secretPart}@db/app`,
    `{"url":"https://api.example.com","token":"${secretPart}"}`,
    `env://X\n${secretPart}`,
    `vault://secret/app?password=${secretPart}`,
    `aws-sm://user:${secretPart}@host/db`,
  ];
  it.each(hostile)("%#", (raw) => {
    let caught: unknown;
    try {
      parseReference(raw);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InvalidReferenceError);
    const err = caught as InvalidReferenceError;
    const all = [err.message, err.part, err.example, err.reference, JSON.stringify(err)].join("\n");
    expect(all).not.toContain(secretPart);
    expect(all).not.toContain(secretPart.slice(0, 8));
    expect(displayReference(raw)).not.toContain(secretPart.slice(0, 5));
  });

  it("shows a scheme plus at most 4 characters", () => {
    expect(displayReference("https://hooks.example.com/T0/B0/XyZ")).toBe(
      "https://hook…(35 characters)",
    );
  });
});
