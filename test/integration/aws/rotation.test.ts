/**
 * rotateSecret against moto with the official SDK: a crash after each step and
 * a failing verify, each followed by the labels read back through
 * ListSecretVersionIds, then a second run that resumes.
 */

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from "@aws-sdk/client-secrets-manager";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  pendingReference,
  type RotateSecretOptions,
  RotationError,
  type RotationEvent,
  rotateSecret,
} from "../../../providers/aws/index.js";
import { type Secrets, withSecret } from "../../../src/index.js";
import { aws, awsSecrets, fakeValue, seedConfig, uniquePrefix } from "./support/moto.js";

let sm: SecretsManagerClient;
const open: Secrets[] = [];

beforeAll(() => {
  sm = new SecretsManagerClient(seedConfig());
});
afterAll(() => sm.destroy());
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

function client(): Secrets {
  const { secrets } = awsSecrets(aws().endpoint);
  open.push(secrets);
  return secrets;
}

async function seed(): Promise<{ name: string; ref: string; first: string }> {
  const name = `${uniquePrefix()}/db`;
  const first = fakeValue("first");
  await sm.send(new CreateSecretCommand({ Name: name, SecretString: first }));
  return { name, ref: `aws-sm://${name}`, first };
}

/** Labels by version id, read back through the official client. */
async function labels(name: string): Promise<Record<string, string[]>> {
  const out = await sm.send(new ListSecretVersionIdsCommand({ SecretId: name }));
  const map: Record<string, string[]> = {};
  for (const v of out.Versions ?? []) {
    if (v.VersionId && v.VersionStages?.length) map[v.VersionId] = [...v.VersionStages].sort();
  }
  return map;
}

const holding = (map: Record<string, string[]>, stage: string) =>
  Object.keys(map).filter((id) => map[id]?.includes(stage));

async function valueAt(name: string, stage: string): Promise<string | undefined> {
  const out = await sm.send(new GetSecretValueCommand({ SecretId: name, VersionStage: stage }));
  return out.SecretString;
}

/** Steps that record what they saw; `fail` makes one of them throw (a crash) or verify say no. */
function steps(opts: { fail?: "generate" | "deploy" | "verify" | "verify-false" } = {}) {
  const seen = { generated: [] as string[], deployed: [] as string[], verified: [] as string[] };
  const events: RotationEvent[] = [];
  const o: RotateSecretOptions = {
    generate: () => {
      if (opts.fail === "generate") throw new Error("crash in generate");
      const v = fakeValue("next");
      seen.generated.push(v);
      return v;
    },
    deploy: ({ pending }) => {
      seen.deployed.push(pending);
      if (opts.fail === "deploy") throw new Error(`crash in deploy while setting ${pending}`);
    },
    verify: ({ pending }) => {
      seen.verified.push(pending);
      if (opts.fail === "verify") throw new Error("crash in verify");
      return opts.fail !== "verify-false";
    },
    onEvent: (e) => events.push(e),
  };
  return { o, seen, events };
}

const statuses = (events: RotationEvent[]) => events.map((e) => `${e.step}:${e.status}`);

function expectNoValue(texts: unknown[], values: string[]) {
  const all = JSON.stringify(texts, (_k, v) =>
    v instanceof Error ? { ...v, message: v.message, name: v.name, cause: String(v.cause) } : v,
  );
  for (const v of values) expect(all).not.toContain(v);
}

