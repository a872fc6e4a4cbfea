/**
 * The provider's authentication: the source credentials (an injected client, a key
 * file, Application Default Credentials), an `Impersonated` client over them when
 * `impersonate` is set, the default project, and the `requireShortLived` policy.
 */

import type { AuthClient, GoogleAuth, Impersonated } from "google-auth-library";
import {
  type AuthClass,
  ConfigError,
  type ProviderContext,
  raceSignal,
  toMillis,
} from "../../../src/provider/index.js";
import type { GcpAuth, GcpAuthClient, GcpImpersonation, GcpOptions } from "../types.js";
import { classifyGcpAuth } from "./auth-class.js";
import { loadGoogleAuth } from "./library.js";
import { type GcpSourceInfo, inspectGcpSource, projectFromSettings } from "./source.js";

/** The scope every source token carries (Secret Manager and IAM Credentials both take it). */
export const CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform";

/** An impersonation, normalised: the key of its `Impersonated` client. */
export interface ImpersonationSpec {
  target: string;
  /** In the API's form, `projects/-/serviceAccounts/<email>`. */
  delegates: string[];
  scopes: string[];
  lifetimeSeconds: number;
}

/** What `issueGcpCredentials` needs beyond the public contract. */
export interface GcpAuthInternals {
  /** What the source credentials are, by their root material. */
  authClass(signal?: AbortSignal): Promise<AuthClass>;
  /** One `Impersonated` per spec, over the source credentials. */
  impersonated(spec: ImpersonationSpec, signal?: AbortSignal): Promise<Impersonated>;
}

const internals = new WeakMap<GcpAuth, GcpAuthInternals>();

/** The internals of an auth made by {@link createGcpAuth}. */
export function internalsOf(auth: GcpAuth): GcpAuthInternals {
  const i = internals.get(auth);
  if (!i) throw new TypeError("gcp: not an auth made by createGcpAuth()");
  return i;
}

/**
 * Seconds from a lifetime option: a number of seconds or `"600s"`, `"15m"`, `"1h"`.
 *
 * @example
 * ```ts
 * lifetimeSeconds("15m"); // 900
 * ```
 */
export function lifetimeSeconds(v: number | string | undefined): number {
  if (v === undefined) return 3600;
  // A number (or digits alone) is seconds; a string with units is the kit's duration.
  let n = Number.NaN;
  if (typeof v === "number") n = v;
  else if (typeof v === "string" && /^\d+$/.test(v.trim())) n = Number(v.trim());
  else if (typeof v === "string") {
    try {
      n = toMillis(v.trim(), "lifetime") / 1000;
    } catch {
      // Reported below, in the provider's words.
    }
  }
  if (!Number.isInteger(n) || n < 1 || n > 43_200) {
    throw new ConfigError({
      provider: "gcp",
      message: `gcp: a token lifetime is 1 s to 12 h, as seconds or "600s", "15m", "1h" (got ${JSON.stringify(v)}).`,
    });
  }
  return n;
}

/**
 * An impersonation setting in the API's terms; `base` fills what `over` leaves out.
 *
 * @example
 * ```ts
 * impersonationSpec({ targetPrincipal: "reader@p.iam.gserviceaccount.com" }).lifetimeSeconds; // 3600
 * ```
 */
export function impersonationSpec(
  over: Partial<GcpImpersonation>,
  base: Partial<GcpImpersonation> = {},
): ImpersonationSpec {
  const target = over.targetPrincipal ?? base.targetPrincipal;
  if (!target) {
    throw new ConfigError({
      provider: "gcp",
      message:
        'gcp: name the service account to impersonate: getCredentials("gcp", { targetPrincipal: "sa@project.iam.gserviceaccount.com" }) or gcpProvider({ impersonate: { targetPrincipal } }).',
    });
  }
  const useBase =
    over.targetPrincipal === undefined || over.targetPrincipal === base.targetPrincipal;
  const pick = <K extends keyof GcpImpersonation>(k: K) =>
    over[k] !== undefined ? over[k] : useBase ? base[k] : undefined;
  const scopes = pick("scopes") ?? CLOUD_PLATFORM;
  return {
    target,
    delegates: [...(pick("delegates") ?? [])].map((d) =>
      d.startsWith("projects/") ? d : `projects/-/serviceAccounts/${d}`,
    ),
    scopes: typeof scopes === "string" ? [scopes] : [...scopes],
    lifetimeSeconds: lifetimeSeconds(pick("lifetime")),
  };
}

/** A stable key for one spec. */
export function specKey(s: ImpersonationSpec): string {
  return [s.target, s.delegates.join(","), [...s.scopes].sort().join(" "), s.lifetimeSeconds].join(
    "|",
  );
}

/**
 * A sign-in failure as a typed error naming the fixes: no credentials at all (no file, no gcloud
 * login, not on GCP), or credentials that could not be loaded (a missing or unreadable file).
 */
function signInFailure(err: unknown): ConfigError {
  const none = /could not load the default credentials/i.test(String((err as Error)?.message));
  return new ConfigError({
    provider: "gcp",
    cause: err,
    message: none
      ? "gcp: no credentials found: not on Google Cloud (no metadata server), no GOOGLE_APPLICATION_CREDENTIALS file and no gcloud login. " +
        "Fix: on GCP, attach a service account to the workload; elsewhere, point GOOGLE_APPLICATION_CREDENTIALS at a workload identity federation file " +
        "(`gcloud iam workload-identity-pools create-cred-config`); on a developer machine, run `gcloud auth application-default login`; or pass gcpProvider({ authClient })."
      : "gcp: Application Default Credentials are not available (see the cause): check the file GOOGLE_APPLICATION_CREDENTIALS or keyFilename names, " +
        "set GOOGLE_CLOUD_PROJECT (a workload identity federation file needs a project), run on GCP (the metadata server signs in), or pass gcpProvider({ authClient }).",
  });
}

