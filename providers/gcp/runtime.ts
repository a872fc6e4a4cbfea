/**
 * The `gcp` provider's code: `gcp-sm://` reads from Secret Manager. By default over its
 * REST API v1 through one authorised `google-auth-library` client (imported on first
 * use) and one keep-alive agent; with `client`, through the caller's own
 * `SecretManagerServiceClient`, used as is. Payloads are returned as bytes, after their
 * CRC32C check; `load()` reads with bounded concurrency; throttling and unavailability
 * are retried with backoff inside the call's deadline.
 */

import {
  type CallContext,
  ConfigError,
  concurrencyOption,
  type Issued,
  networkFailure,
  type ParsedRef,
  type ProviderContext,
  type ProviderOperations,
  pause,
  type ReferenceRule,
  raceSignal,
  readEach,
  SecretsError,
} from "../../src/provider/index.js";
import { internalsOf } from "./auth/create.js";
import { gcpIdentity } from "./auth/identity.js";
import { createGcpAuth, gcpCredentialsLabel, issueGcpCredentials } from "./auth/index.js";
import { failureOf, type GcpSubject, RETRYABLE, toGcpError } from "./errors.js";
import { describeGcpSecret } from "./metadata.js";
import { accessWithOfficial, type OfficialClient, officialClient } from "./official-client.js";
import { checkedPayload, checksumRequired } from "./payload.js";
import { SecretManagerRest } from "./secret-manager.js";
import type { GcpCredentialsRequest, GcpOptions, GcpProviderInternals } from "./types.js";

/**
 * The GCP provider instance (`await secrets.provider("gcp")`).
 *
 * @example
 * ```ts
 * const gcp = (await secrets.provider("gcp")) as GcpProvider;
 * await gcp.projectId(); // "acme-prod"
 * ```
 */
export interface GcpProvider extends ProviderOperations {
  /** The project of references that name none. */
  projectId(signal?: AbortSignal): Promise<string>;
}

/** What the doctor facet is handed (typed by the declaration): the operations and their auth layer. */
export interface GcpOperations extends GcpProvider, GcpProviderInternals {}

/** Attempts per read for RESOURCE_EXHAUSTED, UNAVAILABLE, DEADLINE_EXCEEDED and dropped connections. */
const ATTEMPTS = 4;
const BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 1_000;
const DEFAULT_CONCURRENCY = 16;

/** Where a normalised path points: `[projects/<p>/[locations/<l>/]]secrets/<s>/versions/<v>`. */
interface Target {
  project?: string;
  location?: string;
  secret: string;
  version: string;
}

/**
 * The parts of a path the rule normalised.
 *
 * @example
 * ```ts
 * targetOf("secrets/db/versions/3"); // { secret: "db", version: "3" }
 * ```
 * @internal
 */
export function targetOf(path: string): Target {
  const p = path.split("/");
  if (p[0] !== "projects") return { secret: p[1] ?? "", version: p[3] ?? "latest" };
  const project = p[1] ?? "";
  if (p[2] === "locations") {
    return { project, location: p[3] ?? "", secret: p[5] ?? "", version: p[7] ?? "latest" };
  }
  return { project, secret: p[3] ?? "", version: p[5] ?? "latest" };
}

/** Whether a failure is worth another attempt: throttled, unavailable, or the connection dropped. */
function retryable(err: unknown): boolean {
  const f = failureOf(err);
  // An answer without a Google status (a proxy's 502 page) is judged by its HTTP code.
  if (f) return f.status ? RETRYABLE.has(f.status) : [429, 502, 503, 504].includes(f.httpCode ?? 0);
  const net = networkFailure(err);
  return net !== undefined && net !== "AbortError" && net !== "TimeoutError";
}

/** Runs `attempt` until it succeeds, fails for good, runs out of attempts or the signal fires. */
async function withRetry<T>(attempt: () => Promise<T>, signal: AbortSignal): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (n >= ATTEMPTS || signal.aborted || !retryable(err)) throw err;
      const ceiling = Math.min(BACKOFF_MS * 2 ** (n - 1), MAX_BACKOFF_MS);
      await pause(ceiling * (0.5 + Math.random() / 2), signal);
    }
  }
}

