/**
 * The GCP provider's authentication layer, minimal: the caller's `authClient` as is, or
 * Application Default Credentials through `google-auth-library` (imported on first use).
 * One client per provider, shared by every read.
 */

import { ConfigError, importPeer, type ProviderContext } from "../../../src/provider/index.js";
import type { GcpAuth, GcpAuthClient, GcpOptions } from "../types.js";

const CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform";

/**
 * Creates the provider's auth: one client for every read, and the default project.
 *
 * @example
 * ```ts
 * const auth = createGcpAuth({ projectId: "acme-prod" }, ctx);
 * const headers = await (await auth.client()).getRequestHeaders(url);
 * ```
 */
export function createGcpAuth(options: GcpOptions, _ctx: ProviderContext): GcpAuth {
  const known = options.projectId ?? envProject();
  let google: Promise<import("google-auth-library").GoogleAuth> | undefined;
  let client: Promise<GcpAuthClient> | undefined;
  let project: Promise<string> | undefined;

  function googleAuth() {
    if (!google) {
      google = importPeer("gcp", "google-auth-library", () => import("google-auth-library")).then(
        ({ GoogleAuth }) =>
          new GoogleAuth({
            scopes: [CLOUD_PLATFORM],
            ...(options.keyFilename ? { keyFilename: options.keyFilename } : {}),
            // A project given up front keeps the library from looking one up (with an
            // external-account file, a failed lookup there ends the process).
            ...(known ? { projectId: known } : {}),
          }),
      );
      google.catch(() => {
        google = undefined;
      });
    }
    return google;
  }

  return {
    client() {
      if (options.authClient) return Promise.resolve(options.authClient);
      if (!client) {
        client = googleAuth().then((g) =>
          (g.getClient() as Promise<GcpAuthClient>).catch((cause: unknown) => {
            // With no project known, the library looks one up while signing in; for a
            // workload identity federation file that lookup can fail the sign-in itself.
            if (known) {
              throw new ConfigError({
                provider: "gcp",
                cause,
                message:
                  "gcp: Application Default Credentials are not available (see the cause). Run on GCP (the metadata server signs in), set GOOGLE_APPLICATION_CREDENTIALS to a workload identity federation file, run gcloud auth application-default login, or pass gcpProvider({ authClient }).",
              });
            }
            throw new ConfigError({
              provider: "gcp",
              cause,
              message:
                "gcp: Application Default Credentials could not sign in, and no project was given. Set GOOGLE_CLOUD_PROJECT or pass gcpProvider({ projectId }) (needed with a workload identity federation file), then check GOOGLE_APPLICATION_CREDENTIALS.",
            });
          }),
        );
        client.catch(() => {
          client = undefined;
        });
      }
      return client;
    },
    projectId() {
      if (known) return Promise.resolve(known);
      if (!project) {
        project = (async () => {
          if (options.authClient) throw noProject();
          const id = await (await googleAuth()).getProjectId().catch((cause: unknown) => {
            throw noProject(cause);
          });
          if (!id) throw noProject();
          return id;
        })();
        project.catch(() => {
          project = undefined;
        });
      }
      return project;
    },
    async source() {
      return { kind: options.authClient ? "injected" : "unknown", longLived: false };
    },
  };
}

function envProject(): string | undefined {
  return process.env.GOOGLE_CLOUD_PROJECT || process.env.GCLOUD_PROJECT || undefined;
}

function noProject(cause?: unknown) {
  return new ConfigError({
    provider: "gcp",
    ...(cause === undefined ? {} : { cause }),
    message:
      "gcp: no default project for a reference that names none. Set GOOGLE_CLOUD_PROJECT, pass gcpProvider({ projectId }), or write projects/<project>/secrets/<name>.",
  });
}
