// @stand-ins: redis
// Runs examples/issue-api-keys as its README says (against dist/: build first), with its state
// in memory and in the Redis stand-in, and checks the output and the usage log.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { expectReadmeOutput } from "../../support/readme-output.js";
import { standIn } from "../../support/stand-ins.js";

const root = new URL("../../..", import.meta.url).pathname;

function runExample(extra: string[]) {
  const log = join(mkdtempSync(join(tmpdir(), "sl-keys-example-")), "usage.jsonl");
  const r = spawnSync(
    process.execPath,
    [
      "--env-file=examples/issue-api-keys/demo.env",
      "examples/issue-api-keys/main.mjs",
      "--log",
      log,
      ...extra,
    ],
    { cwd: root, encoding: "utf8", timeout: 60_000 },
  );
  const text = readFileSync(log, "utf8");
  rmSync(dirname(log), { recursive: true, force: true });
  return { ...r, log: text };
}

describe("examples/issue-api-keys", () => {
  it("npm run example:keys runs the example with its demo pepper", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    expect(pkg.scripts["example:keys"]).toBe(
      "node --env-file=examples/issue-api-keys/demo.env examples/issue-api-keys/main.mjs",
    );
    expect(pkg.scripts["preexample:keys"]).toBe("npm run build");
  });

  for (const mode of ["memory", "redis"] as const) {
    it(`issues, verifies, limits, rotates, revokes and shows every alert (${mode})`, () => {
      const r = runExample(mode === "redis" ? ["--redis", standIn("redis").url] : []);
      expect(r.status, r.stderr).toBe(0);
      const out = r.stdout;
      // The README shows the memory run; with Redis, only the state line differs, and the
      // alerts (raised after the store answers) may land among the other lines in any order.
      const same = (t: string) =>
        t.replace("state: Redis", "state: memory").replace(/\b\d{4}-\d{2}-\d{2}\b/g, "<date>");
      expectReadmeOutput(
        "issue-api-keys",
        mode === "memory" ? out : { stdout: "", stderr: out },
        0,
        same,
      );
      expect(out).toContain(`limiter and watcher state: ${mode === "redis" ? "Redis" : "memory"}`);
      expect(out).toMatch(/issued acme_demo_…[0-9A-Za-z]{4} \(id /);
      expect(out).toContain("GET /v1/items -> 200");
      expect(out).toContain("without a key -> 401 missing");
      expect(out).toContain("typo in the key -> 401 bad-checksum");
      expect(out).toContain("(no admin scope) -> 403 scope");
      expect(out).toMatch(
        /14 requests -> 12 answered, 2 refused: 429 rate-limited, Retry-After: \d+ s/,
      );
      expect(out).toContain("with the successor -> 200");
      expect(out).toContain("with the retiring key -> 200");
      expect(out).toContain("GET /v1/items -> 401 revoked");
      expect(out).toMatch(/ALERT new-ip key=\S+ 127\.0\.0\.2/);
      expect(out).toMatch(/ALERT new-route key=\S+ GET \/v1\/reports/);
      // Admin routes are logged by pattern, not per key id.
      expect(out).toMatch(/ALERT new-route key=\S+ POST \/admin\/keys\/:id\/rotate/);
      expect(out).toMatch(/ALERT spike key=\S+ 11 uses in 10 s/);
      expect(out).toMatch(/ALERT revoked-use key=\S+/);
      expect(out).toContain("Alerts raised: new-ip, new-route, revoked-use, spike");

      // The usage log: one JSON object per line, with the limiter's refusals among them.
      const events = r.log
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { type: string; result: string; keyId?: string });
      expect(events.length).toBeGreaterThan(20);
      const results = new Set(events.map((e) => e.result));
      for (const want of ["ok", "malformed", "bad-checksum", "scope", "rate-limited", "revoked"]) {
        expect(results.has(want), want).toBe(true);
      }
      // No key anywhere: a key is the prefix and 39 base62 characters.
      expect(`${out}${r.stderr}${r.log}`).not.toMatch(/acme_demo_[0-9A-Za-z]{39}/);
      // One usage line per request: the limiter's refusals are not also logged as "ok".
      expect(events.filter((e) => e.result === "rate-limited")).toHaveLength(2);
    });
  }

  // Nothing listens on port 1 of 127.0.0.1: Redis is down from the start.
  for (const mode of ["open", "closed"] as const) {
    it(`runs cleanly with Redis down and the limiter failing ${mode}, and says so`, () => {
      const r = runExample(["--redis", "redis://127.0.0.1:1", "--when-store-down", mode]);
      expect(r.status, r.stderr).toBe(0);
      const out = r.stdout;
      expect(out).toContain(`when the store is down: fail ${mode}`);
      expect(out.match(/LIMITER limiter-store-down/g)).toHaveLength(1);
      expect(out).toContain(
        mode === "open" ? "requests go through without limits" : "requests are refused with 503",
      );
      expect(out).toMatch(
        mode === "open"
          ? /14 requests -> 14 answered, 0 refused/
          : /14 requests -> 0 answered, 14 refused: 503 unavailable, Retry-After: 1 s/,
      );
      expect(out).toContain("GET /v1/items -> 401 revoked");
      expect(r.stderr).not.toMatch(/TypeError|at .*main\.mjs/);
      const events = r.log
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { type: string; result?: string; limits?: string });
      expect(events.filter((e) => e.type === "limiter-store-down")).toHaveLength(1);
      const through = events.filter((e) => e.type === "key-used" && e.result === "ok");
      if (mode === "open") {
        expect(through.length).toBeGreaterThan(14);
        expect(through.every((e) => e.limits === "skipped" || e.limits === undefined)).toBe(true);
        expect(through.filter((e) => e.limits === "skipped").length).toBeGreaterThan(14);
      } else {
        expect(events.filter((e) => e.result === "unavailable").length).toBeGreaterThan(14);
      }
      expect(`${out}${r.stderr}${r.log}`).not.toMatch(/acme_demo_[0-9A-Za-z]{39}/);
    });
  }
});
