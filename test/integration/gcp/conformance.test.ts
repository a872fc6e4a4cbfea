// @stand-ins: gcp, toxiproxy
/**
 * The provider kit's conformance suite for the gcp provider against drongo. The main
 * cases go through Toxiproxy to the forwarding proxy (which answers PERMISSION_DENIED for
 * the `denied` secret, as the real service does without secretAccessor); the fault
 * scenarios go through a second Toxiproxy proxy straight to drongo, so nothing of the
 * test process sits between the faults and the backend.
 */

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { gcpProvider } from "../../../providers/gcp/index.js";
import { testProvider } from "../../../src/provider/testing/index.js";
import { standIn, startGcpForwardingProxy } from "../../support/stand-ins.js";
import { proxyTo } from "../../support/toxiproxy.js";
import { fakeValue, fixedClient, putSecret, uniqueName } from "./support/sm.js";

const gcp = standIn("gcp");
const one = { name: uniqueName("conf-one"), value: fakeValue("one") };
const two = { name: uniqueName("conf-two"), value: fakeValue("two") };
const denied = uniqueName("conf-denied");
const faulty = [0, 1, 2, 3].map((i) => uniqueName(`conf-fault-${i}`));

const forwarding = await startGcpForwardingProxy(gcp);
const proxy = await proxyTo(forwarding.url);
// drongo's answers are short: a reset after 100 bytes cuts inside the body of a 200.
const faultProxy = await proxyTo(gcp.apiEndpoint, { resetAfterBytes: 100 });
afterAll(async () => {
  await faultProxy.close();
  await proxy.close();
  await forwarding.close();
});

beforeAll(async () => {
  const via = { url: gcp.apiEndpoint };
  await putSecret(via, one.name, [one.value]);
  await putSecret(via, two.name, [two.value]);
  await putSecret(via, denied, [fakeValue("denied")]);
  // 3 KB values: drongo's answers are otherwise so short that a 1 KB/s trickle delivers
  // them within the deadline (the real service's headers alone are larger).
  for (const name of faulty) await putSecret(via, name, [fakeValue("fault").padEnd(3072, "x")]);
  forwarding.reads.inject({
    match: new RegExp(`/secrets/${denied}/`),
    status: 403,
    code: "PERMISSION_DENIED",
    message:
      "Permission 'secretmanager.versions.access' denied for resource (or it may not exist).",
  });
});

const provider =
  (endpoint: string, endpointSendsChecksum = true) =>
  () =>
    gcpProvider({
      endpoint,
      projectId: gcp.projectId,
      authClient: fixedClient(),
      endpointSendsChecksum,
    });
const ref = (name: string) => `gcp-sm://${name}`;
// The canonical form: the fault scenarios look for events under the reference as written.
const canonical = (name: string) => `gcp-sm://secrets/${name}/versions/latest`;

testProvider(
  { describe, it, expect, beforeAll, afterAll, beforeEach, afterEach },
  {
    name: "gcp",
    provider: provider(proxy.url),
    present: { ref: ref(one.name), value: one.value },
    another: { ref: ref(two.name), value: two.value },
    missing: ref(uniqueName("conf-missing")),
    denied: ref(denied),
    invalid: "gcp-sm://stri.pe",
    hang: { start: () => proxy.blackHole(), stop: () => proxy.heal() },
    faults: {
      injector: faultProxy,
      // Straight to drongo, which sends no dataCrc32c.
      provider: provider(faultProxy.url, false),
      present: faulty.map(canonical),
    },
    capabilities: { batch: true, leases: false, credentials: false },
  },
);
