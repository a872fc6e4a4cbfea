/**
 * The providers the zero-config client knows. Each is loaded with a dynamic
 * import the first time one of its references is used, so importing the
 * package costs nothing for backends a service does not use.
 */

import type { ProviderInput } from "./types.js";

/** Built-in providers by name, with the schemes they serve. */
export const BUILTIN_PROVIDERS: Readonly<Record<string, ProviderInput>> = {
  env: {
    scheme: "env",
    create: async () => (await import("../providers/env/index.js")).envProvider(),
  },
  aws: {
    scheme: ["aws-sm", "aws-ssm"],
    // Configured from AWS_REGION, AWS_PROFILE, AWS_ROLE_ARN, AWS_ENDPOINT_URL ... at first use.
    create: async () => (await import("../providers/aws/index.js")).awsProvider(),
  },
};
