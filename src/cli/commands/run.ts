/**
 * `secrets run [--env NAME=ref ...] [--from config] [--redact] -- cmd args`:
 * resolves the references, starts the command with them in its
 * environment, forwards signals to it and exits with its exit code (or dies
 * by the same signal). `--redact` masks every loaded value in the child's
 * stdout and stderr, in the spellings of `../encoded-forms.ts` and through
 * the decoding views of `../run/decoders.ts`.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { constants } from "node:os";
import type { Readable, Writable } from "node:stream";
import {
  describeShape,
  LoadError,
  type LoadSpec,
  looksLikeCredential,
  SecretsError,
} from "../../index.js";
import { firstLine } from "../../provider/index.js";
import { clientFromConfig, exitCodeFor } from "../client.js";
import { loadConfig } from "../config/load.js";
import {
  type ConfigModule,
  configFailureLines,
  loadConfigModule,
  moduleSpec,
} from "../config/module.js";
import { isReservedName } from "../config/names.js";
import { argumentAt, scrubArguments } from "../describe-input.js";
import { UsageError } from "../errors.js";
import { injectedForm, maskPatterns, secretStrings } from "../run/forms.js";
import { OutputMasker } from "../run/output-masker.js";
import { inTerminalForeground } from "../run/terminal.js";

/**
 * Options of `secrets run`.
 */
export interface RunCommandOptions {
  env?: string[];
  from?: string;
  /** A module exporting a defineConfig() result: its entries are validated, then injected. */
  configModule?: string;
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
/** Signals a terminal sends to its whole foreground process group. */
const KEYBOARD: ReadonlySet<NodeJS.Signals> = new Set(["SIGINT", "SIGQUIT"]);
/** Exit code of a process killed by SIGPIPE (128 + 13), which Node cannot die by. */
const SIGPIPE_EXIT = 128 + constants.signals.SIGPIPE;

/**
 * The references to load, and where each came from on the command line (an
 * `--env` pair), so that errors can name its position without quoting it.
 */
async function specFrom(
  o: RunCommandOptions,
  module?: ConfigModule,
): Promise<{ spec: LoadSpec; given: Map<string, string> }> {
  const spec: LoadSpec = {};
  const given = new Map<string, string>();
  if (o.from) {
    const { config } = await loadConfig(process.cwd(), o.from);
    Object.assign(spec, config.references);
  }
  if (module) Object.assign(spec, moduleSpec(module));
  for (const pair of o.env ?? []) {
    const eq = pair.indexOf("=");
    const name = eq === -1 ? "" : pair.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || eq === pair.length - 1) {
      // What was given may be the value itself (a URL with its password): never quoted.
      throw new UsageError(
        `${argumentAt(pair, process.argv.slice(2))}: ${describeShape(pair)}; --env expects NAME=reference, such as DB_PASSWORD=env://DB_PASSWORD (NAME: a letter or _, then letters, digits or _)`,
      );
    }
    if (isReservedName(name)) {
      throw new UsageError(`--env ${name}: "${name}" is reserved in JavaScript; use another name`);
    }
    spec[name] = pair.slice(eq + 1);
    given.set(name, pair);
  }
  if (Object.keys(spec).length === 0)
    throw new UsageError(
      "nothing to inject: give --env NAME=ref, --from <config> or --config-module <file>",
    );
  return { spec, given };
}

/**
 * One failure of `load()`, for stderr. A reference that is not one may be a
 * value pasted in its place: it is described by position and shape, never shown.
 */
function describeFailure(
  f: { name: string; reference: string; code: string; message: string },
  spec: LoadSpec,
  given: Map<string, string>,
  from: string | undefined,
): string {
  if (f.code !== "INVALID_REFERENCE")
    return `${f.name} (${f.reference}): [${f.code}] ${firstLine(f.message)}`;
  const raw = spec[f.name];
  const text = typeof raw === "string" ? raw : "";
  const pair = given.get(f.name);
  const where = pair
    ? `${argumentAt(pair, process.argv.slice(2))}, --env ${f.name}=…`
    : `${from ?? "config"}, ${f.name}`;
  return `${f.name} (${where}): [${f.code}] the reference ${describeShape(text)}, not <scheme>://<path>[#field] such as env://API_KEY`;
}

/**
 * Resolves once everything written to `streams` so far has been handed to the
 * OS (or after `timeoutMs`, so a reader that stopped reading cannot hang us).
 * Needed before re-raising a signal on ourselves: the default action ends the
 * process at once, dropping output still queued in user space.
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

function running(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/**
 * Sends `signal` to the child: to its whole process group when it has one of
 * its own (so its children get it, as they would from a terminal).
 */
function signalChild(child: ChildProcess, signal: NodeJS.Signals, ownGroup: boolean): void {
  if (!running(child) || child.pid === undefined) return;
  try {
    if (ownGroup) process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    child.kill(signal);
  }
}

/**
 * Copies the child's stdout and stderr to ours through the masker. When one
 * of ours breaks (`| head`), the child is sent SIGPIPE, as a writer to a
 * closed pipe would get, then SIGTERM if it ignores that; `onBroken` is told.
 */
