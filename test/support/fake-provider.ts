/**
 * A scripted in-memory provider for unit tests of the core: each call takes
 * the next scripted step (a value, an error, or a step held until released),
 * and every call is recorded. It is not a fake of any cloud service.
 */
import type {
  ConfiguredProvider,
  Issued,
  ParsedRef,
  ProviderOperations,
} from "../../src/provider/index.js";
import { inline } from "./inline-provider.js";

export type Step =
  | {
      value: string | Uint8Array;
      version?: string;
      expiresAt?: number;
      refreshAt?: number;
      staleOnError?: boolean;
    }
  | { error: Error }
  | { hold: Promise<void>; after: Step };

export interface ScriptedProvider extends ProviderOperations, ConfiguredProvider {
  calls: string[];
  credentialCalls: unknown[];
  closed: number;
  /** Queue steps for a path (`*` = any path). */
  script(path: string, ...steps: Step[]): void;
}

export function deferred(): { promise: Promise<void>; release: () => void } {
  let release = () => {};
  const promise = new Promise<void>((r) => {
    release = r;
  });
  return { promise, release };
}

export function scriptedProvider(name = "fake", scheme = "fake"): ScriptedProvider {
  // The last step of a queue repeats until new steps are scripted after it.
  const queues = new Map<string, Step[]>();
  const repeating = new Set<string>();
  const next = (path: string): Step => {
    const key = queues.get(path)?.length ? path : "*";
    const q = queues.get(key);
    if (q?.length === 1) repeating.add(key);
    const step = q && q.length > 1 ? q.shift() : q?.[0];
    if (!step) throw new Error(`no scripted step for ${path}`);
    return step;
  };
  const run = async (step: Step): Promise<Issued> => {
    if ("hold" in step) {
      await step.hold;
      return run(step.after);
    }
    if ("error" in step) throw step.error;
    return { ...step };
  };
  const p: ScriptedProvider = inline({
    name,
    scheme,
    rules: { [scheme]: { options: { stage: /^.+$/ }, example: `${scheme}://name` } },
    calls: [],
    credentialCalls: [],
    closed: 0,
    script(path: string, ...steps: Step[]) {
      const kept = repeating.delete(path) ? [] : (queues.get(path) ?? []);
      queues.set(path, [...kept, ...steps]);
    },
    async getSecret(ref: ParsedRef) {
      p.calls.push(ref.source);
      return run(next(ref.path));
    },
    async getCredentials(request: unknown): Promise<Issued<unknown>> {
      p.credentialCalls.push(request);
      const got = await run(next("credentials"));
      return { value: { token: got.value }, expiresAt: got.expiresAt, version: got.version };
    },
    async close() {
      p.closed++;
    },
  });
  return p;
}
