// Short-lived credentials for another AWS client: an SQS producer whose
// credentials come from getCredentials("aws", ...), cached by secrets-loader
// and renewed before they expire, with every issue and renewal in the events.
//
//   AWS_REGION=eu-west-1 ORDERS_ROLE_ARN=arn:aws:iam::123456789012:role/orders-writer \
//     node examples/aws-credentials/main.mjs
import { CreateQueueCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { createSecrets } from "secrets-loader";
import { awsCredentialsProvider } from "secrets-loader/providers/aws";

const sessionSeconds = Number(process.env.SESSION_SECONDS ?? 900);
const messages = Number(process.env.MESSAGES ?? 3);
const intervalMs = Number(process.env.INTERVAL_MS ?? 1000);

// The zero-config AWS provider reads AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL ...
const secrets = createSecrets({
  onEvent: (e) => {
    if (e.type === "credentials") {
      console.log(
        `[credentials] ${e.action} ${e.version} (${e.durationMs} ms), expires ${new Date(e.expiresAt).toISOString()}`,
      );
    }
  },
});

// An AwsCredentialIdentityProvider: any AWS SDK v3 client takes it as `credentials`.
const credentials = awsCredentialsProvider(
  {
    roleArn: process.env.ORDERS_ROLE_ARN,
    sessionName: "orders-producer",
    durationSeconds: sessionSeconds,
  },
  { secrets },
);
const sqs = new SQSClient({ credentials });

try {
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({ QueueName: process.env.QUEUE_NAME ?? "orders" }),
  );
  for (let i = 1; i <= messages; i++) {
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify({ order: i }) }));
    console.log(`sent order ${i}`);
    if (i < messages) await new Promise((r) => setTimeout(r, intervalMs));
  }
} catch (err) {
  // One line that says what failed (the typed error names the role and endpoint), no stack.
  console.error(`orders producer stopped: ${err.message}`);
  process.exitCode = 1;
} finally {
  sqs.destroy();
  await secrets.close();
}
