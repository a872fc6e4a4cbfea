/**
 * Lazy loaders for the AWS SDK v3 clients. Each package is an optional peer
 * dependency, imported the first time a reference or request needs it, so
 * `aws-sm://` never loads STS unless a role is configured, and a service that
 * only reads `env://` loads no AWS code at all.
 */

import { importPeer } from "../../src/provider/index.js";

type SecretsManagerModule = typeof import("@aws-sdk/client-secrets-manager");
type SsmModule = typeof import("@aws-sdk/client-ssm");
type StsModule = typeof import("@aws-sdk/client-sts");
type IamModule = typeof import("@aws-sdk/client-iam");

let secretsManager: Promise<SecretsManagerModule> | undefined;
let ssm: Promise<SsmModule> | undefined;
let sts: Promise<StsModule> | undefined;
let iam: Promise<IamModule> | undefined;

// A failed import is not memoised: installing the package fixes the next call.
function once<M>(
  get: () => Promise<M> | undefined,
  set: (p: Promise<M> | undefined) => void,
  load: () => Promise<M>,
): Promise<M> {
  let p = get();
  if (p === undefined) {
    p = load();
    set(p);
    p.catch(() => set(undefined));
  }
  return p;
}

/** `@aws-sdk/client-secrets-manager`, imported on first use. */
export function loadSecretsManager(): Promise<SecretsManagerModule> {
  return once(
    () => secretsManager,
    (p) => {
      secretsManager = p;
    },
    () =>
      importPeer<SecretsManagerModule>("aws", "@aws-sdk/client-secrets-manager", [
        "SecretsManagerClient",
      ]),
  );
}

/** `@aws-sdk/client-ssm`, imported on first use. */
export function loadSsm(): Promise<SsmModule> {
  return once(
    () => ssm,
    (p) => {
      ssm = p;
    },
    () => importPeer<SsmModule>("aws", "@aws-sdk/client-ssm", ["SSMClient"]),
  );
}

/** `@aws-sdk/client-sts`, imported on first use (role sessions and `getCredentials` only). */
export function loadSts(): Promise<StsModule> {
  return once(
    () => sts,
    (p) => {
      sts = p;
    },
    () => importPeer<StsModule>("aws", "@aws-sdk/client-sts", ["STSClient"]),
  );
}

/** `@aws-sdk/client-iam`, imported on first use (`accessKeyAge()` only). */
export function loadIam(): Promise<IamModule> {
  return once(
    () => iam,
    (p) => {
      iam = p;
    },
    () => importPeer<IamModule>("aws", "@aws-sdk/client-iam", ["IAMClient"]),
  );
}
