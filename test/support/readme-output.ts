/**
 * Compares an example's real output with what its README shows.
 *
 * A README shows output in fenced blocks marked ```text (commands go in ```sh blocks). The
 * comparison normalises only what legitimately varies from run to run: ports, temporary
 * paths, the clone's own path, timestamps, durations, generated ids and key tails.
 */
import { readFileSync } from "node:fs";
import { expect } from "vitest";

const root = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

/** The ```text blocks of `examples/<name>/README.md`, in order. */
export function readmeOutputBlocks(example: string): string[] {
  const readme = readFileSync(`${root}/examples/${example}/README.md`, "utf8");
  return [...readme.matchAll(/^```text\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? "");
}

/** Replaces what varies between runs with stable placeholders. */
export function normaliseOutput(text: string): string[] {
  return (
    text
      .replaceAll(root, "/path/to/secrets-loader")
      .replace(/\/tmp\/[\w.-]+(?:\/[\w.-]+)*/g, "<tmp>")
      // Loopback ports are picked by the OS (stand-ins, example servers).
      .replace(/(127\.0\.0\.1|localhost|\[::1\]):\d+/g, "$1:<port>")
      // ISO timestamps and clock times.
      .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z/g, "<time>")
      // Durations.
      .replace(/\b\d+(?:\.\d+)? ?(ms|s)\b/g, "<n> $1")
      // UUIDs, then long hex ids.
      .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, "<id>")
      .replace(/\b[0-9a-f]{12,}\b/g, "<hex>")
      // The shown tail of a redacted key or credential (`prefix…abcd`).
      .replace(/…[0-9A-Za-z]{4}\b/g, "…<tail>")
      .split("\n")
      .map((l) => l.trimEnd())
      .filter((l) => l !== "")
  );
}

/**
 * Expects the example's output to equal README block `index` of `example`, line by line after
 * normalising both. Given `{ stdout, stderr }`, stdout must appear in the block in its order,
 * and stderr's lines (event logs of concurrent fetches, whose order varies) anywhere.
 * @param extra further replacements for this example's own varying parts (e.g. a generated name)
 */
export function expectReadmeOutput(
  example: string,
  actual: string | { stdout: string; stderr: string },
  index = 0,
  extra: (text: string) => string = (t) => t,
): void {
  const blocks = readmeOutputBlocks(example);
  expect(
    blocks.length,
    `examples/${example}/README.md has no \`\`\`text block ${index}`,
  ).toBeGreaterThan(index);
  const expected = normaliseOutput(extra(blocks[index] ?? ""));
  if (typeof actual === "string") {
    expect(normaliseOutput(extra(actual))).toEqual(expected);
    return;
  }
  const out = normaliseOutput(extra(actual.stdout));
  const err = normaliseOutput(extra(actual.stderr));
  expect(out).toEqual(expected.filter((l) => out.includes(l)));
  expect([...out, ...err].sort()).toEqual([...expected].sort());
}
