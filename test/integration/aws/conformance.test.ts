/**
 * The provider kit's conformance suite for the AWS provider, against moto
 * with the official SDK. Fault scenarios (hangs) run through Toxiproxy in
 * test/integration/faults/.
 */

import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { beforeAll, describe, expect, it } from "vitest";
import { awsProvider } from "../../../providers/aws/index.js";
import { testProvider } from "../../../src/provider/testing/index.js";
import { aws, fakeValue, seedConfig, uniquePrefix } from "./support/moto.js";

const prefix = uniquePrefix();
const one = fakeValue("conformance-one");
const two = fakeValue("conformance-two");

beforeAll(async () => {
  const sm = new SecretsManagerClient(seedConfig());
  await sm.send(new CreateSecretCommand({ Name: `${prefix}/one`, SecretString: one }));
  await sm.send(new CreateSecretCommand({ Name: `${prefix}/two`, SecretString: two }));
  sm.destroy();
});

testProvider(
  { describe, it, expect },
  {
    name: "aws",
    provider: () => {
      const info = aws();
      return awsProvider({
        region: info.region,
        endpoint: info.endpoint,
        credentials: info.credentials,
        env: {},
      });
    },
    present: { ref: `aws-sm://${prefix}/one`, value: one },
    another: { ref: `aws-sm://${prefix}/two`, value: two },
    missing: `aws-sm://${prefix}/absent`,
    denied: { unsupported: "moto checks no IAM permissions" },
    invalid: `aws-sm://${prefix}/bad!name`,
    hang: { unsupported: "hangs are injected through Toxiproxy in the fault suite" },
    capabilities: {
      batch: true,
      leases: false,
      credentials: { request: { roleArn: "arn:aws:iam::123456789012:role/conformance" } },
    },
  },
);
