/**
 * The gcp provider's Secret Manager reads against drongo, through the forwarding proxy
 * (aliases, dataCrc32c, regional routes, injected error answers, counters): reference
 * forms, #field and binary payloads, the CRC32C check, version states, every typed error,
 * retries, and the batch's concurrency bound over one keep-alive agent.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type GcpProvider, gcpProvider } from "../../../providers/gcp/index.js";
import { createSecrets, redact, SecretsError } from "../../../src/index.js";
import {
  type GcpForwardingProxy,
  standIn,
  startGcpForwardingProxy,
  startGcpTokenServer,
} from "../../support/stand-ins.js";
import { fakeValue, fixedClient, putSecret, setVersionState, uniqueName } from "./support/sm.js";

const gcp = standIn("gcp");
const project = gcp.projectId;
let proxy: GcpForwardingProxy;

const v1 = fakeValue("one");
const v2 = fakeValue("two");
const dbPassword = fakeValue("db");
const bytes = new Uint8Array([0xff, 0x00, 0xfe, 0x80, 0x7f, 0x01]); // not UTF-8
const names = {
  plain: uniqueName("plain"),
  json: uniqueName("json"),
  binary: uniqueName("binary"),
  states: uniqueName("states"),
};

beforeAll(async () => {
  proxy = await startGcpForwardingProxy(gcp);
  const via = { url: proxy.url };
  await putSecret(via, names.plain, [v1, v2], { aliases: { prod: "1" } });
  await putSecret(via, names.json, [JSON.stringify({ db: { user: "app", password: dbPassword } })]);
  await putSecret(via, names.binary, [bytes]);
  await putSecret(via, names.states, ["a", "b", "c"]);
  await setVersionState(via, names.states, "1", "disable");
  await setVersionState(via, names.states, "2", "destroy");
});
afterAll(() => proxy.close());
afterEach(() => proxy.reads.clear());

const client = (options: Parameters<typeof gcpProvider>[0] = {}) =>
  createSecrets({
    builtins: false,
    providers: {
      gcp: gcpProvider({ endpoint: proxy.url, authClient: fixedClient(), ...options }),
    },
  });

async function failure(p: Promise<unknown>): Promise<SecretsError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(SecretsError.is(err)).toBe(true);
  return err as SecretsError;
}

describe("reference forms", () => {
  it("reads full and short forms, <secret>@<version>, latest and aliases", async () => {
    const s = client({ projectId: project });
    const full = `gcp-sm://projects/${project}/secrets/${names.plain}`;
    expect((await s.getSecret(full)) === v2).toBe(true);
    expect((await s.getSecret(`${full}/versions/1`)) === v1).toBe(true);
    expect((await s.getSecret(`gcp-sm://${names.plain}`)) === v2).toBe(true);
    expect((await s.getSecret(`gcp-sm://${names.plain}/versions/1`)) === v1).toBe(true);
    expect((await s.getSecret(`gcp-sm://${names.plain}@1`)) === v1).toBe(true);
    expect((await s.getSecret(`gcp-sm://${names.plain}@prod`)) === v1).toBe(true);
    expect((await s.getSecret(`gcp-sm://secrets/${names.plain}@latest`)) === v2).toBe(true);
    expect(proxy.counts.aliasResolved).toBeGreaterThan(0);
    await s.close();
  });

  it("takes the default project from GOOGLE_CLOUD_PROJECT", async () => {
    const saved = process.env.GOOGLE_CLOUD_PROJECT;
    process.env.GOOGLE_CLOUD_PROJECT = project;
    try {
      const s = client();
      expect((await s.getSecret(`gcp-sm://${names.plain}@2`)) === v2).toBe(true);
      expect(await ((await s.provider("gcp")) as GcpProvider).projectId()).toBe(project);
      await s.close();
    } finally {
      if (saved === undefined) delete process.env.GOOGLE_CLOUD_PROJECT;
      else process.env.GOOGLE_CLOUD_PROJECT = saved;
    }
  });

  it("sends projects/<p>/locations/<l>/secrets/... to the regional endpoint only", async () => {
    // The global endpoint is unreachable: only the regional one can answer.
    const s = client({ endpoint: "http://127.0.0.1:9", regionalEndpoint: proxy.url });
    const before = proxy.counts.regional;
    const ref = `gcp-sm://projects/${project}/locations/europe-west1/secrets/${names.plain}@prod`;
    expect((await s.getSecret(ref)) === v1).toBe(true);
    expect(proxy.counts.regional).toBe(before + 1);
    await s.close();
  });
});

describe("values", () => {
  it("reads #field from a JSON payload", async () => {
    const s = client({ projectId: project });
    expect((await s.getSecret(`gcp-sm://${names.json}#db.password`)) === dbPassword).toBe(true);
    expect(await s.getSecret(`gcp-sm://${names.json}#db.user`)).toBe("app");
    await s.close();
  });

  it("redact() masks a payload read as text, and the leaves of a JSON payload", async () => {
    const s = client({ projectId: project });
    await s.getSecret(`gcp-sm://${names.plain}@1`);
    await s.getSecret(`gcp-sm://${names.json}`);
    expect(redact(`a ${v1} b`)).toBe("a [REDACTED] b");
    expect(redact(`pw=${dbPassword}`)).toBe("pw=[REDACTED]");
    await s.close();
  });

  it('returns the raw payload for { type: "binary" }, text and binary alike', async () => {
    const s = client({ projectId: project });
    const raw = await s.getSecret(`gcp-sm://${names.binary}`, { type: "binary" });
    expect(Buffer.from(raw).equals(Buffer.from(bytes))).toBe(true);
    const text = await s.getSecret(`gcp-sm://${names.plain}@1`, { type: "binary" });
    expect(Buffer.from(text).toString("utf8") === v1).toBe(true);
    // Bytes that are not UTF-8 are not passed off as text.
    const err = await failure(s.getSecret(`gcp-sm://${names.binary}`));
    expect(err.code).toBe("INVALID_VALUE");
    await s.close();
  });

  it("verifies dataCrc32c: a mismatch is an error, never the value", async () => {
    const s = client({ projectId: project });
    proxy.corruptNextCrc();
    const err = await failure(s.getSecret(`gcp-sm://${names.plain}@1`));
    expect(err.code).toBe("PROVIDER_ERROR");
    expect(err.message).toContain("CRC32C");
    expect(err.message).not.toContain(v1);
    // The next answer is intact: the value comes through.
    expect((await s.getSecret(`gcp-sm://${names.plain}@1`)) === v1).toBe(true);
    await s.close();
  });

  // Every read path: getSecret, #field, binary, and load().
  const readsAll = (s: ReturnType<typeof client>) => [
    () => s.getSecret(`gcp-sm://${names.plain}@1`),
    () => s.getSecret(`gcp-sm://${names.json}#db.password`),
    () => s.getSecret(`gcp-sm://${names.binary}`, { type: "binary" }),
    () => s.load({ A: `gcp-sm://${names.plain}@1`, B: `gcp-sm://${names.json}#db.password` }),
  ];
  const expectRefused = async (s: ReturnType<typeof client>) => {
    for (const read of readsAll(s)) {
      const err = await failure(read());
      const errors =
        err.code === "LOAD_FAILED"
          ? (err as unknown as { failures: SecretsError[] }).failures
          : [err];
      for (const e of errors) {
        expect(e.code).toBe("PROVIDER_ERROR");
        expect(e.message).toMatch(/carries no dataCrc32c/);
        expect(e.message).toMatch(/endpointSendsChecksum: false/);
        expect(e.message).not.toContain(v1);
        expect(e.message).not.toContain(dbPassword);
      }
    }
  };

  it("refuses drongo's own answers, which carry no dataCrc32c, on every read path", async () => {
    const s = createSecrets({
      builtins: false,
      providers: {
        gcp: gcpProvider({
          endpoint: gcp.apiEndpoint,
          authClient: fixedClient(),
          projectId: project,
        }),
      },
    });
    await expectRefused(s);
    await s.close();
  });

  it("refuses answers whose dataCrc32c was stripped on the way: missing, null or empty", async () => {
    for (const as of ["missing", null, ""] as const) {
      proxy.withholdCrc(as);
      try {
        const s = client({ projectId: project });
        await expectRefused(s);
        await s.close();
      } finally {
        proxy.withholdCrc(false);
      }
    }
  });

  it("reads answers without dataCrc32c when told the endpoint sends none (endpointSendsChecksum: false)", async () => {
    const s = createSecrets({
      builtins: false,
      providers: {
        gcp: gcpProvider({
          endpoint: gcp.apiEndpoint,
          authClient: fixedClient(),
          projectId: project,
          endpointSendsChecksum: false,
        }),
      },
    });
    expect((await s.getSecret(`gcp-sm://${names.plain}@1`)) === v1).toBe(true);
    expect((await s.getSecret(`gcp-sm://${names.json}#db.password`)) === dbPassword).toBe(true);
    await s.close();
    // A checksum that is sent is still checked.
    const t = client({ projectId: project, endpointSendsChecksum: false });
    proxy.corruptNextCrc();
    expect((await failure(t.getSecret(`gcp-sm://${names.plain}@1`))).message).toContain("CRC32C");
    await t.close();
  });

  it("endpointSendsChecksum must be a boolean", async () => {
    const s = client({ projectId: project, endpointSendsChecksum: "no" as never });
    const err = await failure(s.getSecret(`gcp-sm://${names.plain}@1`));
    expect(err.code).toBe("INVALID_CONFIG");
    expect(err.message).toMatch(/endpointSendsChecksum must be true or false \(got string\)/);
    await s.close();
  });
});

describe("typed errors, each with its cause and no value", () => {
  it("a disabled version and a destroyed version say which", async () => {
    const s = client({ projectId: project });
    const disabled = await failure(s.getSecret(`gcp-sm://${names.states}@1`));
    expect(disabled.code).toBe("ACCESS_DENIED");
    expect(disabled.message).toMatch(/is disabled/);
    expect(disabled.cause).toBeDefined();
    const destroyed = await failure(s.getSecret(`gcp-sm://${names.states}@2`));
    expect(destroyed.code).toBe("NOT_FOUND");
    expect(destroyed.message).toMatch(/is destroyed/);
    expect(await s.getSecret(`gcp-sm://${names.states}@3`)).toBe("c");
    await s.close();
  });

  it("NOT_FOUND names the secret and the project", async () => {
    const s = client({ projectId: project });
    const missing = uniqueName("missing");
    const err = await failure(s.getSecret(`gcp-sm://${missing}`));
    expect(err.code).toBe("NOT_FOUND");
    expect(err.message).toContain(`secret "${missing}"`);
    expect(err.message).toContain(`project ${project}`);
    expect(err.message).toContain("NOT_FOUND");
    expect(err.cause).toBeInstanceOf(Error);
    await s.close();
  });

  it("PERMISSION_DENIED names the secret and the missing permission", async () => {
    const s = client({ projectId: project });
    proxy.reads.inject({
      match: new RegExp(`/secrets/${names.plain}/`),
      status: 403,
      code: "PERMISSION_DENIED",
      message: `Permission 'secretmanager.versions.access' denied for resource 'projects/${project}/secrets/${names.plain}/versions/latest' (or it may not exist).`,
    });
    const err = await failure(s.getSecret(`gcp-sm://${names.plain}`));
    expect(err.code).toBe("ACCESS_DENIED");
    expect(err.message).toContain(`secret "${names.plain}"`);
    expect(err.message).toContain("secretmanager.versions.access");
    expect(err.message).toContain("roles/secretmanager.secretAccessor");
    expect((err.cause as { failure?: { status?: string } }).failure?.status).toBe(
      "PERMISSION_DENIED",
    );
    await s.close();
  });

  it("FAILED_PRECONDITION (other than a version state) is a provider error naming the status", async () => {
    const s = client({ projectId: project });
    proxy.reads.inject({
      match: /:access$/,
      status: 400,
      code: "FAILED_PRECONDITION",
      message: "Precondition check failed.",
    });
    const err = await failure(s.getSecret(`gcp-sm://${names.plain}`));
    expect(err.code).toBe("PROVIDER_ERROR");
    expect(err.message).toContain("FAILED_PRECONDITION");
    await s.close();
  });

  it("a success that is not JSON (a captive proxy's page) is an error, never an empty value", async () => {
    const s = client({ projectId: project });
    proxy.reads.inject({
      match: /:access$/,
      status: 200,
      code: "OK",
      rawBody: "<html>sign in to the network</html>",
    });
    const err = await failure(s.getSecret(`gcp-sm://${names.plain}`));
    expect(err.code).toBe("PROVIDER_ERROR");
    expect(err.message).toContain("HTTP 200");
    await s.close();
  });

  it("RESOURCE_EXHAUSTED is retried with backoff, then typed Throttled", async () => {
    const s = client({ projectId: project });
    proxy.reads.inject({ match: /:access$/, status: 429, code: "RESOURCE_EXHAUSTED", times: 2 });
    expect((await s.getSecret(`gcp-sm://${names.plain}@1`)) === v1).toBe(true);
    expect(proxy.reads.stats.injected).toBe(2);
    proxy.reads.clear();
    proxy.reads.inject({ match: /:access$/, status: 429, code: "RESOURCE_EXHAUSTED" });
    const t0 = performance.now();
    const err = await failure(s.getSecret(`gcp-sm://${names.plain}@2`));
    expect(err.code).toBe("THROTTLED");
    expect(err.message).toContain("RESOURCE_EXHAUSTED");
    expect(proxy.reads.stats.injected).toBe(4); // 4 attempts
    expect(performance.now() - t0).toBeGreaterThan(150); // with pauses between them
    await s.close();
  });

  it.each([
    [503, "UNAVAILABLE"],
    [504, "DEADLINE_EXCEEDED"],
  ])("%i %s is retried, then typed Unavailable", async (status, code) => {
    const s = client({ projectId: project });
    proxy.reads.inject({ match: /:access$/, status, code, times: 3 });
    expect((await s.getSecret(`gcp-sm://${names.plain}@1`)) === v1).toBe(true);
    proxy.reads.clear();
    proxy.reads.inject({ match: /:access$/, status, code });
    const err = await failure(s.getSecret(`gcp-sm://${names.plain}@2`));
    expect(err.code).toBe("UNAVAILABLE");
    expect(err.message).toContain(code);
    expect(proxy.reads.stats.injected).toBe(4);
    await s.close();
  });

  it("a project that does not exist or is not visible is named (AccessDenied or NotFound)", async () => {
    const s = client();
    proxy.reads.inject({
      match: /\/projects\/ghost-project\//,
      status: 403,
      code: "PERMISSION_DENIED",
      message: "Permission denied on resource project ghost-project.",
      errorInfo: {
        reason: "CONSUMER_INVALID",
        metadata: { consumer: "projects/ghost-project", service: "secretmanager.googleapis.com" },
      },
    });
    const denied = await failure(s.getSecret("gcp-sm://projects/ghost-project/secrets/app"));
    expect(denied.code).toBe("ACCESS_DENIED");
    expect(denied.message).toContain("project ghost-project does not exist or is not visible");
    proxy.reads.inject({
      match: /\/projects\/404404404404\//,
      status: 404,
      code: "NOT_FOUND",
      message: "Project '404404404404' not found.",
    });
    const gone = await failure(s.getSecret("gcp-sm://projects/404404404404/secrets/app"));
    expect(gone.code).toBe("NOT_FOUND");
    expect(gone.message).toContain("project 404404404404 was not found");
    await s.close();
  });
});

describe("sign-in and project", () => {
  it("credentials that cannot be loaded give a typed INVALID_CONFIG naming the fixes", async () => {
    const s = createSecrets({
      builtins: false,
      providers: {
        gcp: gcpProvider({
          endpoint: proxy.url,
          projectId: project,
          keyFilename: `/nonexistent/${uniqueName("adc")}.json`,
        }),
      },
    });
    const err = await failure(s.getSecret(`gcp-sm://${names.plain}`));
    expect(err.code).toBe("INVALID_CONFIG");
    expect(err.message).toContain("Application Default Credentials are not available");
    expect(err.cause).toBeDefined();
    await s.close();
  });

  it("a short reference with no default project anywhere says how to give one", async () => {
    const saved = [process.env.GOOGLE_CLOUD_PROJECT, process.env.GCLOUD_PROJECT];
    delete process.env.GOOGLE_CLOUD_PROJECT;
    delete process.env.GCLOUD_PROJECT;
    try {
      const s = client();
      const err = await failure(s.getSecret(`gcp-sm://${names.plain}`));
      expect(err.code).toBe("INVALID_CONFIG");
      expect(err.message).toContain("GOOGLE_CLOUD_PROJECT");
      await s.close();
    } finally {
      if (saved[0] !== undefined) process.env.GOOGLE_CLOUD_PROJECT = saved[0];
      if (saved[1] !== undefined) process.env.GCLOUD_PROJECT = saved[1];
    }
  });
});

describe("batch", () => {
  const many = Array.from({ length: 24 }, (_, i) => ({
    name: uniqueName(`batch${i}`),
    value: fakeValue(`b${i}`),
  }));
  beforeAll(async () => {
    for (const m of many) await putSecret({ url: proxy.url }, m.name, [m.value]);
  });
  const spec = () => Object.fromEntries(many.map((m, i) => [`S${i}`, `gcp-sm://${m.name}`]));

  it("load() reads concurrently, never more than `concurrency` at once, over kept-alive connections", async () => {
    proxy.reads.clear(); // the seeding's own connections do not count
    const s = client({ projectId: project, concurrency: 4 });
    const out = await s.load(spec());
    expect(many.every((m, i) => out[`S${i}`] === m.value)).toBe(true);
    expect(proxy.reads.stats.maxInFlight).toBe(4);
    // One keep-alive agent: at most one connection per concurrent read, reused after.
    expect(proxy.reads.stats.connections).toBeLessThanOrEqual(4);
    s.clear();
    await s.load(spec());
    expect(proxy.reads.stats.connections).toBeLessThanOrEqual(4);
    await s.close();
  });

  it("the bound is configurable (default 16)", async () => {
    const s = client({ projectId: project });
    await s.load(spec());
    expect(proxy.reads.stats.maxInFlight).toBeGreaterThan(4);
    expect(proxy.reads.stats.maxInFlight).toBeLessThanOrEqual(16);
    await s.close();
    const bad = createSecrets({
      builtins: false,
      providers: { gcp: gcpProvider({ concurrency: 0, authClient: fixedClient() }) },
    });
    expect((await failure(bad.getSecret(`gcp-sm://${many[0]?.name}`))).code).toBe("INVALID_CONFIG");
    await bad.close();
  });

  it("through ADC, a batch signs in once: one client, one token exchange for every read", async () => {
    const audience =
      "//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/pool/providers/batch";
    const subject = fakeValue("subject");
    const tokens = await startGcpTokenServer({ audience, subjectTokens: [subject] });
    const dir = mkdtempSync(join(tmpdir(), "gcp-batch-"));
    try {
      writeFileSync(join(dir, "subject"), subject);
      writeFileSync(
        join(dir, "adc.json"),
        JSON.stringify({
          type: "external_account",
          audience,
          subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
          token_url: tokens.tokenUrl,
          credential_source: { file: join(dir, "subject") },
        }),
      );
      const s = createSecrets({
        builtins: false,
        providers: {
          gcp: gcpProvider({
            endpoint: proxy.url,
            projectId: project,
            keyFilename: join(dir, "adc.json"),
          }),
        },
      });
      const before = proxy.bearerTokens.length;
      const out = await s.load(spec());
      expect(many.every((m, i) => out[`S${i}`] === m.value)).toBe(true);
      expect(tokens.counts.sts).toBe(1);
      const seen = proxy.bearerTokens.slice(before);
      expect(seen.length).toBe(many.length);
      expect(seen.every((t) => tokens.issued.has(t))).toBe(true);
      await s.close();
    } finally {
      await tokens.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("every read of a batch carries the one client's token", async () => {
    const token = `batch-bearer-${Date.now()}`;
    const s = client({ projectId: project, authClient: fixedClient(token) });
    const before = proxy.bearerTokens.length;
    await s.load(spec());
    const seen = proxy.bearerTokens.slice(before);
    expect(seen.length).toBe(many.length);
    expect(new Set(seen)).toEqual(new Set([token]));
    await s.close();
  });
});
