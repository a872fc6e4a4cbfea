/**
 * A provider added from its own folder (test/fixtures/providers/mem), with its
 * own scheme rule, alias, typed credentials and doctor facet, registered with
 * one line in createSecrets() and one in secrets.config.json. Nothing in the
 * core or the CLI names it.
 */

import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/cli/config/load.js";
import { DoctorContext } from "../../../src/cli/doctor/context.js";
import { type ItemReport, runChecks } from "../../../src/cli/doctor/run.js";
import { createSecrets, type Secrets, SecretsError } from "../../../src/index.js";
import { memProvider } from "../../fixtures/providers/mem/index.js";
import { makeProject } from "../cli/support/project.js";

const VALUE = "mem-fixture-value-Xq81Lp";
let secrets: Secrets | undefined;
afterEach(async () => {
  await secrets?.close();
});

describe("a provider from its own folder", () => {
  it("registers with one line and brings its rules, alias and typed credentials", async () => {
    secrets = createSecrets({ providers: { mem: memProvider({ data: { "app/key": VALUE } }) } });
    expect(await secrets.getSecret("mem://app/key")).toBe(VALUE);
    // The alias normalises to the main scheme: same entry, no second read.
    const events: string[] = [];
    secrets.on((e) => events.push(e.type));
    expect(await secrets.getSecret("memory://app/key")).toBe(VALUE);
    expect(events).toEqual(["hit"]);
    // Its own rule runs before anything is created.
    const bad = await secrets.getSecret("mem://App/Key").catch((e: unknown) => e);
    expect(SecretsError.is(bad, "INVALID_REFERENCE")).toBe(true);
    expect((bad as Error).message).toContain("lower-case words");
    const opt = await secrets.getSecret("mem://app/key?ttl=soon").catch((e: unknown) => e);
    expect(SecretsError.is(opt, "INVALID_REFERENCE")).toBe(true);
    // Typed credentials: `token` is a string at compile time, no cast.
    const creds = await secrets.getCredentials("mem", { role: "reader" });
    const token: string = creds.token;
    expect(token).toMatch(/^mem-token-1-reader/);
  });

  it("is used by the doctor through secrets.config.json, with its facet", async () => {
    const fixture = join(import.meta.dirname, "../../fixtures/providers/mem/index.ts");
    const dir = makeProject({
      "secrets.config.json": JSON.stringify({
        providers: { mem: { module: fixture, data: { "app/key": VALUE } } },
        references: { KEY: "mem://app/key", ALIASED: "memory://app/key" },
      }),
    });
    const { config, file } = await loadConfig(dir);
    const ctx = new DoctorContext(dir, config, file, { env: { MEM_STATIC_TOKEN: "x" } });
    let items: ItemReport[];
    try {
      items = await runChecks(ctx);
    } finally {
      await ctx.close();
    }
    const item = (n: number) => items.find((i) => i.item === n) as ItemReport;
    expect(ctx.references().map((r) => r.provider)).toEqual(["mem", "mem"]);
    expect(item(5).results[0]?.fix).toBe("mem guidance: bind the memory store to 127.0.0.1.");
    // Identity is reported by the provider: a short-lived token.
    expect(item(10).results.map((r) => r.status)).toEqual(["pass"]);
    expect(item(4).results[0]?.fix).toBe("mem guidance: grant read on app/* only.");
    expect(item(11).status).toBe("pass");
    expect(JSON.stringify(items)).not.toContain(VALUE);

    // Offline, item 10 falls back to the facet's reading of the environment.
    const offline = new DoctorContext(dir, config, file, {
      env: { MEM_STATIC_TOKEN: "x" },
      offline: true,
    });
    try {
      const r = (await runChecks(offline)).find((i) => i.item === 10)?.results[0];
      expect(r).toMatchObject({ status: "warn", fix: "mem guidance: use role tokens." });
      expect(r?.evidence).toContain("MEM_STATIC_TOKEN is a static token");
    } finally {
      await offline.close();
    }
  });
});
