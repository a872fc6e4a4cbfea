/** Where a gcp-sm:// read goes: the one global endpoint, or the regional template. */
import { describe, expect, it } from "vitest";
import { targetOf } from "../../../providers/gcp/runtime.js";
import { SecretManagerRest } from "../../../providers/gcp/secret-manager.js";
import { parseReference } from "../../../src/index.js";

describe("gcp endpoints", () => {
  const rest = new SecretManagerRest();
  const url = (raw: string, project = "acme-prod") => {
    const t = targetOf(parseReference(raw).path);
    const p = t.project ?? project;
    const name = `projects/${p}/${t.location ? `locations/${t.location}/` : ""}secrets/${t.secret}/versions/${t.version}`;
    return rest.accessUrl(name, t.location);
  };

  it("sends global secrets to secretmanager.googleapis.com", () => {
    expect(url("gcp-sm://stripe@3")).toBe(
      "https://secretmanager.googleapis.com/v1/projects/acme-prod/secrets/stripe/versions/3:access",
    );
    expect(url("gcp-sm://projects/example.com:my-proj/secrets/db")).toBe(
      "https://secretmanager.googleapis.com/v1/projects/example.com:my-proj/secrets/db/versions/latest:access",
    );
  });

  it("sends regional secrets to the location's endpoint", () => {
    expect(url("gcp-sm://projects/123/locations/europe-west1/secrets/db@prod")).toBe(
      "https://secretmanager.europe-west1.rep.googleapis.com/v1/projects/123/locations/europe-west1/secrets/db/versions/prod:access",
    );
  });

  it("takes both endpoints from options", () => {
    const r = new SecretManagerRest("http://127.0.0.1:8080/", "http://{location}.sm.test");
    expect(r.accessUrl("projects/p/secrets/s/versions/1", undefined)).toBe(
      "http://127.0.0.1:8080/v1/projects/p/secrets/s/versions/1:access",
    );
    expect(r.accessUrl("projects/p/locations/us-east1/secrets/s/versions/1", "us-east1")).toBe(
      "http://us-east1.sm.test/v1/projects/p/locations/us-east1/secrets/s/versions/1:access",
    );
    r.close();
  });
});
