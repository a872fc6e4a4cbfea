/**
 * Runs an example with its backend unreachable (a 127.0.0.1 port nothing listens on) and checks
 * that it ends as a user needs: a non-zero exit, the reason in a short message, no stack trace,
 * and no hang.
 */
import { execFile } from "node:child_process";
import { createServer } from "node:net";
import { expect } from "vitest";

const root = new URL("../..", import.meta.url).pathname;

/** A loopback port that was free a moment ago: connections to it are refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port was assigned");
  return address.port;
}

/**
 * Runs `examples/<example>/main.mjs` with `env`, expects it to fail within `timeoutMs` with
 * `reason` in stderr, at most `maxLines` lines of stderr, and no stack frame.
 */
export async function expectCleanFailure(
  example: string,
  env: Record<string, string>,
  reason: string | RegExp,
  { maxLines = 1, timeoutMs = 30_000 } = {},
): Promise<void> {
  const r = await new Promise<{ code: number | null; signal: string | null; stderr: string }>(
    (resolve) => {
      const child = execFile(
        process.execPath,
        [`examples/${example}/main.mjs`],
        { cwd: root, env, timeout: timeoutMs, encoding: "utf8" },
        (_err, _stdout, stderr) =>
          resolve({ code: child.exitCode, signal: child.signalCode, stderr }),
      );
    },
  );
  expect(r.signal, `examples/${example} hung (killed after ${timeoutMs} ms)`).toBeNull();
  expect(r.code, r.stderr).not.toBe(0);
  expect(r.stderr).toMatch(reason);
  expect(r.stderr, "a stack trace").not.toMatch(/^\s+at .+[(:]\d+/m);
  const lines = r.stderr.split("\n").filter((l) => l.trim() !== "");
  expect(lines.length, r.stderr).toBeLessThanOrEqual(maxLines);
}
