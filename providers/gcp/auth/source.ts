/**
 * Which source credentials the provider runs on, read from the options, the
 * environment and the credential file itself (no network): the doctor's
 * environment view (`policy.requireShortLived` judges the loaded material: auth-class.ts).
 */

import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { GcpOptions, GcpSourceKind } from "../types.js";

/** What the source credentials are, and where the project may come from. */
export interface GcpSourceInfo {
  kind: GcpSourceKind;
  /** True for a JSON service-account key or a user refresh token (they do not expire by themselves). */
  longLived: boolean;
  /** The service account or pool the credentials belong to, when the file names one. */
  principal?: string;
  /** The credential file, when there is one. */
  file?: string;
  /** Where the file came from, for messages. */
  origin?: "keyFilename" | "GOOGLE_APPLICATION_CREDENTIALS" | "gcloud";
  /** For an `impersonated_service_account` file: its source's kind. */
  sourceOf?: GcpSourceKind;
  /** Project hints of the file: `project_id`, `quota_project_id`, an external account's project number. */
  projectHints: string[];
}

type Env = Readonly<Record<string, string | undefined>>;

const KINDS = new Set<GcpSourceKind>([
  "service_account",
  "authorized_user",
  "external_account",
  "impersonated_service_account",
]);

/** The gcloud ADC file (`gcloud auth application-default login`), as the library finds it. */
function gcloudFile(env: Env): string {
  const dir =
    env.CLOUDSDK_CONFIG ??
    (process.platform === "win32"
      ? join(env.APPDATA ?? "", "gcloud")
      : join(env.HOME ?? homedir(), ".config", "gcloud"));
  return join(dir, "application_default_credentials.json");
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(readFileSync(file, "utf8"));
    return v && typeof v === "object" ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const str = (v: unknown) => (typeof v === "string" && v ? v : undefined);

/** The target of an impersonation URL (`.../serviceAccounts/<email>:generateAccessToken`). */
function impersonationTarget(url: unknown): string | undefined {
  return str(url)?.match(/serviceAccounts\/([^/:]+):generateAccessToken/)?.[1];
}

/**
 * Classifies the credentials the provider will use, without any network call:
 * `authClient` (injected), `keyFilename`, `GOOGLE_APPLICATION_CREDENTIALS`, the gcloud
 * file, or the metadata server.
 *
 * @example
 * ```ts
 * inspectGcpSource({}, { GOOGLE_APPLICATION_CREDENTIALS: "/run/key.json" }).kind; // "service_account"
 * ```
 */
export function inspectGcpSource(options: GcpOptions, env: Env = process.env): GcpSourceInfo {
  if (options.authClient) return { kind: "injected", longLived: false, projectHints: [] };
  let file: string | undefined;
  let origin: GcpSourceInfo["origin"];
  let json: Record<string, unknown> | undefined;
  if (options.keyFilename) {
    file = options.keyFilename;
    origin = "keyFilename";
  } else if (env.GOOGLE_APPLICATION_CREDENTIALS) {
    file = env.GOOGLE_APPLICATION_CREDENTIALS;
    origin = "GOOGLE_APPLICATION_CREDENTIALS";
  } else {
    const g = gcloudFile(env);
    json = readJson(g);
    if (json) {
      file = g;
      origin = "gcloud";
    }
  }
  if (!file) return { kind: "metadata", longLived: false, projectHints: [] };
  json ??= readJson(file);
  const type = str(json?.type) as GcpSourceKind | undefined;
  const kind: GcpSourceKind = type && KINDS.has(type) ? type : "unknown";
  const hints = [str(json?.project_id), str(json?.quota_project_id)];
  const info: GcpSourceInfo = { kind, longLived: false, file, projectHints: [] };
  if (origin) info.origin = origin;
  switch (kind) {
    case "service_account":
      info.longLived = true;
      if (str(json?.client_email)) info.principal = str(json?.client_email);
      break;
    case "authorized_user":
      info.longLived = true;
      break;
    case "external_account": {
      // A workload identity pool's audience carries the project number; the library would
      // otherwise look the project up in Cloud Resource Manager.
      const audience = str(json?.audience);
      hints.push(
        audience?.match(/\/projects\/(\d+)\//)?.[1],
        str(json?.workforce_pool_user_project),
      );
      const target = impersonationTarget(json?.service_account_impersonation_url);
      if (target ?? audience) info.principal = target ?? audience;
      break;
    }
    case "impersonated_service_account": {
      const src = json?.source_credentials as Record<string, unknown> | undefined;
      const srcType = str(src?.type) as GcpSourceKind | undefined;
      info.sourceOf = srcType && KINDS.has(srcType) ? srcType : "unknown";
      // The token is short-lived, but a key behind it is not.
      info.longLived = srcType === "service_account" || srcType === "authorized_user";
      const target = impersonationTarget(json?.service_account_impersonation_url);
      if (target) info.principal = target;
      hints.push(str(src?.project_id), str(src?.quota_project_id));
      break;
    }
  }
  info.projectHints = hints.filter((h): h is string => h !== undefined);
  return info;
}

/**
 * The project for references that name none: the option, `GOOGLE_CLOUD_PROJECT`,
 * `GCLOUD_PROJECT`, then the credential file's hints. Undefined when none is known
 * (the metadata server may still answer).
 *
 * @example
 * ```ts
 * projectFromSettings({}, { GOOGLE_CLOUD_PROJECT: "acme-prod" }, info); // "acme-prod"
 * ```
 */
export function projectFromSettings(
  options: GcpOptions,
  env: Env,
  info: GcpSourceInfo,
): string | undefined {
  return (
    options.projectId ?? env.GOOGLE_CLOUD_PROJECT ?? env.GCLOUD_PROJECT ?? info.projectHints[0]
  );
}