/**
 * Creates the provider's authentication. Nothing is loaded or read until first use;
 * `google-auth-library` is imported only when the provider builds a client of its own
 * (no `authClient`, or an impersonation).
 *
 * @example
 * ```ts
 * const auth = createGcpAuth({ impersonate: { targetPrincipal: "reader@acme-prod.iam.gserviceaccount.com" } }, ctx);
 * const headers = await (await auth.client()).getRequestHeaders();
 * ```
 */
export function createGcpAuth(options: GcpOptions, _ctx: ProviderContext): GcpAuth {
  let info: GcpSourceInfo | undefined;
  const sourceInfo = () => {
    info ??= inspectGcpSource(options);
    return info;
  };
  let source: Promise<{ google?: GoogleAuth; client: AuthClient }> | undefined;
  const impersonations = new Map<string, Promise<Impersonated>>();
  let project: Promise<string> | undefined;

  /** The project handed to the library: with one, it never looks it up itself. */
  const knownProject = () => projectFromSettings(options, process.env, sourceInfo());

  /** The source's class, judged once when the source client is made (kept with it). */
  let classified: { of: unknown; auth: AuthClass } | undefined;
  async function authClass(signal?: AbortSignal): Promise<AuthClass> {
    // The caller's official client reads with its own auth: judge what it holds.
    if (options.client !== undefined) {
      if (classified?.of !== options.client) {
        classified = { of: options.client, auth: classifyGcpAuth([options.client]) };
      }
      return classified.auth;
    }
    const src = await raceSignal(sourceClient(), signal);
    if (classified?.of !== src) {
      const info = sourceInfo();
      classified = {
        of: src,
        auth: classifyGcpAuth([src.client, src.google], {
          ...(info.file && !options.authClient ? { file: info.file } : {}),
          metadata: info.kind === "metadata",
          ...(options.impersonate ? { impersonating: options.impersonate.targetPrincipal } : {}),
        }),
      };
    }
    return classified.auth;
  }

  function sourceClient(): Promise<{ google?: GoogleAuth; client: AuthClient }> {
    if (!source) {
      source = (async () => {
        if (options.authClient) return { client: options.authClient as unknown as AuthClient };
        const { GoogleAuth, JWT } = await loadGoogleAuth();
        const projectId = knownProject();
        const google = new GoogleAuth({
          scopes: CLOUD_PLATFORM,
          ...(projectId ? { projectId } : {}),
          ...(options.keyFilename ? { keyFilename: options.keyFilename } : {}),
        });
        let client: AuthClient;
        try {
          client = await google.getClient();
        } catch (err) {
          throw signInFailure(err);
        }
        // As the Cloud client libraries do: a key signs its own scoped JWT, no token round trip.
        if (client instanceof JWT) client.useJWTAccessWithScope = true;
        return { google, client };
      })();
      source.catch(() => {
        source = undefined;
      });
    }
    return source;
  }

  function impersonated(spec: ImpersonationSpec, signal?: AbortSignal): Promise<Impersonated> {
    const key = specKey(spec);
    let p = impersonations.get(key);
    if (!p) {
      p = (async () => {
        const [{ Impersonated }, { client }] = await Promise.all([
          loadGoogleAuth(),
          sourceClient(),
        ]);
        if (typeof (client as Partial<AuthClient>).request !== "function") {
          throw new ConfigError({
            provider: "gcp",
            message:
              "gcp: impersonation signs its IAM Credentials call with the authClient, so it must be a google-auth-library AuthClient (GoogleAuth.getClient(), OAuth2Client …), not only getRequestHeaders().",
          });
        }
        return new Impersonated({
          sourceClient: client,
          targetPrincipal: spec.target,
          targetScopes: spec.scopes,
          delegates: spec.delegates,
          lifetime: spec.lifetimeSeconds,
          ...(options.iamCredentialsEndpoint ? { endpoint: options.iamCredentialsEndpoint } : {}),
        });
      })();
      impersonations.set(key, p);
      p.catch(() => impersonations.delete(key));
    }
    return raceSignal(p, signal);
  }

  // Normalised on first use (a bad lifetime fails the first read, not the constructor), once.
  let readSpec: ImpersonationSpec | undefined;

  const auth: GcpAuth = {
    async client(signal?: AbortSignal): Promise<GcpAuthClient> {
      if (options.impersonate) {
        readSpec ??= impersonationSpec(options.impersonate);
        return impersonated(readSpec, signal);
      }
      return (await raceSignal(sourceClient(), signal)).client;
    },

    projectId(signal?: AbortSignal): Promise<string> {
      const known = knownProject();
      if (known) return Promise.resolve(known);
      if (!project) {
        project = (async () => {
          let found: string | null | undefined;
          const { google } = await sourceClient();
          try {
            // No file hint and no variable: the metadata server (or gcloud) knows it.
            found = google ? await google.getProjectId() : undefined;
          } catch {
            found = undefined;
          }
          if (!found) {
            throw new ConfigError({
              provider: "gcp",
              message:
                "gcp: no default project for a reference that names none: set GOOGLE_CLOUD_PROJECT, gcpProvider({ projectId }), or write the reference in full (gcp-sm://projects/<project>/secrets/<secret>).",
            });
          }
          return found;
        })();
        project.catch(() => {
          project = undefined;
        });
      }
      return raceSignal(project, signal);
    },

    async source() {
      const i = sourceInfo();
      const principal = options.impersonate?.targetPrincipal ?? i.principal;
      return { kind: i.kind, longLived: i.longLived, ...(principal ? { principal } : {}) };
    },
  };
  internals.set(auth, { impersonated, authClass });
  return auth;
}
