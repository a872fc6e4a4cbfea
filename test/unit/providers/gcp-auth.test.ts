// The GCP auth layer's pure parts: classifying the source credentials (no network),
// the default project's order, the requireShortLived refusal, and request normalisation.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { impersonationSpec, lifetimeSeconds } from "../../../providers/gcp/auth/create.js";
import { inspectGcpSource, projectFromSettings } from "../../../providers/gcp/auth/source.js";
import { ConfigError } from "../../../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "gcp-auth-unit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, json: unknown): string {
  const f = join(dir, name);
  writeFileSync(f, JSON.stringify(json));
  return f;
}
const noHome = { HOME: join(dir, "empty-home") };

describe("inspectGcpSource", () => {
  it("classifies each ADC file type, and says which are long-lived", () => {
    const key = file("sa.json", {
      type: "service_account",
      project_id: "acme-prod",
      client_email: "app@acme-prod.iam.gserviceaccount.com",
    });
    expect(inspectGcpSource({}, { ...noHome, GOOGLE_APPLICATION_CREDENTIALS: key })).toEqual({
      kind: "service_account",
      longLived: true,
      principal: "app@acme-prod.iam.gserviceaccount.com",
      file: key,
      origin: "GOOGLE_APPLICATION_CREDENTIALS",
      projectHints: ["acme-prod"],
    });
    const user = file("user.json", { type: "authorized_user", quota_project_id: "quota-1" });
    expect(inspectGcpSource({ keyFilename: user }, noHome)).toMatchObject({
      kind: "authorized_user",
      longLived: true,
      origin: "keyFilename",
      projectHints: ["quota-1"],
    });
    const fed = file("fed.json", {
      type: "external_account",
      audience:
        "//iam.googleapis.com/projects/424242/locations/global/workloadIdentityPools/p/providers/q",
    });
    expect(inspectGcpSource({ keyFilename: fed }, noHome)).toMatchObject({
      kind: "external_account",
      longLived: false,
      projectHints: ["424242"],
    });
    const overKey = file("imp-key.json", {
      type: "impersonated_service_account",
      service_account_impersonation_url:
        "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/t@p.iam.gserviceaccount.com:generateAccessToken",
      source_credentials: { type: "service_account", project_id: "src-proj" },
    });
    expect(inspectGcpSource({ keyFilename: overKey }, noHome)).toMatchObject({
      kind: "impersonated_service_account",
      sourceOf: "service_account",
      longLived: true,
      principal: "t@p.iam.gserviceaccount.com",
      projectHints: ["src-proj"],
    });
    const overFed = file("imp-fed.json", {
      type: "impersonated_service_account",
      source_credentials: { type: "external_account" },
    });
    expect(inspectGcpSource({ keyFilename: overFed }, noHome)).toMatchObject({
      sourceOf: "external_account",
      longLived: false,
    });
  });

  it("an injected client, the gcloud file, the metadata server, an unreadable file", () => {
    const authClient = { getRequestHeaders: async () => ({}) };
    expect(inspectGcpSource({ authClient }, noHome).kind).toBe("injected");
    expect(inspectGcpSource({}, noHome).kind).toBe("metadata");
    const gcloud = join(dir, "gcloud");
    mkdirSync(gcloud, { recursive: true });
    writeFileSync(
      join(gcloud, "application_default_credentials.json"),
      JSON.stringify({ type: "authorized_user" }),
    );
    expect(inspectGcpSource({}, { CLOUDSDK_CONFIG: gcloud })).toMatchObject({
      kind: "authorized_user",
      origin: "gcloud",
    });
    expect(
      inspectGcpSource({}, { ...noHome, GOOGLE_APPLICATION_CREDENTIALS: join(dir, "nope.json") })
        .kind,
    ).toBe("unknown");
  });
});

describe("projectFromSettings", () => {
  const info = { kind: "service_account" as const, longLived: true, projectHints: ["from-file"] };
  it("takes the option, then GOOGLE_CLOUD_PROJECT, GCLOUD_PROJECT, then the file", () => {
    const env = { GOOGLE_CLOUD_PROJECT: "g1", GCLOUD_PROJECT: "g2" };
    expect(projectFromSettings({ projectId: "opt" }, env, info)).toBe("opt");
    expect(projectFromSettings({}, env, info)).toBe("g1");
    expect(projectFromSettings({}, { GCLOUD_PROJECT: "g2" }, info)).toBe("g2");
    expect(projectFromSettings({}, {}, info)).toBe("from-file");
    expect(projectFromSettings({}, {}, { ...info, projectHints: [] })).toBeUndefined();
  });
});

describe("request normalisation", () => {
  it("lifetimes in seconds or s/m/h, 1 s to 12 h", () => {
    expect([lifetimeSeconds(undefined), lifetimeSeconds(600), lifetimeSeconds("15m")]).toEqual([
      3600, 600, 900,
    ]);
    expect([lifetimeSeconds("1h"), lifetimeSeconds("90s")]).toEqual([3600, 90]);
    for (const bad of [0, -5, 1.5, "13h", "ten", ""]) {
      expect(() => lifetimeSeconds(bad)).toThrow(ConfigError);
    }
  });

  it("fills the provider's impersonation in, for its own target only", () => {
    const base = {
      targetPrincipal: "reader@p.iam.gserviceaccount.com",
      delegates: ["hop@p.iam.gserviceaccount.com"],
      lifetime: "10m",
    };
    expect(impersonationSpec({}, base)).toEqual({
      target: "reader@p.iam.gserviceaccount.com",
      delegates: ["projects/-/serviceAccounts/hop@p.iam.gserviceaccount.com"],
      scopes: ["https://www.googleapis.com/auth/cloud-platform"],
      lifetimeSeconds: 600,
    });
    // Another target does not inherit the provider's delegates or lifetime.
    expect(impersonationSpec({ targetPrincipal: "other@p.iam.gserviceaccount.com" }, base)).toEqual(
      {
        target: "other@p.iam.gserviceaccount.com",
        delegates: [],
        scopes: ["https://www.googleapis.com/auth/cloud-platform"],
        lifetimeSeconds: 3600,
      },
    );
    expect(() => impersonationSpec({})).toThrow(ConfigError);
  });
});
