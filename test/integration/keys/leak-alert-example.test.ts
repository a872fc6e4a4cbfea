// Runs examples/leak-alert as its README says (against dist/: build first) and checks that the
// signed alert revoked the live key, the next request with it got 401, a repeated alert revoked
// nothing more, a forged one was refused, and no key was printed.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { expectReadmeOutput } from "../../support/readme-output.js";

const root = new URL("../../..", import.meta.url).pathname;

describe("examples/leak-alert", () => {
  it("a signed alert for a live key revokes it; the next request with it gets 401", () => {
    const r = spawnSync(process.execPath, ["examples/leak-alert/main.mjs"], {
      cwd: root,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const out = r.stdout;
    expect(out).toMatch(/issued acme_demo_…[0-9A-Za-z]{4} \(id /);
    expect(out).toMatch(/1\. Issue a key and use it\n.*\n {3}GET \/v1\/items -> 200\n/);
    expect(out).toMatch(
      /key-leaked event: key \S+ \(acme_demo_…\), content at https:\/\/github\.com\/octo\/demo/,
    );
    expect(out).toMatch(
      /POST \/leak-alerts -> 200 in \d+ ms\n {3}true_positive [0-9a-f]{16}…\n {3}false_positive [0-9a-f]{16}…/,
    );
    expect(out).toContain("3. The leaked key no longer works\n   GET /v1/items -> 401 revoked");
    expect(out).toContain("POST /leak-alerts -> 200, same answer: true, revocations: 1");
    expect(out).toContain("POST /leak-alerts -> 401 (The signature does not match the body.)");
    expect(out).toContain("GET /v1/items with that key -> 200");
    expect(out).toContain("Public keys fetched from the sender: 1 time(s)");
    expectReadmeOutput("leak-alert", out);
    // No key anywhere: a key is the prefix and 39 base62 characters with a valid checksum;
    // the only such-shaped string allowed is the example's all-"x" look-alike.
    const shaped = `${out}${r.stderr}`.match(/acme_demo_[0-9A-Za-z]{39}/g) ?? [];
    expect(shaped.filter((s) => s !== `acme_demo_${"x".repeat(39)}`)).toEqual([]);
  });
});
