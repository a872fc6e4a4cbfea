/**
 * Kubernetes auth through OpenBao's own kubernetes auth method, pointed at a
 * TokenReview stand-in (test/support/token-review.ts): the provider sends the
 * service-account token from its file (re-read at every login), OpenBao has
 * it reviewed, and a token the API no longer accepts fails the login.
 */

import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { VaultProvider } from "../../../providers/vault/index.js";
import { SecretsError } from "../../../src/index.js";
import { startTokenReview, type TokenReviewStandIn } from "../../support/token-review.js";
import { api, bao, fakeValue, putKv2, uniquePrefix, vaultSecrets } from "./support/bao.js";

const mount = `k8s-${randomUUID().slice(0, 8)}`;
const role = "api";
const prefix = uniquePrefix();
const value = fakeValue("k8s");
const REF = `vault://secret/${prefix}/app#key`;
const dir = mkdtempSync(join(tmpdir(), "vault-k8s-"));
let k8s: TokenReviewStandIn;

beforeAll(async () => {
  k8s = await startTokenReview();
  await putKv2(`${prefix}/app`, { key: value });
  await api("POST", `sys/auth/${mount}`, { type: "kubernetes" });
  await api("POST", `auth/${mount}/config`, {
    kubernetes_host: k8s.url,
    token_reviewer_jwt: k8s.reviewerToken,
    kubernetes_ca_cert: k8s.caCertPem,
  });
  await api("POST", `auth/${mount}/role/${role}`, {
    bound_service_account_names: ["api"],
    bound_service_account_namespaces: ["apps"],
    token_policies: [bao().policy],
    token_ttl: "2s",
    token_max_ttl: "2s",
  });
});

afterAll(async () => {
  await k8s?.close();
});

describe("vault Kubernetes auth", () => {
  it("logs in with the service-account token file, re-read at every login", async () => {
    const file = join(dir, `token-${randomUUID()}`);
    writeFileSync(file, k8s.issue({ namespace: "apps", name: "api" }));
    const { secrets } = vaultSecrets({
      auth: { method: "kubernetes", role, mount, jwtFile: file },
    });
    try {
      expect(await secrets.getSecret(REF)).toBe(value);
      const id = await ((await secrets.provider("vault")) as VaultProvider).identity();
      expect(id.policies).toContain(bao().policy);
      expect(k8s.reviews.authenticated).toBeGreaterThanOrEqual(1);
      // The kubelet rotates the projected token: the old one is revoked, the file holds a new one.
      const old = (await import("node:fs")).readFileSync(file, "utf8");
      writeFileSync(file, k8s.issue({ namespace: "apps", name: "api" }));
      k8s.revoke(old);
      await new Promise((r) => setTimeout(r, 2_500)); // past the 2 s max TTL
      secrets.invalidate(REF);
      expect(await secrets.getSecret(REF)).toBe(value);
    } finally {
      await secrets.close();
    }
  }, 15_000);

  it('a Kubernetes login with a TTL is short-lived: read under requireShortLived "strict"', async () => {
    const file = join(dir, `token-${randomUUID()}`);
    writeFileSync(file, k8s.issue({ namespace: "apps", name: "api" }));
    const { secrets } = vaultSecrets(
      { auth: { method: "kubernetes", role, mount, jwtFile: file } },
      { policy: { requireShortLived: "strict" } },
    );
    try {
      expect(await secrets.getSecret(REF)).toBe(value);
    } finally {
      await secrets.close();
    }
  });

  it("a token the API does not authenticate is refused with a typed error, never quoted", async () => {
    const file = join(dir, `token-${randomUUID()}`);
    const token = k8s.issue({ namespace: "apps", name: "api" });
    k8s.revoke(token);
    writeFileSync(file, token);
    const { secrets } = vaultSecrets({
      auth: { method: "kubernetes", role, mount, jwtFile: file },
    });
    try {
      const err = await secrets.getSecret(REF).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(SecretsError.is(err, "ACCESS_DENIED")).toBe(true);
      expect(err?.message).toMatch(/kubernetes login at auth\/k8s-[0-9a-f]+\/login was refused/);
      expect(JSON.stringify(err) + String(err?.message)).not.toContain(token);
    } finally {
      await secrets.close();
    }
  });

  it("a service account the role is not bound to is refused", async () => {
    const file = join(dir, `token-${randomUUID()}`);
    writeFileSync(file, k8s.issue({ namespace: "apps", name: "other" }));
    const { secrets } = vaultSecrets({
      auth: { method: "kubernetes", role, mount, jwtFile: file },
    });
    try {
      const err = await secrets.getSecret(REF).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(SecretsError.is(err, "ACCESS_DENIED")).toBe(true);
    } finally {
      await secrets.close();
    }
  });
});
