/**
 * The AWS stand-in (moto) for these tests, from the shared harness, plus
 * helpers to seed it with the official SDK clients.
 */

import { randomUUID } from "node:crypto";
import { type AwsStandIn, standIn } from "../../../support/stand-ins.js";

/** The AWS stand-in started by the integration project's globalSetup. */
export function aws(): AwsStandIn {
  return standIn("aws");
}

/** A distinctive fake value, never a real credential. */
export function fakeValue(label = "v"): string {
  return `aws-test-${label}-${randomUUID()}`;
}

/** A unique name prefix per test, so tests never collide on the shared stand-in. */
export function uniquePrefix(): string {
  return `t${randomUUID().slice(0, 8)}`;
}

import { type AwsProviderOptions, awsProvider } from "../../../../providers/aws/index.js";
import {
  createSecrets,
  type Secrets,
  type SecretsEvent,
  type SecretsOptions,
} from "../../../../src/index.js";

/** A client whose `aws` provider talks to `endpoint` (the stand-in or a proxy in front of it). */
export function awsSecrets(
  endpoint: string,
  provider: AwsProviderOptions = {},
  options: SecretsOptions = {},
): { secrets: Secrets; events: SecretsEvent[] } {
  const info = aws();
  const events: SecretsEvent[] = [];
  const secrets = createSecrets({
    builtins: false,
    ...options,
    providers: {
      aws: awsProvider({
        region: info.region,
        endpoint,
        credentials: info.credentials,
        env: {},
        ...provider,
      }),
      ...options.providers,
    },
    onEvent: (e) => events.push(e),
  });
  return { secrets, events };
}

/** SDK client config for seeding the stand-in directly. */
export function seedConfig(): {
  region: string;
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
} {
  const info = aws();
  return { region: info.region, endpoint: info.endpoint, credentials: info.credentials };
}
