// A service that loads its database password and its Stripe key at start-up,
// reading them with its own IAM role's short-lived STS credentials.
//
//   AWS_REGION=eu-west-1 APP_ROLE_ARN=arn:aws:iam::123456789012:role/checkout-secrets \
//     node examples/aws-startup/main.mjs
//
// The base credentials (web identity, an instance, task or SSO role) are used
// for one thing only: sts:AssumeRole. Every secret read is signed by the role.
import { createSecrets, LoadError } from "secrets-loader";
import { awsProvider } from "secrets-loader/providers/aws";

const prefix = process.env.SECRETS_PREFIX ?? "prod/checkout";

const secrets = createSecrets({
  providers: {
    aws: awsProvider({
      roleArn: process.env.APP_ROLE_ARN, // or AWS_ROLE_ARN, read by default
      roleSessionName: "checkout-api",
    }),
  },
  // Refuse long-lived keys (AKIA…), even when they would only assume the role.
  policy: { requireShortLived: true },
  // The usage log: references, versions and timings, never values.
  onEvent: (e) => {
    if (e.type === "credentials")
      console.error(`[secrets] role session ${e.action}, key ${e.version}`);
    if (e.type === "fetch") console.error(`[secrets] fetched ${e.reference} in ${e.durationMs} ms`);
  },
});

try {
  // One load(): the two secrets come back from a single BatchGetSecretValue call.
  const config = await secrets.load({
    DB_PASSWORD: `aws-sm://${prefix}/db#password`,
    STRIPE_KEY: `aws-sm://${prefix}/stripe`,
  });
  const mode = config.STRIPE_KEY.startsWith("sk_live_") ? "live" : "test";
  console.log(`Loaded ${Object.keys(config).join(", ")}; Stripe mode: ${mode}`);
  // startServer(config) would go here; the values are never printed.
} catch (err) {
  if (err instanceof LoadError) {
    // One error lists every reference that failed and why (never a value).
    console.error(err.message);
    process.exitCode = 1;
  } else {
    throw err;
  }
} finally {
  await secrets.close();
}
