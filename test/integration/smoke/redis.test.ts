// Smoke test of the Redis stand-in (Debian's redis-server, one per run, in memory only).
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { standIn } from "../../support/stand-ins.js";

describe("redis stand-in (redis-server)", () => {
  const redis = standIn("redis");
  const client = new Redis(redis.url, { lazyConnect: true });
  afterAll(() => client.quit());

  it("listens on 127.0.0.1 only", () => {
    expect(redis.host).toBe("127.0.0.1");
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
  });

  it("answers, is version 7 or later, and persists nothing", async () => {
    await client.connect();
    expect(await client.ping()).toBe("PONG");
    const info = await client.info("server");
    expect(Number(/redis_version:(\d+)/.exec(info)?.[1])).toBeGreaterThanOrEqual(7);
    expect(await client.config("GET", "save")).toEqual(["save", ""]);
    expect(await client.config("GET", "appendonly")).toEqual(["appendonly", "no"]);
    expect(await client.config("GET", "bind")).toEqual(["bind", "127.0.0.1"]);
  });
});
