/**
 * GCP short-lived tokens, the cold token storm: 1,000 concurrent cold
 * getCredentials("gcp", { targetPrincipal }) against the request-checking IAM Credentials
 * stand-in (test/support/gcp/token-server.ts, which counts generateAccessToken calls):
 *  1. one request spelling: exactly 1 generateAccessToken is the target;
 *  2. three spellings of the same token (defaults left out or written out): the memo
 *     normalises them, still 1;
 *  3. ID tokens for one audience: generateIdToken calls;
 *  4. for comparison, google-auth-library alone: one shared `Impersonated`, 1,000
 *     concurrent getAccessToken() calls.
 * Wall time of each storm is the median of 5 rounds, each on a fresh client.
 * Run with `npm run build && node bench/gcp-tokens.bench.ts`.
 */
import { randomUUID } from "node:crypto";
import { Impersonated, OAuth2Client } from "google-auth-library";
import { gcpProvider } from "../dist/providers/gcp/index.js";
import { createSecrets } from "../dist/src/index.js";
import { startGcpTokenServer } from "../test/support/gcp/token-server.ts";
import { median, table } from "./support.ts";

const N = 1000;
const ROUNDS = 5;
const SCOPE = "https://www.googleapis.com/auth/cloud-platform";
const source = `src-${randomUUID()}`;
const target = `bench-${randomUUID().slice(0, 6)}@acme-prod.iam.gserviceaccount.com`;
const tokens = await startGcpTokenServer({ sourceTokens: [source], serviceAccounts: [target] });

function sourceClient() {
  const c = new OAuth2Client();
  c.setCredentials({ access_token: source, expiry_date: Date.now() + 3_600_000 });
  return c;
}

function client() {
  return createSecrets({
    providers: {
      gcp: gcpProvider({
        authClient: sourceClient(),
        iamCredentialsEndpoint: tokens.url,
        projectId: "acme-prod",
      }),
    },
  });
}

type Counter = "generateAccessToken" | "generateIdToken";

/** Runs `storm` on a fresh client ROUNDS times: median wall ms and calls per round. */
async function measure(
  counter: Counter,
  storm: (c: ReturnType<typeof client>) => Promise<unknown[]>,
): Promise<{ ms: number; calls: number[] }> {
  const ms: number[] = [];
  const calls: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const c = client();
    const before = tokens.counts[counter];
    const t0 = performance.now();
    await storm(c);
    ms.push(performance.now() - t0);
    calls.push(tokens.counts[counter] - before);
    await c.close();
  }
  return { ms: median(ms), calls };
}

const many = <T>(f: (i: number) => Promise<T>) =>
  Promise.all(Array.from({ length: N }, (_, i) => f(i)));

const one = await measure("generateAccessToken", (c) =>
  many(() => c.getCredentials("gcp", { targetPrincipal: target })),
);
const spellings = [
  { targetPrincipal: target },
  { targetPrincipal: target, lifetime: 3600 },
  { targetPrincipal: target, scopes: [SCOPE], lifetime: "1h" },
];
const mixed = await measure("generateAccessToken", (c) =>
  many((i) => c.getCredentials("gcp", spellings[i % 3])),
);
const id = await measure("generateIdToken", (c) =>
  many(() =>
    c.getCredentials("gcp", {
      targetPrincipal: target,
      audience: "https://svc-abc123-uc.a.run.app",
    }),
  ),
);

// google-auth-library alone: one Impersonated shared by every caller.
const rawMs: number[] = [];
const rawCalls: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const imp = new Impersonated({
    sourceClient: sourceClient(),
    targetPrincipal: target,
    targetScopes: [SCOPE],
    delegates: [],
    lifetime: 3600,
    endpoint: tokens.url,
  });
  const before = tokens.counts.generateAccessToken;
  const t0 = performance.now();
  await many(() => imp.getAccessToken());
  rawMs.push(performance.now() - t0);
  rawCalls.push(tokens.counts.generateAccessToken - before);
}

console.log(
  `\n1,000 concurrent cold token requests (median of ${ROUNDS} rounds, fresh client each)\n`,
);
table([
  {
    case: "getCredentials, one spelling",
    "token calls per round": one.calls.join(", "),
    "wall ms": one.ms.toFixed(1),
  },
  {
    case: "getCredentials, three spellings",
    "token calls per round": mixed.calls.join(", "),
    "wall ms": mixed.ms.toFixed(1),
  },
  {
    case: "getCredentials, ID token (audience)",
    "token calls per round": id.calls.join(", "),
    "wall ms": id.ms.toFixed(1),
  },
  {
    case: "google-auth-library Impersonated, shared",
    "token calls per round": rawCalls.join(", "),
    "wall ms": median(rawMs).toFixed(1),
  },
]);
await tokens.close();
const ok = [...one.calls, ...mixed.calls, ...id.calls].every((n) => n === 1);
if (!ok) {
  console.error("cold token storm: expected exactly 1 token call per round");
  process.exitCode = 1;
}
