/**
 * The documented exception to "auth material in the context memo": the bearer
 * token of the provider's own Secret Manager reads stays in google-auth-library's
 * cache (it refreshes it `eagerRefreshThresholdMillis` ahead, 5 min by default,
 * not `cache.credentialRefreshLead`). What still holds, tested here with a real
 * `OAuth2Client` whose refresh the test controls, against drongo through the
 * forwarding proxy: getting the token runs under the call's deadline, close()
 * never waits for it, and the library's own refresh lead decides when a new
 * token is fetched (the reads carry the new one).
 */

import { randomUUID } from "node:crypto";
import { OAuth2Client } from "google-auth-library";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gcpProvider } from "../../../providers/gcp/index.js";
import { createSecrets } from "../../../src/index.js";
import {
  type GcpForwardingProxy,
  standIn,
  startGcpForwardingProxy,
} from "../../support/stand-ins.js";
import { fakeValue, putSecret, uniqueName } from "./support/sm.js";

const gcp = standIn("gcp");
const name = uniqueName("bearer");
let proxy: GcpForwardingProxy;
const REF = `gcp-sm://projects/${gcp.projectId}/secrets/${name}`;

beforeAll(async () => {
  proxy = await startGcpForwardingProxy(gcp);
  await putSecret({ url: proxy.url }, name, [fakeValue("bearer")]);
});
afterAll(() => proxy.close());

/** A real OAuth2Client whose token refresh answers with `next()` (or never). */
function controlledClient(next: () => Promise<{ access_token: string; expiry_date: number }>) {
  const client = new OAuth2Client();
  let refreshes = 0;
  client.refreshHandler = () => {
    refreshes++;
    return next();
  };
  return { client, refreshes: () => refreshes };
}

const elapsed = (t0: number) => performance.now() - t0;

describe("gcp bearer token (the library's cache, a documented exception)", () => {
  it("a token refresh that never answers costs the read its deadline, and close() does not wait for it", async () => {
    const { client, refreshes } = controlledClient(() => new Promise<never>(() => {}));
    const secrets = createSecrets({
      builtins: false,
      providers: { gcp: gcpProvider({ endpoint: proxy.url, authClient: client }) },
    });
    let t0 = performance.now();
    await expect(secrets.getSecret(REF, { timeout: 500 })).rejects.toMatchObject({
      code: "UNAVAILABLE",
    });
    const readMs = elapsed(t0);
    expect(readMs).toBeLessThan(500 + 250);
    expect(refreshes()).toBe(1);
    t0 = performance.now();
    const result = await secrets.close();
    const closeMs = elapsed(t0);
    console.log(
      `[gcp bearer] read ${Math.round(readMs)} ms at a 500 ms deadline; close() ${Math.round(closeMs)} ms`,
    );
    expect(closeMs).toBeLessThan(250);
    expect(result.timedOut).toBe(false);
  });

  it("is refreshed by the library's own lead (5 min ahead), and reads carry the new token", async () => {
    let n = 0;
    const issued: string[] = [];
    const { client, refreshes } = controlledClient(async () => {
      n++;
      const token = `bearer-${n}-${randomUUID()}`;
      issued.push(token);
      // The first token ends in 4 min: inside the library's 5 min lead, so it is replaced.
      return { access_token: token, expiry_date: Date.now() + (n === 1 ? 240_000 : 3_600_000) };
    });
    const secrets = createSecrets({
      builtins: false,
      providers: { gcp: gcpProvider({ endpoint: proxy.url, authClient: client }) },
    });
    try {
      proxy.bearerTokens.length = 0;
      await secrets.getSecret(REF);
      secrets.invalidate(REF);
      await secrets.getSecret(REF);
      secrets.invalidate(REF);
      await secrets.getSecret(REF);
      // 4 min left -> refreshed at the next read; 1 h left -> kept.
      expect(refreshes()).toBe(2);
      expect(proxy.bearerTokens).toEqual([issued[0], issued[1], issued[1]]);
    } finally {
      await secrets.close();
    }
  });
});
