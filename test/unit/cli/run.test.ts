import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { drainOutput } from "../../../src/cli/commands/run.js";

/** A writer that takes 20 ms per chunk, like a slow pipe reader. */
function slowWriter(received: string[]): Writable {
  return new Writable({
    highWaterMark: 1,
    write(chunk, _enc, done) {
      setTimeout(() => {
        received.push(String(chunk));
        done();
      }, 20);
    },
  });
}

describe("secrets run: output before re-raising the child's signal", () => {
  it("waits until everything written so far has been handed on", async () => {
    const received: string[] = [];
    const out = slowWriter(received);
    for (let i = 0; i < 5; i++) out.write(`line ${i}\n`);
    expect(received).toHaveLength(0);
    await drainOutput([out]);
    expect(received.join("")).toBe("line 0\nline 1\nline 2\nline 3\nline 4\n");
  });

  it("gives up after the timeout when the reader never reads", async () => {
    const stuck = new Writable({ highWaterMark: 1, write() {} });
    stuck.write("x");
    const started = Date.now();
    await drainOutput([stuck], 50);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
