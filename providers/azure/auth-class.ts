/**
 * What the Azure provider authenticates with, under `policy.requireShortLived`.
 * An injected `TokenCredential` is judged by what it holds (its own fields,
 * through chains and wrappers), never by class names, which minifiers rename,
 * and without loading `@azure/identity`.
 */

import { KeyObject } from "node:crypto";
import type { AuthClass } from "../../src/provider/index.js";
import type { AzureChainLink } from "./chain.js";

const PEM_PRIVATE = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
const MAX_NODES = 5_000;

const INSTEAD =
  "use workload identity federation (AZURE_FEDERATED_TOKEN_FILE with AZURE_TENANT_ID and AZURE_CLIENT_ID) or a managed identity, and remove the secret or certificate (AZURE_CLIENT_SECRET, the clientSecret option)";

interface Found {
  longLived?: string;
  shortLived?: string;
}

function walk(root: unknown, found: Found): void {
  const seen = new Set<unknown>();
  const stack: unknown[] = [root];
  while (stack.length > 0 && seen.size < MAX_NODES) {
    const node = stack.pop();
    if (node === null || typeof node !== "object" || seen.has(node)) continue;
    seen.add(node);
    if (node instanceof KeyObject) {
      if (node.type === "private") found.longLived ??= "a client certificate's private key";
      continue;
    }
    if (ArrayBuffer.isView(node)) continue;
    const o = node as Record<string, unknown>;
    const has = (k: string) => Object.hasOwn(o, k) && o[k] !== undefined && o[k] !== null;
    const text = (k: string) => typeof o[k] === "string" && o[k] !== "";
    if (text("clientSecret")) found.longLived ??= "a client secret";
    if (has("certificateConfiguration") || text("certificatePath") || has("sendCertificateChain")) {
      found.longLived ??= "a client certificate";
    }
    if (text("password") && text("username")) found.longLived ??= "a username and password";
    if (text("federatedTokenFilePath") || has("azureFederatedTokenFileContent")) {
      found.shortLived ??= "workload identity federation";
    }
    if (has("managedIdentityApp") || has("isAvailableIdentityClient")) {
      found.shortLived ??= "a managed identity";
    }
    if (typeof o.getAssertion === "function") found.shortLived ??= "a client assertion";
    for (const k of Object.keys(o)) {
      let v: unknown;
      try {
        v = o[k];
      } catch {
        continue;
      }
      if (typeof v === "string") {
        if (PEM_PRIVATE.test(v)) found.longLived ??= "a client certificate's private key";
      } else if (v !== null && typeof v === "object") stack.push(v);
    }
  }
}

/**
 * Classifies an injected credential by what it holds: a client secret,
 * certificate or password anywhere in it (a chain's links included) is
 * long-lived; workload identity, managed identity or a client assertion is
 * short-lived; anything else is unknown.
 *
 * @example
 * ```ts
 * classifyAzureCredential({ clientSecret: "…", getToken() {} }).class; // "long-lived"
 * ```
 */
export function classifyAzureCredential(credential: unknown): AuthClass {
  const found: Found = {};
  walk(credential, found);
  if (found.longLived) {
    return {
      class: "long-lived",
      what: `an injected credential holding ${found.longLived}`,
      instead: INSTEAD,
    };
  }
  if (found.shortLived) return { class: "short-lived", what: `injected ${found.shortLived}` };
  return {
    class: "unknown",
    what: "an injected credential of a kind not recognised (no secret, certificate, workload or managed identity found in it)",
  };
}

/**
 * Classifies the provider's own chain: a client secret configured (options or
 * environment) is long-lived even as the last link; otherwise the link that
 * issued the token decides (the Azure CLI is a user's login: long-lived).
 */
export function classifyAzureChain(
  links: readonly AzureChainLink[],
  used: AzureChainLink | undefined,
  expiresAt?: number,
): AuthClass {
  if (links.includes("clientSecret")) {
    return {
      class: "long-lived",
      what: "a client secret",
      instead: INSTEAD,
    };
  }
  switch (used) {
    case "workloadIdentity":
    case "managedIdentity":
      return {
        class: "short-lived",
        ...(expiresAt !== undefined ? { expiresAt } : {}),
        what: used === "workloadIdentity" ? "workload identity federation" : "a managed identity",
      };
    case "azureCli":
      return {
        class: "long-lived",
        what: "an Azure CLI user login (az login)",
        instead:
          "on a developer machine, leave the policy off; in production use workload identity federation or a managed identity (azureProvider({ azureCli: false }))",
      };
    default:
      return { class: "unknown", what: "an Azure credential chain that issued no token yet" };
  }
}
