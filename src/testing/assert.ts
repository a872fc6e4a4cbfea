/**
 * Assertion helpers that work under any runner: they throw node's
 * `AssertionError`, which vitest, jest and `node:test` all report. Their
 * messages name references and offsets, never a value.
 */

import { AssertionError } from "node:assert";
import { redact } from "../index.js";
import { BACKENDS, type MemoryProvider } from "./memory/index.js";

function backendOf(memory: MemoryProvider) {
  const backend = BACKENDS.get(memory);
  if (!backend) throw new TypeError("expected a provider made by memoryProvider()");
  return backend;
}

function fail(message: string, actual?: unknown, expected?: unknown): never {
  throw new AssertionError({ message, actual, expected, operator: "secrets-loader/testing" });
}

/**
 * Asserts which references were read from `memory` (in any order; `#field`s of one secret are
 * one read). References are normalised with the built-in rules first. With `only: false`,
 * others may have been read too.
 *
 * @example
 * ```ts
 * assertReferencesRead(memory, ["aws-sm://prod/db", "env://PORT"]);
 * ```
 */
export function assertReferencesRead(
  memory: MemoryProvider,
  expected: readonly string[],
  options: { only?: boolean } = {},
): void {
  const backend = backendOf(memory);
  const want = [...new Set(expected.map((r) => backend.parse(r).source))].sort();
  const got = [...memory.referencesRead()].sort();
  const missing = want.filter((r) => !got.includes(r));
  const extra = options.only === false ? [] : got.filter((r) => !want.includes(r));
  if (missing.length > 0 || extra.length > 0) {
    fail(
      `references read differ:${missing.length ? ` not read: ${missing.join(", ")};` : ""}${extra.length ? ` also read: ${extra.join(", ")};` : ""}`,
      got,
      want,
    );
  }
}

/**
 * Asserts how many calls `memory` answered (of one kind: `get`, `batch`, `renew`, `revoke`).
 *
 * @example
 * ```ts
 * assertProviderCalls(memory, 1);            // one batch for the whole config
 * assertProviderCalls(memory, 1, "renew");
 * ```
 */
export function assertProviderCalls(
  memory: MemoryProvider,
  expected: number,
  op?: "get" | "batch" | "renew" | "revoke",
): void {
  const got = memory.calls(op);
  if (got !== expected) {
    const kinds = memory.reads.map((r) => r.op).join(", ") || "none";
    fail(
      `expected ${expected} ${op ?? "provider"} call(s), got ${got} (calls: ${kinds})`,
      got,
      expected,
    );
  }
}

/**
 * Asserts that no secret value appears in `text` (your own logs, an error's message, a
 * response body): no value `memory` ever held, and nothing `redact()` would mask (any value a
 * client holds now). The failure names the reference and the offset, never the value.
 *
 * @example
 * ```ts
 * assertNoSecretIn(logLines.join("\n"), memory);
 * ```
 */
export function assertNoSecretIn(text: string, memory?: MemoryProvider): void {
  if (typeof text !== "string")
    throw new TypeError("assertNoSecretIn(text): text must be a string");
  if (memory) {
    for (const [value, reference] of backendOf(memory).values()) {
      if (value.length < 4) continue; // too short to tell from ordinary text
      const at = text.indexOf(value);
      if (at !== -1) fail(`a value of ${reference} appears in the text at offset ${at}`);
    }
  }
  const masked = redact(text);
  if (masked !== text) {
    let at = 0;
    while (at < text.length && text[at] === masked[at]) at++;
    fail(`a loaded secret value appears in the text at offset ${at}`);
  }
}
