import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withSecret } from "../../../src/index.js";
import { expectNoValues } from "./support/leaks.js";
import { aws, awsSecrets, fakeValue, seedConfig, uniquePrefix } from "./support/moto.js";

const prefix = uniquePrefix();
let sm: SecretsManagerClient;
let api: Server;
let apiUrl: string;
/** What the backend accepts right now: it follows the rotation like a real database would. */
let accepted = "";

beforeAll(async () => {
  sm = new SecretsManagerClient(seedConfig());
  // A stand-in "payments API" on 127.0.0.1 that checks a bearer key.
  api = createServer((req, res) => {
    const ok = req.headers.authorization === `Bearer ${accepted}`;
    res.writeHead(ok ? 200 : 401, { "content-type": "application/json" });
    res.end(JSON.stringify(ok ? { balance: 42 } : { error: "invalid api key" }));
  });
  await new Promise<void>((r) => api.listen(0, "127.0.0.1", r));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
});

afterAll(async () => {
  sm.destroy();
  await new Promise<void>((r) => api.close(() => r()));
});

async function callApi(key: string): Promise<{ balance: number }> {
  const res = await fetch(apiUrl, { headers: { authorization: `Bearer ${key}` } });
  if (!res.ok)
    throw Object.assign(new Error(`payments API answered ${res.status}`), { status: res.status });
  return (await res.json()) as { balance: number };
}

describe("withSecret(ref, fn): rotation awareness", () => {
  it("recovers when AWSCURRENT moves mid-run: invalidates, refetches, retries once", async () => {
    const name = `${prefix}/payments-key`;
    const oldKey = fakeValue("old");
    const newKey = fakeValue("new");
    const created = await sm.send(new CreateSecretCommand({ Name: name, SecretString: oldKey }));
    accepted = oldKey;
    const { secrets, events } = awsSecrets(aws().endpoint);
    const seen: string[] = [];
    const retries: string[] = [];
    const use = (key: string) => {
      seen.push(key === oldKey ? "old" : key === newKey ? "new" : "other");
      return callApi(key);
    };
    const opts = {
      secrets,
      onRetry: ({ reference }: { reference: string }) => retries.push(reference),
    };

    expect(await withSecret(`aws-sm://${name}`, use, opts)).toEqual({ balance: 42 });

    // Rotation, as a rotation Lambda does it: stage the new value, switch the
    // backend to it, then move AWSCURRENT to the new version.
    const pending = await sm.send(
      new PutSecretValueCommand({
        SecretId: name,
        SecretString: newKey,
        VersionStages: ["AWSPENDING"],
      }),
    );
    accepted = newKey;
    await sm.send(
      new UpdateSecretVersionStageCommand({
        SecretId: name,
        VersionStage: "AWSCURRENT",
        MoveToVersionId: pending.VersionId,
        RemoveFromVersionId: created.VersionId,
      }),
    );
    const stages =
      (await sm.send(new DescribeSecretCommand({ SecretId: name }))).VersionIdsToStages ?? {};
    expect(stages[pending.VersionId as string]).toContain("AWSCURRENT");

    // The cached old key is rejected; the helper refetches AWSCURRENT and retries.
    expect(await withSecret(`aws-sm://${name}`, use, opts)).toEqual({ balance: 42 });
    expect(seen).toEqual(["old", "old", "new"]);
    expect(retries).toEqual([`aws-sm://${name}`]);
    // From the cache again, no retry needed.
    expect(await withSecret(`aws-sm://${name}`, use, opts)).toEqual({ balance: 42 });
    expect(seen).toEqual(["old", "old", "new", "new"]);
    expect(events.filter((e) => e.type === "fetch").length).toBe(2);
    expectNoValues([oldKey, newKey], [events]);
    await secrets.close();
  });

  it("retries only once, and never for errors that are not authentication failures", async () => {
    const name = `${prefix}/never-accepted`;
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: fakeValue("never") }));
    accepted = fakeValue("something-else");
    const { secrets } = awsSecrets(aws().endpoint);
    let calls = 0;
    await expect(
      withSecret(
        `aws-sm://${name}`,
        (k) => {
          calls++;
          return callApi(k);
        },
        { secrets },
      ),
    ).rejects.toMatchObject({ status: 401 });
    expect(calls).toBe(2);
    calls = 0;
    await expect(
      withSecret(
        `aws-sm://${name}`,
        () => {
          calls++;
          throw new Error("disk full");
        },
        { secrets },
      ),
    ).rejects.toThrow("disk full");
    expect(calls).toBe(1);
    await secrets.close();
  });
});
