/**
 * `getCredentials("aws", ...)` as an AWS SDK v3 credentials provider: pass it as
 * `credentials` to any client and it gets the cached STS session, renewed by
 * the secrets client before expiry.
 */

import { defaultClient, type Secrets } from "../../src/provider/index.js";
import type { AwsCredentialIdentityProvider, AwsCredentialsRequest } from "./types.js";

/**
 * Options of {@link awsCredentialsProvider}.
 *
 * @example
 * ```ts
 * awsCredentialsProvider({ roleArn }, { secrets, providerName: "aws" });
 * ```
 */
export interface AwsCredentialsProviderOptions {
  /** The client whose cache holds the session. Default: the zero-config client. */
  secrets?: Secrets;
  /** The name the AWS provider is registered under. Default `"aws"`. */
  providerName?: string;
}

/**
 * An `AwsCredentialIdentityProvider` backed by `secrets.getCredentials("aws", request)`:
 * one STS call for any number of clients and concurrent requests, renewed
 * five minutes before expiry, with `issued`/`renewed` events in the client's log.
 *
 * @param request - which STS call to make (see {@link AwsCredentialsRequest})
 * @example
 * ```ts
 * import { SQSClient } from "@aws-sdk/client-sqs";
 * import { createSecrets } from "secrets-loader";
 * import { awsCredentialsProvider } from "secrets-loader/providers/aws";
 *
 * const secrets = createSecrets();
 * const sqs = new SQSClient({
 *   credentials: awsCredentialsProvider(
 *     { roleArn: "arn:aws:iam::123456789012:role/orders-writer", sessionName: "orders-api" },
 *     { secrets },
 *   ),
 * });
 * ```
 */
export function awsCredentialsProvider(
  request: AwsCredentialsRequest = {},
  options: AwsCredentialsProviderOptions = {},
): AwsCredentialIdentityProvider {
  const name = options.providerName ?? "aws";
  return async () => (options.secrets ?? defaultClient()).getCredentials(name as "aws", request);
}
