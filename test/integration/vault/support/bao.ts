/**
 * The Vault stand-in (OpenBao dev server + PostgreSQL) for these tests, from
 * the shared harness, plus root-token helpers to seed it: KV secrets,
 * narrow-policy tokens, database roles with short TTLs.
 */

import { randomUUID } from "node:crypto";
import { type VaultProviderOptions, vaultProvider } from "../../../../providers/vault/index.js";
import {
  createSecrets,
  type Secrets,
  type SecretsEvent,
  type SecretsOptions,
} from "../../../../src/index.js";
import { standIn, type VaultStandIn } from "../../../support/stand-ins.js";

/** The Vault stand-in started by the integration project's globalSetup. */
export function bao(): VaultStandIn {
  return standIn("vault");
}

/** A distinctive fake value, never a real credential. */
export function fakeValue(label = "v"): string {
  return `vault-test-${label}-${randomUUID()}`;
}

/** A unique path prefix per test, so tests never collide on the shared stand-in. */
export function uniquePrefix(): string {
  return `t${randomUUID().slice(0, 8)}`;
}

/** One root-token request to the stand-in (seeding only; the provider never uses the root token unless a test says so). */
export async function api<T = Record<string, unknown>>(
  method: string,
  path: string,
  body?: unknown,
  token = bao().token,
  address = bao().address,
): Promise<T> {
  const r = await fetch(`${address}/v1/${path}`, {
    method,
    headers: { "X-Vault-Token": token, "Content-Type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} /v1/${path} -> ${r.status} ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : {}) as T;
}

/** Writes a KV v2 secret (a new version each call). */
export async function putKv2(path: string, data: Record<string, unknown>): Promise<number> {
  const r = await api<{ data: { version: number } }>("POST", `${bao().kv2Mount}/data/${path}`, {
    data,
  });
  return r.data.version;
}

/** Writes a KV v1 secret. */
export async function putKv1(path: string, data: Record<string, unknown>): Promise<void> {
  await api("POST", `${bao().kv1Mount}/${path}`, data);
}

/** A token with exactly `rules` as its policy (plus default), TTL'd. */
export async function tokenWithPolicy(rules: string, ttl = "1h"): Promise<string> {
  const name = `p-${randomUUID().slice(0, 8)}`;
  await api("PUT", `sys/policies/acl/${name}`, { policy: rules });
  const r = await api<{ auth: { client_token: string } }>("POST", "auth/token/create", {
    policies: [name],
    ttl,
  });
  return r.auth.client_token;
}

/** An AppRole login token's credentials for the seeded role. */
export function approle(): { roleId: string; secretId: string } {
  const a = bao().approle;
  return { roleId: a.roleId, secretId: a.secretId };
}

/** A client whose `vault` provider talks to `address` (the stand-in or a proxy in front of it). */
export function vaultSecrets(
  provider: VaultProviderOptions = {},
  options: SecretsOptions = {},
): { secrets: Secrets; events: SecretsEvent[] } {
  const events: SecretsEvent[] = [];
  const secrets = createSecrets({
    builtins: false,
    ...options,
    providers: {
      vault: vaultProvider({
        address: bao().address,
        auth: { method: "token", token: bao().token },
        ...provider,
      }),
      ...options.providers,
    },
    onEvent: (e) => events.push(e),
  });
  return { secrets, events };
}