function pipeMasked(
  child: ChildProcess,
  values: readonly unknown[],
  onBroken: () => void,
  ownGroup: boolean,
): OutputMasker {
  const from = [child.stdout, child.stderr] as Readable[];
  const to = [process.stdout, process.stderr] as Writable[];
  const broken = [false, false];
  const waiting = [false, false];
  const masker = new OutputMasker(
    maskPatterns(values.flatMap(secretStrings)),
    to.map((out, i) => (text: string) => {
      if (broken[i]) return;
      if (!out.write(text) && !waiting[i]) {
        // Back-pressure: stop reading the child until our reader catches up.
        waiting[i] = true;
        from[i]?.pause();
        out.once("drain", () => {
          waiting[i] = false;
          from[i]?.resume();
        });
      }
    }),
  );
  to.forEach((out, i) => {
    out.on("error", (err: NodeJS.ErrnoException) => {
      if (broken[i]) return;
      broken[i] = true;
      if (err.code !== "EPIPE" && err.code !== "ERR_STREAM_DESTROYED") {
        process.stderr.write(`secrets: cannot write output: ${err.code ?? err.message}\n`);
      }
      onBroken();
      // The signal first: closing the child's pipe before it would make the
      // child's next write fail with an error message of its own. Its output
      // from here on is read and dropped, so that it cannot block on a full pipe.
      signalChild(child, "SIGPIPE", ownGroup);
      setTimeout(() => signalChild(child, "SIGTERM", ownGroup), 1000).unref();
      from[i]?.resume();
    });
  });
  from.forEach((stream, i) => {
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => masker.write(i, chunk));
    stream.on("error", () => {});
  });
  return masker;
}

/**
 * Runs the command; resolves to the exit code to use.
 */
export async function runRun(command: string[], o: RunCommandOptions): Promise<number> {
  const [cmd, ...args] = command;
  if (!cmd)
    throw new UsageError("missing command: secrets run [--env NAME=ref] -- <command> [args]");
  const module = o.configModule ? await loadConfigModule(o.configModule) : undefined;
  const { spec, given } = await specFrom(o, module);
  // Values stay cached for as long as the child runs.
  const { client } = await clientFromConfig(o.config, { cache: { maxAge: "7d", maxStale: 0 } });
  let values: Record<string, unknown>;
  try {
    // The module's entries are read and validated first (one load, every failure at once);
    // the load below then answers them from the cache.
    await module?.check(client);
    values = await client.load(spec);
  } catch (err) {
    await client.close();
    const invalid = configFailureLines(err);
    if (invalid) {
      process.stderr.write(`secrets: configuration failed: ${invalid.join("; ")}\n`);
      return 1;
    }
    if (err instanceof LoadError) {
      const list = err.failures.map((f) => describeFailure(f, spec, given, o.from));
      process.stderr.write(`secrets: could not resolve ${scrubArguments(list.join("; "))}\n`);
      return err.failures.every((f) => f.code === "INVALID_REFERENCE" || f.code === "NO_PROVIDER")
        ? 2
        : 1;
    }
    process.stderr.write(
      `secrets: ${SecretsError.is(err) ? `[${err.code}] ` : ""}${scrubArguments(firstLine(err))}\n`,
    );
    return exitCodeFor(err);
  }
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined) env[name] = injectedForm(value);
  }
  // In a terminal's foreground group the child shares our group, so it keeps
  // the terminal (prompts, job control) and gets Ctrl-C from the terminal
  // itself. Anywhere else it gets a process group of its own, and every
  // signal reaches it once, through us, whether it was sent to our process
  // or to our whole group.
  const ownGroup = !inTerminalForeground();
  const child = spawn(cmd, args, {
    env,
    detached: ownGroup,
    stdio: o.redact ? ["inherit", "pipe", "pipe"] : "inherit",
  });
  // Whatever ends this process, the child (which holds the secrets) does not outlive it unsignalled.
  const onExit = () => signalChild(child, "SIGTERM", ownGroup);
  process.once("exit", onExit);
  let brokenPipe = false;
  const masker = o.redact
    ? pipeMasked(child, Object.values(values), () => (brokenPipe = true), ownGroup)
    : undefined;
  const handlers = new Map<NodeJS.Signals, () => void>();
  for (const sig of FORWARDED) {
    const h = () => {
      if (!ownGroup && KEYBOARD.has(sig)) return; // the terminal sent it to the child too
      signalChild(child, sig, ownGroup);
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
  masker?.close();
  for (const [sig, h] of handlers) process.off(sig, h);
  process.off("exit", onExit);
  await client.close();
  if (outcome instanceof Error) {
    const code = (outcome as NodeJS.ErrnoException).code;
    process.stderr.write(
      `secrets: cannot run ${looksLikeCredential(cmd) ? `the command (${argumentAt(cmd, process.argv.slice(2))}: it ${describeShape(cmd)})` : cmd}: ${code === "ENOENT" ? "command not found" : code === "EACCES" ? "permission denied" : outcome.message}\n`,
    );
    return code === "ENOENT" ? 127 : 126;
  }
  if (brokenPipe) return SIGPIPE_EXIT;
  if (outcome.signal) {
    // Node ignores SIGPIPE, so it cannot die by it: report it as a shell does.
    if (outcome.signal === "SIGPIPE") return SIGPIPE_EXIT;
    // Die by the same signal, so the caller sees what the child saw; first
    // let the child's last output (and masked tails) reach our readers.
    await drainOutput([process.stdout, process.stderr]);
    process.kill(process.pid, outcome.signal);
    return 128 + (constants.signals[outcome.signal] ?? 1);
  }
  return outcome.code ?? 1;
}
