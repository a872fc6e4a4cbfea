/**
 * GCP and Azure classify auth material by what it holds, whatever it is
 * called: plain objects standing for minified classes, nested wrappers, keys
 * as PEM text or KeyObjects, files with any `type`.
 */
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  classifyAzureChain,
  classifyAzureCredential,
} from "../../../providers/azure/auth-class.js";
import { classifyGcpAuth } from "../../../providers/gcp/auth/auth-class.js";

const dir = mkdtempSync(join(tmpdir(), "auth-class-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const file = (content: string) => {
  const f = join(dir, randomUUID());
  writeFileSync(f, content);
  return f;
};

describe("classifyGcpAuth", () => {
  it("a private key anywhere, in any form, is long-lived", () => {
    const cases: unknown[] = [
      { a: { b: { c: { d: { key: pem } } } } }, // deep inside a wrapper of any name
      { sourceClient: { sourceClient: { gtoken: { key: privateKey } } } }, // a KeyObject
      { jsonContent: { private_key: "x" } }, // a private_key field, whatever its value looks like
      { keyFile: file(pem) }, // a PEM key file
      { keyFilename: file("\u0030\u0082binary-p12") }, // neither JSON nor PEM: a key all the same
      { keyFilename: file(JSON.stringify({ type: "whatever", private_key: pem })) },
    ];
    for (const c of cases) expect(classifyGcpAuth([c]).class).toBe("long-lived");
    expect(classifyGcpAuth([], { file: file(JSON.stringify({ private_key: pem })) }).class).toBe(
      "long-lived",
    );
  });

  it("a refresh token beside a client secret is a user login; a placeholder one alone is not", () => {
    const user = { _clientSecret: "s", _refreshToken: "r" };
    expect(classifyGcpAuth([user])).toMatchObject({ class: "long-lived", what: /refresh token/ });
    const compute = {
      serviceAccountEmail: "default",
      credentials: { refresh_token: "placeholder" },
    };
    expect(classifyGcpAuth([compute])).toMatchObject({ class: "short-lived" });
  });

  it("federation and the metadata server are short-lived; anything else unknown", () => {
    expect(
      classifyGcpAuth([{ subjectTokenType: "urn:ietf:params:oauth:token-type:jwt" }]).class,
    ).toBe("short-lived");
    expect(classifyGcpAuth([], { metadata: true }).class).toBe("short-lived");
    expect(classifyGcpAuth([{ credentials: { access_token: "t" } }]).class).toBe("unknown");
  });

  it("survives cycles and never names the key", () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    a.inner = { key: pem, back: a };
    const c = classifyGcpAuth([a]);
    expect(c.class).toBe("long-lived");
    expect(JSON.stringify(c)).not.toContain("PRIVATE KEY-----");
  });
});

describe("classifyAzureCredential", () => {
  it("a secret, certificate or password held anywhere is long-lived", () => {
    const cases: unknown[] = [
      { clientSecret: "s", getToken() {} },
      { _sources: [{ isAvailableIdentityClient: true }, { clientSecret: "s" }] }, // a chain
      { inner: { deeper: { certificateConfiguration: {} } } },
      { x: { certificate: pem } }, // a PEM key under any field name
      { x: { key: privateKey } },
      { username: "u", password: "p" },
    ];
    for (const c of cases) expect(classifyAzureCredential(c).class).toBe("long-lived");
  });

  it("workload identity, managed identity, an assertion: short-lived; else unknown", () => {
    expect(classifyAzureCredential({ federatedTokenFilePath: "/f" }).class).toBe("short-lived");
    expect(classifyAzureCredential({ managedIdentityApp: {} }).class).toBe("short-lived");
    expect(classifyAzureCredential({ getAssertion: async () => "a" }).class).toBe("short-lived");
    expect(classifyAzureCredential({ getToken: async () => null }).class).toBe("unknown");
  });

  it("the own chain: a configured secret is long-lived even last; else the link that answered", () => {
    expect(classifyAzureChain(["workloadIdentity", "clientSecret"], "workloadIdentity").class).toBe(
      "long-lived",
    );
    expect(classifyAzureChain(["managedIdentity", "azureCli"], "managedIdentity").class).toBe(
      "short-lived",
    );
    expect(classifyAzureChain(["managedIdentity", "azureCli"], "azureCli").class).toBe(
      "long-lived",
    );
  });
});
