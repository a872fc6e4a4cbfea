// @stand-ins: aws, toxiproxy
// The fault scenarios (src/provider/testing/faults.ts) for the AWS provider: the SDK talks to
// moto only through a Toxiproxy proxy; the secrets are seeded on moto directly.
import { randomUUID } from "node:crypto";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { awsProvider } from "../../../providers/aws/index.js";
import { faultScenarios } from "../../../src/provider/testing/faults.js";
import { standIn } from "../../support/stand-ins.js";
import { proxyTo } from "../../support/toxiproxy.js";

const aws = standIn("aws");
const prefix = `faults-${randomUUID().slice(0, 8)}`;
const present = [0, 1, 2, 3].map((i) => `aws-sm://${prefix}/s${i}`);

const seed = new SecretsManagerClient({
  region: aws.region,
  credentials: aws.credentials,
  endpoint: aws.endpoint,
});
try {
  for (let i = 0; i < present.length; i++) {
    await seed.send(
      new CreateSecretCommand({ Name: `${prefix}/s${i}`, SecretString: `fault-${randomUUID()}` }),
    );
  }
} finally {
  seed.destroy();
}

// Moto answers GetSecretValue with ~300 bytes of headers: a reset after 400 bytes cuts a
// 200 answer inside its JSON body, where the SDK is already parsing it.
const proxy = await proxyTo(aws.endpoint, { resetAfterBytes: 400 });
afterAll(() => proxy.close());

faultScenarios(
  { describe, it, expect, beforeAll, afterAll, beforeEach, afterEach },
  {
    name: "aws",
    faults: proxy,
    provider: () =>
      awsProvider({
        region: "us-east-1",
        endpoint: proxy.url,
        credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
        maxAttempts: 2,
        env: {},
      }),
    present,
  },
);
