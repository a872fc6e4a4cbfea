/** Renewal timers must never keep a process alive. */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

const root = new URL("../..", import.meta.url).pathname;

describe("timers", () => {
  it("a process with cached, renewable credentials exits on its own", () => {
    const script = `
      import { createSecrets } from "secrets-loader";
      import { defineProvider } from "secrets-loader/provider";
      const mem = defineProvider({
        name: "mem",
        schemes: { mem: { example: "mem://x" } },
        create: () => ({
          async getSecret() { return { value: "v", expiresAt: Date.now() + 3_600_000 }; },
          async getCredentials() { return { value: { token: "t" }, expiresAt: Date.now() + 3_600_000 }; },
        }),
      });
      const secrets = createSecrets({ providers: { mem } });
      await secrets.getCredentials("mem");
      await secrets.getSecret("mem://x");
      console.log("done");
    `;
    const t0 = Date.now();
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: root,
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(r.stdout.trim()).toBe("done");
    expect(r.status).toBe(0);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
});
