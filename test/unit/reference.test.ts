import { describe, expect, it } from "vitest";
import { InvalidReferenceError } from "../../src/errors.js";
import { parseReference } from "../../src/index.js";
import {
  displayReference,
  parseReference as parseReferenceWith,
} from "../../src/reference/parse.js";
import { SchemeTable } from "../../src/reference/table.js";
import {
  type BadReference,
  type GoodReference,
  referenceCases,
} from "../support/reference-cases.js";

const good: GoodReference[] = [
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
];

const bad: BadReference[] = [
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
  [42, "number", "must be a string"],
  [undefined, "undefined", "must be a string"],
];

describe("parseReference: the core's rules (env, aws) and its generic checks", () => {
  referenceCases(good, bad);

  it("covers at least 60 references (the vault, gcp-sm and azure-kv rules are tested in test/unit/providers/)", () => {
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
      schemes: {
        mem: {
          options: { ttl: /^\d+$/ },
          example: "mem://a",
          path: (path, options) =>
            path.includes("!") ? { problem: "no bangs", part: path } : { path, options },
        },
      },
    });
    expect(parseReferenceWith("mem://a/b?ttl=5#x", custom).options).toEqual({ ttl: "5" });
    expect(() => parseReferenceWith("mem://a!", custom)).toThrow(/no bangs/);
    expect(() => parseReferenceWith("mem://a?other=1", custom)).toThrow(/allowed options: ttl/);
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