describe("rotateSecret against moto", () => {
  it("generates, deploys, verifies, finishes: AWSCURRENT moves, the old version is AWSPREVIOUS, no AWSPENDING, cache refreshed", async () => {
    const { name, ref, first } = await seed();
    const secrets = client();
    expect(await secrets.getSecret(ref)).toBe(first); // cached before the rotation
    const before = holding(await labels(name), "AWSCURRENT")[0];
    const { o, seen, events } = steps();
    const result = await rotateSecret(ref, { ...o, secrets });

    const after = await labels(name);
    expect(holding(after, "AWSCURRENT")).toEqual([result.versionId]);
    expect(holding(after, "AWSPREVIOUS")).toEqual([before]);
    expect(holding(after, "AWSPENDING")).toEqual([]);
    expect(result).toMatchObject({ previousVersionId: before, resumed: false });
    expect(await valueAt(name, "AWSCURRENT")).toBe(seen.generated[0]);
    expect(await secrets.getSecret(ref)).toBe(seen.generated[0]);
    expect(statuses(events)).toEqual([
      "generate:started",
      "generate:done",
      "deploy:started",
      "deploy:done",
      "verify:started",
      "verify:done",
      "finish:started",
      "finish:done",
    ]);
    expect(events.every((e) => e.reference === ref && e.provider === "aws")).toBe(true);
    expectNoValue(events, [first, ...seen.generated]);
  });

  it("a crash in generate leaves the labels as they were", async () => {
    const { name, ref } = await seed();
    const before = await labels(name);
    const { o } = steps({ fail: "generate" });
    const err = await rotateSecret(ref, { ...o, secrets: client() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RotationError);
    expect((err as RotationError).step).toBe("generate");
    expect(await labels(name)).toEqual(before);
  });

  for (const crash of ["deploy", "verify"] as const) {
    it(`a crash after ${crash === "deploy" ? "generate (in deploy)" : "deploy (in verify)"}: AWSCURRENT untouched, one AWSPENDING; the next run reuses it`, async () => {
      const { name, ref, first } = await seed();
      const currentId = holding(await labels(name), "AWSCURRENT")[0];
      const one = steps({ fail: crash });
      const err = await rotateSecret(ref, { ...one.o, secrets: client() }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RotationError);
      expect(err).toMatchObject({ step: crash, resumable: true, code: "PROVIDER_ERROR" });
      expectNoValue([err, (err as Error).message, one.events], [first, ...one.seen.generated]);

      const mid = await labels(name);
      expect(holding(mid, "AWSCURRENT")).toEqual([currentId]);
      expect(holding(mid, "AWSPENDING")).toEqual([(err as RotationError).versionId]);
      expect(await valueAt(name, "AWSCURRENT")).toBe(first);
      const versions = Object.keys(mid).length;

      const two = steps();
      const result = await rotateSecret(ref, { ...two.o, secrets: client() });
      expect(result.resumed).toBe(true);
      expect(two.seen.generated).toEqual([]); // not generated, not put again
      expect(two.seen.deployed).toEqual(one.seen.generated); // the same pending value, deployed again
      expect(statuses(two.events).slice(0, 2)).toEqual(["generate:started", "generate:skipped"]);
      const end = await labels(name);
      expect(Object.keys(end)).toHaveLength(versions);
      expect(holding(end, "AWSCURRENT")).toEqual([result.versionId]);
      expect(holding(end, "AWSPREVIOUS")).toEqual([currentId]);
      expect(holding(end, "AWSPENDING")).toEqual([]);
      expect(await valueAt(name, "AWSCURRENT")).toBe(one.seen.generated[0]);
    });
  }

  it("a crash after verify (stopped before finish): labels untouched; the next run deploys, verifies and finishes", async () => {
    const { name, ref, first } = await seed();
    const currentId = holding(await labels(name), "AWSCURRENT")[0];
    const stop = new AbortController();
    const one = steps();
    const err = await rotateSecret(ref, {
      ...one.o,
      secrets: client(),
      signal: stop.signal,
      onEvent: (e) => {
        if (e.step === "verify" && e.status === "done") stop.abort(new Error("killed"));
      },
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "RotationError", step: "finish", resumable: true });
    const mid = await labels(name);
    expect(holding(mid, "AWSCURRENT")).toEqual([currentId]);
    expect(holding(mid, "AWSPENDING")).toHaveLength(1);
    expect(await valueAt(name, "AWSCURRENT")).toBe(first);

    const two = steps();
    const result = await rotateSecret(ref, { ...two.o, secrets: client() });
    expect(result.resumed).toBe(true);
    expect(two.seen.verified).toEqual(one.seen.generated);
    const end = await labels(name);
    expect(holding(end, "AWSCURRENT")).toEqual([result.versionId]);
    expect(holding(end, "AWSPENDING")).toEqual([]);
    expect(holding(end, "AWSPREVIOUS")).toEqual([currentId]);
  });

  it("a crash inside finish (AWSCURRENT moved, AWSPENDING not yet removed): the next run only removes AWSPENDING", async () => {
    const { name, ref } = await seed();
    const oldId = holding(await labels(name), "AWSCURRENT")[0] as string;
    const next = fakeValue("next");
    const put = await sm.send(
      new PutSecretValueCommand({
        SecretId: name,
        SecretString: next,
        VersionStages: ["AWSPENDING"],
      }),
    );
    const newId = put.VersionId as string;
    await sm.send(
      new UpdateSecretVersionStageCommand({
        SecretId: name,
        VersionStage: "AWSCURRENT",
        MoveToVersionId: newId,
        RemoveFromVersionId: oldId,
      }),
    );
    const mid = await labels(name);
    expect(mid[newId]).toEqual(["AWSCURRENT", "AWSPENDING"]);

    const two = steps();
    const result = await rotateSecret(ref, { ...two.o, secrets: client() });
    expect(result).toMatchObject({ versionId: newId, previousVersionId: oldId, resumed: true });
    expect(two.seen).toEqual({ generated: [], deployed: [], verified: [] });
    expect(statuses(two.events)).toEqual([
      "generate:started",
      "generate:skipped",
      "deploy:skipped",
      "verify:skipped",
      "finish:started",
      "finish:done",
    ]);
    const end = await labels(name);
    expect(end[newId]).toEqual(["AWSCURRENT"]);
    expect(end[oldId]).toEqual(["AWSPREVIOUS"]);
  });

  it("a failing verify: AWSCURRENT untouched, the failed step named without a value, the pending version kept for the retry", async () => {
    const { name, ref, first } = await seed();
    const currentId = holding(await labels(name), "AWSCURRENT")[0];
    const one = steps({ fail: "verify-false" });
    const err = (await rotateSecret(ref, { ...one.o, secrets: client() }).catch(
      (e: unknown) => e,
    )) as RotationError;
    expect(err).toBeInstanceOf(RotationError);
    expect(err.step).toBe("verify");
    expect(err.message).toContain(`rotation of ${ref} failed at verify`);
    expect(statuses(one.events).at(-1)).toBe("verify:failed");
    expectNoValue([err.message, err.toJSON(), one.events], [first, ...one.seen.generated]);
    const mid = await labels(name);
    expect(holding(mid, "AWSCURRENT")).toEqual([currentId]);
    expect(holding(mid, "AWSPENDING")).toEqual([err.versionId]);
    expect(await valueAt(name, "AWSCURRENT")).toBe(first);
  });

  it("a failing step's error quoting the value is masked", async () => {
    const { ref } = await seed();
    const one = steps({ fail: "deploy" });
    const err = (await rotateSecret(ref, { ...one.o, secrets: client() }).catch(
      (e: unknown) => e,
    )) as RotationError;
    expect(err.message).toContain("[REDACTED]");
    expect(String((err.cause as Error).message)).toContain("[REDACTED]");
    expectNoValue([err.message, (err.cause as Error).message, one.events], one.seen.generated);
  });

  it("a JSON secret's fields are masked too when a step's error quotes one", async () => {
    const name = `${uniquePrefix()}/json`;
    const password = fakeValue("pw");
    await sm.send(
      new CreateSecretCommand({
        Name: name,
        SecretString: JSON.stringify({ username: "app", password }),
      }),
    );
    const next = fakeValue("pw-next");
    const err = (await rotateSecret(`aws-sm://${name}`, {
      secrets: client(),
      generate: () => JSON.stringify({ username: "app", password: next }),
      deploy: () => {
        throw new Error(`could not set ${next} (was ${password})`);
      },
      verify: () => true,
    }).catch((e: unknown) => e)) as RotationError;
    expect(err.message).toContain("could not set [REDACTED] (was [REDACTED])");
    expectNoValue([err.message, (err.cause as Error).message], [password, next]);
  });

  it("refuses to start with two AWSPENDING versions (moto lets a label move leave two)", async () => {
    const { name, ref } = await seed();
    const ids: string[] = [];
    for (const label of ["a", "b"]) {
      const out = await sm.send(
        new PutSecretValueCommand({
          SecretId: name,
          SecretString: fakeValue(label),
          VersionStages: [],
        }),
      );
      ids.push(out.VersionId as string);
    }
    // Moving AWSPENDING without RemoveFromVersionId: AWS refuses the second, moto 5.2.5 keeps both.
    for (const id of ids) {
      await sm.send(
        new UpdateSecretVersionStageCommand({
          SecretId: name,
          VersionStage: "AWSPENDING",
          MoveToVersionId: id,
        }),
      );
    }
    expect(holding(await labels(name), "AWSPENDING").sort()).toEqual([...ids].sort());
    const err = (await rotateSecret(ref, { ...steps().o, secrets: client() }).catch(
      (e: unknown) => e,
    )) as RotationError;
    expect(err).toMatchObject({ step: "generate", resumable: false });
    expect(err.message).toContain("all labelled AWSPENDING");
    expect(holding(await labels(name), "AWSPENDING")).toHaveLength(2); // nothing touched
  });

  it("bad input gets a clear error before any call", async () => {
    const secrets = client();
    await expect(
      rotateSecret("aws-sm://app/db#password", { ...steps().o, secrets }),
    ).rejects.toThrow(/selects a version or a field.*aws-sm:\/\/app\/db/);
    await expect(
      rotateSecret("aws-sm://app/db", { ...steps().o, verify: undefined as never, secrets }),
    ).rejects.toThrow(/options\.verify must be a function \(got undefined\)/);
    await expect(
      rotateSecret("aws-sm://app/db", { ...steps().o, stepTimeout: 0, secrets }),
    ).rejects.toThrow(/stepTimeout must be a number of ms > 0/);
  });

  it("a step past its deadline fails at that step", async () => {
    const { ref } = await seed();
    const err = (await rotateSecret(ref, {
      ...steps().o,
      secrets: client(),
      stepTimeout: 200,
      deploy: () => new Promise(() => {}),
    }).catch((e: unknown) => e)) as RotationError;
    expect(err).toMatchObject({ step: "deploy" });
    expect(err.message).toContain("stepTimeout (200 ms)");
  });
});

describe("withSecret's pending option while a rotation is under way", () => {
  /** A target that accepts one value, as a database accepts one password per role. */
  function target() {
    const t = {
      accepted: "",
      calls: 0,
      use: async (value: string) => {
        t.calls++;
        if (value !== t.accepted)
          throw Object.assign(new Error("password authentication failed"), { code: "28P01" });
        return "ok";
      },
    };
    return t;
  }

  it("between deploy and finish, a new login falls back to AWSPENDING; without the option it fails", async () => {
    const { ref, first } = await seed();
    const app = client(); // another instance of the service, with its own cache
    const t = target();
    t.accepted = first;
    expect(await withSecret(ref, t.use, { secrets: app })).toBe("ok");
    const inWindow: unknown[] = [];
    await rotateSecret(ref, {
      secrets: client(),
      generate: () => fakeValue("next"),
      deploy: ({ pending }) => {
        t.accepted = pending;
      },
      verify: async () => {
        inWindow.push(
          await withSecret(ref, t.use, { secrets: app }).catch((e: { code?: string }) => e.code),
        );
        inWindow.push(
          await withSecret(ref, t.use, { secrets: app, pending: pendingReference(ref) }),
        );
      },
    });
    expect(inWindow).toEqual(["28P01", "ok"]);
    // After finish: AWSCURRENT holds the new value; the app's stale cache is replaced on the retry.
    expect(await withSecret(ref, t.use, { secrets: app, pending: pendingReference(ref) })).toBe(
      "ok",
    );
  });

  it("with no rotation under way, a refused value is refused once more, not retried with a missing AWSPENDING", async () => {
    const { ref } = await seed();
    const t = target();
    t.accepted = "something-else";
    const err = await withSecret(ref, t.use, {
      secrets: client(),
      pending: pendingReference(ref),
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "28P01" });
    expect(t.calls).toBe(1);
  });

  it("pendingReference keeps the region and the field", () => {
    expect(pendingReference("aws-sm://app/db?region=eu-west-1#password")).toBe(
      "aws-sm://app/db?versionStage=AWSPENDING&region=eu-west-1#password",
    );
    expect(() => pendingReference("aws-sm://app/db?versionStage=AWSPREVIOUS")).toThrow(
      /selects a version/,
    );
  });
});

describe("a process killed after each step", () => {
  const dist = new URL("../../../dist/providers/aws/index.js", import.meta.url);
  const root = new URL("../../../dist/src/index.js", import.meta.url);
  // The child rotates with the built package and exits abruptly (no finally, no close)
  // as soon as the given step is done, as a killed job would.
  const child = `
    import { createSecrets } from ${JSON.stringify(root.href)};
    import { awsProvider, rotateSecret } from ${JSON.stringify(dist.href)};
    const secrets = createSecrets({ builtins: false, providers: { aws: awsProvider({
      region: process.env.R, endpoint: process.env.E,
      credentials: { accessKeyId: "testing", secretAccessKey: "testing" }, env: {} }) } });
    await rotateSecret(process.env.REF, {
      secrets,
      generate: () => process.env.NEXT,
      deploy: () => {},
      verify: () => true,
      onEvent: (e) => { if (e.step === process.env.STEP && e.status === "done") process.exit(137); },
    });
    process.exit(0);
  `;

  for (const step of ["generate", "deploy", "verify"] as const) {
    it(`killed after ${step}: AWSCURRENT untouched, one AWSPENDING holding the generated value; the next run finishes with it`, async () => {
      if (!existsSync(dist)) throw new Error("dist/ is missing: run `npm run build` first");
      const { name, ref, first } = await seed();
      const currentId = holding(await labels(name), "AWSCURRENT")[0];
      const next = fakeValue("killed");
      const r = spawnSync(process.execPath, ["--input-type=module", "-e", child], {
        env: {
          PATH: process.env.PATH,
          R: aws().region,
          E: aws().endpoint,
          REF: ref,
          NEXT: next,
          STEP: step,
        },
        encoding: "utf8",
        timeout: 30_000,
      });
      expect(r.status, r.stderr).toBe(137);
      const mid = await labels(name);
      expect(holding(mid, "AWSCURRENT")).toEqual([currentId]);
      const pending = holding(mid, "AWSPENDING");
      expect(pending).toHaveLength(1);
      expect(await valueAt(name, "AWSCURRENT")).toBe(first);
      expect(await valueAt(name, "AWSPENDING")).toBe(next);

      const two = steps();
      const result = await rotateSecret(ref, { ...two.o, secrets: client() });
      expect(result).toMatchObject({
        versionId: pending[0],
        previousVersionId: currentId,
        resumed: true,
      });
      expect(two.seen.generated).toEqual([]);
      expect(two.seen.deployed).toEqual([next]);
      const end = await labels(name);
      expect(holding(end, "AWSCURRENT")).toEqual(pending);
      expect(holding(end, "AWSPREVIOUS")).toEqual([currentId]);
      expect(holding(end, "AWSPENDING")).toEqual([]);
      expect(await valueAt(name, "AWSCURRENT")).toBe(next);
    });
  }
});
