/** Running the apps' tools: every command and every wait has a deadline. */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";

export interface Outcome {
  code: number | null;
  /** stdout and stderr, interleaved. */
  output: string;
  /** stdout alone. */
  stdout: string;
  ms: number;
}

/** Runs a command to its end (or its deadline), never throwing on a non-zero exit. */
export function runTool(
  cmd: string,
  args: string[],
  options: { cwd: string; env?: Record<string, string>; timeoutMs?: number },
): Promise<Outcome> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: options.cwd,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NO_COLOR: "1", ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    let stdout = "";
    child.stdout.on("data", (d) => {
      output += d;
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      output += d;
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(`${cmd} ${args.join(" ")} did not finish in ${options.timeoutMs} ms:\n${output}`),
      );
    }, options.timeoutMs ?? 240_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output, stdout, ms: Date.now() - started });
    });
  });
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const address = s.address();
      s.close(() =>
        typeof address === "object" && address
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}

/** A server process, its output so far, and how to stop it. */
export interface Server {
  url: string;
  output: () => string;
  /** Resolves when `text` has appeared in the output, or rejects at the deadline. */
  waitFor: (text: string | RegExp, timeoutMs?: number) => Promise<void>;
  stop: () => Promise<void>;
}

/** Starts a long-running server and waits until `url` answers (any status). */
export async function startServer(
  cmd: string,
  args: string[],
  options: { cwd: string; env?: Record<string, string>; url: string; timeoutMs?: number },
): Promise<Server> {
  const child: ChildProcess = spawn(cmd, args, {
    cwd: options.cwd,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NO_COLOR: "1", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d) => {
    output += d;
  });
  child.stderr?.on("data", (d) => {
    output += d;
  });
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  };
  const waitFor = async (text: string | RegExp, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(typeof text === "string" ? output.includes(text) : text.test(output))) {
      if (Date.now() > deadline)
        throw new Error(`"${text}" not seen in ${timeoutMs} ms:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    try {
      await fetch(options.url, { signal: AbortSignal.timeout(5_000) });
      break;
    } catch {
      if (child.exitCode !== null || Date.now() > deadline) {
        await stop();
        throw new Error(`${cmd} ${args.join(" ")} did not answer at ${options.url}:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return { url: options.url, output: () => output, waitFor, stop };
}
