/**
 * The config's audit sink (`"audit": { "sink": ... }`): where `get` and
 * `run` send the SDK's events, one JSON object per line. Events carry
 * references, providers, versions and timings, never values.
 *
 * `get` prints a value and `run` passes on its child's output, so their
 * stdout carries data: for them a `stdout` sink writes to stderr instead,
 * and a pipe such as `secrets get ref | psql` never receives an event line.
 */

import { appendFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { SecretsEvent, SecretsListener } from "../index.js";
import { firstLine } from "../provider/index.js";
import { UsageError } from "./errors.js";

/**
 * A listener for `sink`, or undefined when there is none. With
 * `stdoutCarriesData`, a `stdout` sink writes to stderr.
 */
export async function auditListener(
  sink: string | undefined,
  baseDir: string,
  { stdoutCarriesData }: { stdoutCarriesData: boolean },
): Promise<SecretsListener | undefined> {
  if (!sink) return undefined;
  const line = (e: SecretsEvent) =>
    `${JSON.stringify({ ...e, time: new Date(e.time).toISOString() })}\n`;
  if (sink === "stderr") return (e) => process.stderr.write(line(e));
  if (sink === "stdout") {
    const out = stdoutCarriesData ? process.stderr : process.stdout;
    return (e) => out.write(line(e));
  }
  if (sink.startsWith("file:")) {
    const file = resolve(baseDir, sink.slice(5));
    return (e) => appendFileSync(file, line(e));
  }
  if (sink.startsWith("module:")) {
    const path = resolve(baseDir, sink.slice(7));
    let mod: { default?: unknown };
    try {
      mod = (await import(pathToFileURL(path).href)) as { default?: unknown };
    } catch (err) {
      throw new UsageError(`audit.sink: cannot load ${path}: ${firstLine(err)}`);
    }
    if (typeof mod.default !== "function") {
      throw new UsageError(`audit.sink: ${path} must export a default function (event) => void`);
    }
    return mod.default as SecretsListener;
  }
  return undefined;
}
