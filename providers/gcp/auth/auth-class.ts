/**
 * What the GCP provider authenticates with, under `policy.requireShortLived`:
 * judged by what the material is, not by `type` strings or class names
 * (google-auth-library loads a key file whatever its `type` says, and class
 * names do not survive minification). The walk looks through the source
 * client, the `GoogleAuth` that made it, an impersonation's source chain at
 * any depth, and the credential file's JSON.
 */

import { KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import type { AuthClass } from "../../../src/provider/index.js";

const PEM_PRIVATE = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
const REFRESH_FIELDS = new Set(["refresh_token", "refreshToken", "_refreshToken"]);
/** A refresh token is a user's login only beside an OAuth client secret (Compute keeps a placeholder one). */
const CLIENT_SECRET_FIELDS = ["client_secret", "clientSecret", "_clientSecret"];
const KEY_FILE_FIELDS = new Set(["keyFile", "keyFilename"]);
/** Enough for any real client graph (the transporter's agents included), bounded for any other. */
const MAX_NODES = 5_000;

/** What the walk found. */
interface Found {
  privateKey?: string;
  refreshToken?: boolean;
  federation?: boolean;
  metadata?: boolean;
}

const INSTEAD_KEY =
  "use workload identity federation (an external_account credential file from `gcloud iam workload-identity-pools create-cred-config`) or run where the metadata server issues the service account's tokens (Cloud Run, GKE, Compute Engine), and delete the key";
const INSTEAD_USER =
  "on a developer machine, leave the policy off; in production use the metadata server or workload identity federation";

function keyFileMaterial(path: string, found: Found, seen: Set<unknown>): void {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return; // Unreadable: the read reports it.
  }
  if (PEM_PRIVATE.test(text)) {
    found.privateKey ??= `the key file ${path}`;
    return;
  }
  try {
    walk(JSON.parse(text), found, seen, `the credential file ${path}`);
  } catch {
    // Not JSON nor PEM (a .p12): a key all the same.
    found.privateKey ??= `the key file ${path}`;
  }
}

function walk(root: unknown, found: Found, seen: Set<unknown>, where: string): void {
  const stack: Array<[unknown, unknown]> = [[root, undefined]];
  const secretIn = (o: unknown) =>
    o !== null &&
    typeof o === "object" &&
    CLIENT_SECRET_FIELDS.some((k) => {
      const v = (o as Record<string, unknown>)[k];
      return typeof v === "string" && v !== "";
    });
  while (stack.length > 0 && seen.size < MAX_NODES) {
    const [node, parent] = stack.pop() as [unknown, unknown];
    if (node === null || typeof node !== "object" || seen.has(node)) continue;
    seen.add(node);
    if (node instanceof KeyObject) {
      if (node.type === "private") found.privateKey ??= where;
      continue;
    }
    if (ArrayBuffer.isView(node)) continue;
    for (const field of Object.keys(node)) {
      let v: unknown;
      try {
        v = (node as Record<string, unknown>)[field];
      } catch {
        continue;
      }
      if (typeof v === "string") {
        if (field === "private_key" && v !== "") found.privateKey ??= where;
        else if (PEM_PRIVATE.test(v)) found.privateKey ??= where;
        else if (REFRESH_FIELDS.has(field) && v !== "" && (secretIn(node) || secretIn(parent))) {
          found.refreshToken = true;
        } else if (KEY_FILE_FIELDS.has(field) && v !== "") keyFileMaterial(v, found, seen);
        else if (field === "subjectTokenType" || field === "subject_token_type") {
          found.federation = true;
        } else if (field === "serviceAccountEmail") found.metadata = true;
      } else if (v !== null && typeof v === "object") {
        if (field === "credential_source" || field === "credentialSource") found.federation = true;
        stack.push([v, node]);
      }
    }
  }
}

/**
 * Classifies GCP auth material by its root (the chain rule): any private key
 * anywhere is long-lived, whatever wraps it; a user's refresh token (gcloud
 * login) is long-lived; federation and the metadata server are short-lived;
 * anything else is unknown.
 *
 * @example
 * ```ts
 * classifyGcpAuth([{ key: "-----BEGIN PRIVATE KEY-----…" }]).class; // "long-lived"
 * ```
 */
export function classifyGcpAuth(
  material: readonly unknown[],
  o: { file?: string; metadata?: boolean; impersonating?: string } = {},
): AuthClass {
  const found: Found = {};
  const seen = new Set<unknown>();
  if (o.file) keyFileMaterial(o.file, found, seen);
  for (const m of material) walk(m, found, seen, "the source credentials");
  const via = o.impersonating ? `, even as the source for impersonating ${o.impersonating}` : "";
  if (found.privateKey) {
    return {
      class: "long-lived",
      what: `a service-account private key (in ${found.privateKey})${via}`,
      instead: INSTEAD_KEY,
    };
  }
  if (found.refreshToken) {
    return {
      class: "long-lived",
      what: `a user's refresh token (gcloud auth application-default login)${via}`,
      instead: INSTEAD_USER,
    };
  }
  if (found.federation) return { class: "short-lived", what: "workload identity federation" };
  if (found.metadata || o.metadata) return { class: "short-lived", what: "the metadata server" };
  return {
    class: "unknown",
    what: "GCP credentials of a kind not recognised (no key, refresh token, federation or metadata server found)",
  };
}