/**
 * Creates the GCP provider for a client (the declaration's `create`). The declaration passes
 * its `gcp-sm` rule, so the doctor's handle carries it without this module importing
 * `rules.ts`: a module shared by the root and this chunk would become a chunk of its own,
 * one more file for every start-up to load.
 *
 * @example
 * ```ts
 * const provider = await createGcpProvider(context, { projectId: "acme-prod" }, gcpSm);
 * ```
 */
export async function createGcpProvider(
  context: ProviderContext,
  options: GcpOptions = {},
  rule?: ReferenceRule,
): Promise<GcpOperations> {
  const concurrency = concurrencyOption("gcp", options.concurrency, DEFAULT_CONCURRENCY);
  const checksum = checksumRequired(options);
  const official: OfficialClient | undefined =
    options.client !== undefined ? officialClient(options.client) : undefined;
  const auth = createGcpAuth(options, context);
  const rest = official
    ? undefined
    : new SecretManagerRest(options.endpoint, options.regionalEndpoint);
  let officialProject: Promise<string> | undefined;

  /** The default project: the option, the environment, else the credentials (or the injected client). */
  function projectId(signal?: AbortSignal): Promise<string> {
    if (!official) return auth.projectId(signal);
    const known =
      options.projectId || process.env.GOOGLE_CLOUD_PROJECT || process.env.GCLOUD_PROJECT;
    if (known) return Promise.resolve(known);
    if (!officialProject) {
      officialProject = official.getProjectId
        ? official.getProjectId()
        : Promise.reject(
            new ConfigError({
              provider: "gcp",
              message:
                "gcp: no default project. Set GOOGLE_CLOUD_PROJECT or pass gcpProvider({ projectId }).",
            }),
          );
      officialProject.catch(() => {
        officialProject = undefined;
      });
    }
    return raceSignal(officialProject, signal);
  }

  async function read(ref: ParsedRef, call: CallContext): Promise<Issued> {
    const t = targetOf(ref.path);
    const project =
      t.project ??
      (await projectId(call.signal).catch((cause: unknown) => {
        throw SecretsError.is(cause)
          ? cause
          : new ConfigError({
              provider: "gcp",
              cause,
              reference: ref.raw,
              message: `gcp: the default project for ${ref.raw} could not be found (see the cause). Set GOOGLE_CLOUD_PROJECT or pass gcpProvider({ projectId }).`,
            });
      }));
    const name = `projects/${project}/${t.location ? `locations/${t.location}/` : ""}secrets/${t.secret}/versions/${t.version}`;
    const subject: GcpSubject = {
      reference: ref.raw,
      project,
      secret: t.secret,
      version: t.version,
      ...(t.location ? { location: t.location } : {}),
    };
    let answer: { name?: string; data: Uint8Array; dataCrc32c?: unknown };
    try {
      answer = await withRetry(async () => {
        if (official) return accessWithOfficial(official, name, call.signal);
        const client = await auth.client(call.signal);
        const a = await (rest as SecretManagerRest).access(name, t.location, client, call.signal);
        return {
          ...(a.name ? { name: a.name } : {}),
          data: new Uint8Array(Buffer.from(a.payload?.data ?? "", "base64")),
          ...(a.payload?.dataCrc32c !== undefined ? { dataCrc32c: a.payload.dataCrc32c } : {}),
        };
      }, call.signal);
    } catch (err) {
      throw toGcpError(err, subject);
    }
    const value = checkedPayload(
      answer.data,
      answer.dataCrc32c,
      {
        subject: `secret "${t.secret}" (version ${t.version}) in project ${project}`,
        reference: ref.raw,
      },
      checksum,
    );
    const version = answer.name?.split("/").at(-1);
    return { value, ...(version ? { version } : {}) };
  }

  return {
    authClass: (call) => internalsOf(auth).authClass(call.signal),
    getSecret: read,
    // Secret Manager has no batch read.
    getSecrets: (refs, call) => readEach(refs, call, read, concurrency),
    projectId,
    gcpAuth: auth,
    gcpOptions: options,
    ...(rule ? { gcpRule: rule } : {}),
    getCredentials: (request, call) =>
      issueGcpCredentials(auth, options, request as GcpCredentialsRequest, call, context),
    credentialsLabel: (request) => gcpCredentialsLabel(options, request),
    describe: (ref, call) => describeGcpSecret(auth, options, ref, call),
    identity: (call) => gcpIdentity(auth, options, call?.signal),
    async close() {
      rest?.close();
    },
  };
}
