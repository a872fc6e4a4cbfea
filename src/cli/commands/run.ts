/**
 * `secrets run [--env NAME=ref ...] [--from config] [--redact] -- cmd args`:
 * resolves the references, starts the command with them in its
 * environment, forwards signals to it and exits with its exit code (or dies
 * by the same signal). `--redact` masks every loaded value in the child's
 * stdout and stderr with the core's `redact()`.
 */

import { spawn } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { LoadError, type LoadSpec, redact, SecretsError } from "../../index.js";
import { clientFromConfig, exitCodeFor } from "../client.js";
import { loadConfig } from "../config/load.js";
import { UsageError } from "../errors.js";

/**
 * Options of `secrets run`.
 *
 * @example
 * ```ts
 * const o: RunCommandOptions = { env: ["DB_PASSWORD=env://DB_PASSWORD"], redact: true };
 * ```
 */
export interface RunCommandOptions {
  env?: string[];
  from?: string;
  redact?: boolean;
  config?: string;
}

const FORWARDED: readonly NodeJS.Signals[] = [
  "SIGINT",
  "SIGTERM",
  "SIGHUP",
  "SIGQUIT",
  "SIGUSR1",
  "SIGUSR2",
];
const SIGNAL_NUMBERS: Record<string, number> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGUSR1: 10,
  SIGUSR2: 12,
  SIGTERM: 15,
  SIGKILL: 9,
};

async function specFrom(o: RunCommandOptions): Promise<LoadSpec> {
  const spec: LoadSpec = {};
  if (o.from) {
    const { config } = await loadConfig(process.cwd(), o.from);
    Object.assign(spec, config.references);
  }
  for (const pair of o.env ?? []) {
    const eq = pair.indexOf("=");
    const name = eq === -1 ? "" : pair.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || eq === pair.length - 1) {
      throw new UsageError(
        `--env expects NAME=reference, such as DB_PASSWORD=env://DB_PASSWORD (got "${pair.replace(/=.*/, "=...")}")`,
      );
    }
    spec[name] = pair.slice(eq + 1);
  }
  if (Object.keys(spec).length === 0)
    throw new UsageError("nothing to inject: give --env NAME=ref or --from <config>");
  return spec;
}

/**
 * Length of the longest end of `text` that is the start of one of `values`:
 * that much must be held back, because the next write may complete a value.
 */
function pendingPrefix(text: string, values: readonly string[]): number {
  let keep = 0;
  for (const v of values) {
    for (let k = Math.min(v.length - 1, text.length); k > keep; k--) {
      if (text.endsWith(v.slice(0, k))) {
        keep = k;
        break;
      }
    }
  }
  return keep;
}

/**
 * Masks loaded values in a child's output stream. Whole lines are masked and
 * written at once; a partial line (a prompt, a progress bar) is written after
 * 50 ms, except for an ending that could be the start of a value, which waits
 * for the rest (or 1 s) so that a value split across writes is still masked.
 */
function pipeRedacted(from: Readable, to: Writable, values: readonly string[]): void {
  let carry = "";
  let timer: NodeJS.Timeout | undefined;
  const flush = (final: boolean) => {
    timer = undefined;
    const keep = final ? 0 : pendingPrefix(carry, values);
    const out = carry.slice(0, carry.length - keep);
    carry = carry.slice(carry.length - keep);
    if (out) to.write(redact(out));
    if (carry) timer = setTimeout(() => flush(true), 1000);
  };
  from.setEncoding("utf8");
  from.on("data", (chunk: string) => {
    if (timer) clearTimeout(timer);
    carry += chunk;
    const nl = carry.lastIndexOf("\n");
    if (nl !== -1) {
      to.write(redact(carry.slice(0, nl + 1)));
      carry = carry.slice(nl + 1);
    }
    if (carry) timer = setTimeout(() => flush(false), 50);
  });
  from.on("end", () => {
    if (timer) clearTimeout(timer);
    flush(true);
  });
}

