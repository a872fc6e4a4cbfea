// @stand-ins: aws, toxiproxy
/**
 * The provider kit's conformance suite for the AWS provider, with the official
 * SDK against moto, and its fault scenarios through a Toxiproxy proxy in
 * front of moto (the secrets are seeded on moto directly).
 */

import { randomUUID } from "node:crypto";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { awsProvider } from "../../../providers/aws/index.js";
import { testProvider } from "../../../src/provider/testing/index.js";
import { proxyTo } from "../../support/toxiproxy.js";
import { aws, fakeValue, seedConfig, uniquePrefix } from "./support/moto.js";

const prefix = uniquePrefix();
const one = fakeValue("conformance-one");
const two = fakeValue("conformance-two");
const faulty = [0, 1, 2, 3].map((i) => `aws-sm://${prefix}/fault-${i}`);

const sm = new SecretsManagerClient(seedConfig());
try {
  await sm.send(new CreateSecretCommand({ Name: `${prefix}/one`, SecretString: one }));
  await sm.send(new CreateSecretCommand({ Name: `${prefix}/two`, SecretString: two }));
  for (let i = 0; i < faulty.length; i++) {
    await sm.send(
      new CreateSecretCommand({
        Name: `${prefix}/fault-${i}`,
        SecretString: `fault-${randomUUID()}`,
      }),
    );
  }
} finally {
  sm.destroy();
}

// Moto answers GetSecretValue with ~300 bytes of headers: a reset after 400 bytes cuts a
// 200 answer inside its JSON body, where the SDK is already parsing it.
const proxy = await proxyTo(aws().endpoint, { resetAfterBytes: 400 });
afterAll(() => proxy.close());

const viaProxy = () =>
  awsProvider({
    region: aws().region,
    endpoint: proxy.url,
    credentials: aws().credentials,
    maxAttempts: 2,
    env: {},
  });

testProvider(
  { describe, it, expect, beforeAll, afterAll, beforeEach, afterEach },
  {
    name: "aws",
    provider: viaProxy,
    present: { ref: `aws-sm://${prefix}/one`, value: one },
    another: { ref: `aws-sm://${prefix}/two`, value: two },
    missing: `aws-sm://${prefix}/absent`,
    denied: { unsupported: "moto checks no IAM permissions" },
    invalid: `aws-sm://${prefix}/bad!name`,
    hang: { start: () => proxy.blackHole(), stop: () => proxy.heal() },
    faults: { injector: proxy, provider: viaProxy, present: faulty },
    capabilities: {
      batch: true,
      leases: false,
      credentials: { request: { roleArn: "arn:aws:iam::123456789012:role/conformance" } },
    },
  },
);
