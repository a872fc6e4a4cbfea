// The same kind of tests under vitest:
//   npx vitest run --config examples/testing-your-app/vitest.config.mjs
import {
  assertNoSecretIn,
  assertProviderCalls,
  memoryProvider,
  resetSecrets,
  useTestSecrets,
} from "secrets-loader/testing";
import { afterEach, expect, it } from "vitest";
import { charge, config } from "./app.mjs";

const KEY = ["sk", "test", "vitest", Date.now().toString(36)].join("_");

afterEach(resetSecrets);

it("charge() works against memory and logs no key", async () => {
  const memory = memoryProvider({
    "aws-sm://prod/payments#url": "https://payments.example.test/v1",
    "aws-sm://prod/payments#key": KEY,
    "env://PAYMENTS_TIMEOUT_MS": "500",
  });
  await useTestSecrets(memory);
  await config.load();
  const log = [];
  await charge("cus_7", 100, (line) => log.push(line));
  expect(log).toEqual(["charging cus_7 100 cents at payments.example.test (timeout 500 ms)"]);
  assertNoSecretIn(log.join("\n"), memory);
  assertProviderCalls(memory, 1); // one batch: the config's two references
});

it("a typo in a reference fails as it would in production", () => {
  expect(() => memoryProvider({ "aws-sm://prod/payments?versionStag=AWSCURRENT": KEY })).toThrow(
    /versionStag/,
  );
});

it("a missing entry fails config.load() with every problem at once", async () => {
  await useTestSecrets({ "aws-sm://prod/payments#key": KEY });
  await expect(config.load()).rejects.toMatchObject({
    code: "CONFIG_LOAD_FAILED",
    failures: [{ name: "PAYMENTS_URL", code: "INVALID_VALUE" }],
  });
});