/**
 * Resolves once everything written to `streams` so far has been handed to the
 * OS (or after `timeoutMs`, so a reader that stopped reading cannot hang us).
 * Needed before re-raising a signal on ourselves: the default action ends the
 * process at once, dropping output still queued in user space.
 *
 * @example
 * ```ts
 * await drainOutput([process.stdout, process.stderr]);
 * ```
 */
export async function drainOutput(streams: readonly Writable[], timeoutMs = 5000): Promise<void> {
  const one = (s: Writable) =>
    new Promise<void>((resolve) => {
      if (s.destroyed || s.writableEnded) return resolve();
      // The callback of an empty write runs after every earlier write.
      s.write("", () => resolve());
    });
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(streams.map(one)),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
      timer.unref();
    }),
  ]);
  if (timer) clearTimeout(timer);
}

/**
 * Runs the command; resolves to the exit code to use.
 *
 * @example
 * ```ts
 * process.exitCode = await runRun(["node", "server.js"], { env: ["API_KEY=env://API_KEY"] });
 * ```
 */
export async function runRun(command: string[], o: RunCommandOptions): Promise<number> {
  const [cmd, ...args] = command;
  if (!cmd)
    throw new UsageError("missing command: secrets run [--env NAME=ref] -- <command> [args]");
  const spec = await specFrom(o);
  // Values stay cached (and so masked by redact()) for as long as the child runs.
  const { client } = await clientFromConfig(o.config, { cache: { maxAge: "7d", maxStale: 0 } });
  let values: Record<string, unknown>;
  try {
    values = await client.load(spec);
  } catch (err) {
    await client.close();
    if (err instanceof LoadError) {
      const list = err.failures.map(
        (f) => `${f.name} (${f.reference}): [${f.code}] ${f.message.split("\n")[0]}`,
      );
      process.stderr.write(`secrets: could not resolve ${list.join("; ")}\n`);
      return err.failures.every((f) => f.code === "INVALID_REFERENCE" || f.code === "NO_PROVIDER")
        ? 2
        : 1;
    }
    process.stderr.write(
      `secrets: ${SecretsError.is(err) ? `[${err.code}] ` : ""}${(err as Error).message.split("\n")[0]}\n`,
    );
    return exitCodeFor(err);
  }
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined) env[name] = typeof value === "string" ? value : JSON.stringify(value);
  }
  const child = spawn(cmd, args, {
    env,
    stdio: o.redact ? ["inherit", "pipe", "pipe"] : "inherit",
  });
  if (o.redact && child.stdout && child.stderr) {
    // Values shorter than 4 characters are not masked by redact() (they would garble text).
    const masked = Object.values(values).filter(
      (v): v is string => typeof v === "string" && v.length >= 4,
    );
    pipeRedacted(child.stdout, process.stdout, masked);
    pipeRedacted(child.stderr, process.stderr, masked);
  }
  const handlers = new Map<NodeJS.Signals, () => void>();
  for (const sig of FORWARDED) {
    const h = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    };
    handlers.set(sig, h);
    process.on(sig, h);
  }
  const outcome = await new Promise<{ code: number | null; signal: NodeJS.Signals | null } | Error>(
    (resolve) => {
      child.once("error", (err) => resolve(err));
      child.once("close", (code, signal) => resolve({ code, signal }));
    },
  );
  for (const [sig, h] of handlers) process.off(sig, h);
  await client.close();
  if (outcome instanceof Error) {
    const code = (outcome as NodeJS.ErrnoException).code;
    process.stderr.write(
      `secrets: cannot run ${cmd}: ${code === "ENOENT" ? "command not found" : code === "EACCES" ? "permission denied" : outcome.message}\n`,
    );
    return code === "ENOENT" ? 127 : 126;
  }
  if (outcome.signal) {
    // Die by the same signal, so the caller sees what the child saw; first
    // let the child's last output (and redacted tails) reach our readers.
    await drainOutput([process.stdout, process.stderr]);
    process.kill(process.pid, outcome.signal);
    return 128 + (SIGNAL_NUMBERS[outcome.signal] ?? 1);
  }
  return outcome.code ?? 1;
}
