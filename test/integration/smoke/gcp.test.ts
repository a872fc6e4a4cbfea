// Smoke test of the GCP stand-in (drongo's Secret Manager REST server) with the official client
// in REST-fallback mode (the stand-in has no gRPC endpoint; see the README's Testing section).
import { randomUUID } from "node:crypto";
import { SecretManagerServiceClient } from "@google-cloud/secret-manager";
import { OAuth2Client } from "google-auth-library";
import { describe, expect, it } from "vitest";
import { gcpClientOptions, standIn } from "../../support/stand-ins.js";

describe("gcp stand-in (drongo, REST)", () => {
  const gcp = standIn("gcp");

  function client() {
    // The stand-in accepts any bearer token; a fixed one keeps google-auth-library offline.
    const authClient = new OAuth2Client();
    authClient.setCredentials({
      access_token: `smoke-token-${randomUUID()}`,
      expiry_date: Date.now() + 3_600_000,
    });
    return new SecretManagerServiceClient({ ...gcpClientOptions(gcp), authClient });
  }

  it("listens on 127.0.0.1 only", () => {
    expect(gcp.host).toBe("127.0.0.1");
  });

  it("creates a secret, adds a version, reads latest back and deletes it", async () => {
    const sm = client();
    const secretId = `smoke-${randomUUID()}`;
    const value = `smoke-value-${randomUUID()}`;
    const [secret] = await sm.createSecret({
      parent: `projects/${gcp.projectId}`,
      secretId,
      secret: { replication: { automatic: {} } },
    });
    expect(secret.name).toBe(`projects/${gcp.projectId}/secrets/${secretId}`);
    const [version] = await sm.addSecretVersion({
      parent: secret.name,
      payload: { data: Buffer.from(value) },
    });
    expect(version.name).toBe(`${secret.name}/versions/1`);

    const [access] = await sm.accessSecretVersion({ name: `${secret.name}/versions/latest` });
    expect(Buffer.from(access.payload?.data ?? "").toString() === value).toBe(true);

    await sm.deleteSecret({ name: secret.name });
    await expect(
      sm.accessSecretVersion({ name: `${secret.name}/versions/latest` }),
    ).rejects.toMatchObject({ code: 5 }); // NOT_FOUND
    await sm.close();
  });
});
