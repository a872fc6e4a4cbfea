/**
 * ioredis is an optional peer: without it, a Redis store fails with an error naming the
 * package and the install command, and the limiter throws it rather than failing open.
 * A child process hides the installed package with a resolve hook.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

const root = new URL("../../..", import.meta.url).pathname;

function withoutIoredis(body: string) {
  const script = `
    import { registerHooks } from "node:module";
    registerHooks({
      resolve(specifier, context, next) {
        if (specifier === "ioredis") {
          throw Object.assign(new Error("Cannot find package 'ioredis'"), { code: "ERR_MODULE_NOT_FOUND" });
        }
        return next(specifier, context);
      },
    });
    const keys = await import("secrets-loader/keys");
    ${body}
  `;
  return spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: root,
    encoding: "utf8",
    timeout: 20_000,
  });
}

describe("secrets-loader/keys without ioredis", () => {
  it("importing the entry and using memory stores needs no ioredis", () => {
    const r = withoutIoredis(`
      const limiter = keys.createKeyLimiter({ limits: [{ by: "key", points: 1, per: 60 }] });
      console.log(JSON.stringify(await limiter.consume({ keyId: "k" })));
    `);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ allowed: true, remaining: 0 });
  });

  it("a Redis store fails with MissingDependencyError naming the package, and the limiter throws it", () => {
    const r = withoutIoredis(`
      const errors = [];
      const limiter = keys.createKeyLimiter({
        store: keys.redisStore({ url: "redis://127.0.0.1:1" }),
        limits: [{ by: "key", points: 1, per: 60 }],
        onStoreError: (e) => errors.push(e),
      });
      try {
        await limiter.consume({ keyId: "k" });
        console.log("no error");
      } catch (e) {
        console.log(JSON.stringify({ name: e.name, code: e.code, message: e.message, storeErrors: errors.length }));
      }
    `);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      name: "MissingDependencyError",
      code: "MISSING_DEPENDENCY",
      storeErrors: 0,
    });
    expect(out.message).toContain('"ioredis"');
    expect(out.message).toContain("npm install ioredis");
  });
});
