/**
 * A secret read while Next.js builds (`next build` prerenders pages and route handlers that do
 * not opt out) ends up in the build output, where rotation never reaches it. Warn, once per
 * reference, as an event and a process warning; the read itself goes ahead.
 */
import type { SecretsEvent } from "../events.js";

const warned = new Set<string>();

/** The `process.emitWarning` code, for `process.on("warning")` filters. */
export const READ_AT_BUILD = "SECRETS_LOADER_READ_AT_BUILD";

/** Emits the build-time read warning when `NEXT_PHASE` says `next build` is running. */
export function warnIfReadAtBuild(
  reference: string,
  provider: string,
  emit: (e: SecretsEvent) => void,
): void {
  if (typeof process !== "object" || process.env.NEXT_PHASE !== "phase-production-build") return;
  if (warned.has(reference)) return;
  warned.add(reference);
  const message =
    `${reference} was read during \`next build\` (NEXT_PHASE=phase-production-build): its value may be baked into ` +
    "the build output (a prerendered page or route handler), where rotation is ignored. Read it at request time: " +
    'call `await connection()` from "next/server" before reading.';
  emit({ type: "warning", code: "READ_AT_BUILD", time: Date.now(), provider, reference, message });
  process.emitWarning(`secrets-loader: ${message}`, { code: READ_AT_BUILD });
}
