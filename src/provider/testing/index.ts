/**
 * `secrets-loader/provider/testing`: the conformance suite every provider's
 * tests run, built-in or third party. It takes the test runner's functions
 * (vitest, jest, node:test adapters), so no runtime entry imports a runner.
 * A case the backend cannot show is registered as skipped with the name
 * `unsupported: <reason>`: it never passes silently. Given a fault injector,
 * it also runs the fault scenarios (`faultScenarios`).
 *
 * @example
 * ```ts
 * import { describe, expect, it } from "vitest";
 * import { testProvider } from "secrets-loader/provider/testing";
 *
 * testProvider({ describe, it, expect }, {
 *   name: "mem",
 *   provider: () => memProvider({ data: { "app/key": "mem-test-value-7f3a" } }),
 *   present: { ref: "mem://app/key", value: "mem-test-value-7f3a" },
 *   missing: "mem://app/nope",
 *   denied: { unsupported: "the memory backend checks no permissions" },
 *   invalid: "mem://",
 *   capabilities: { batch: false, leases: false, credentials: false },
 * });
 * ```
 * @packageDocumentation
 */

import { inspect } from "node:util";
import { createSecrets } from "../../builtin-providers.js";
import { LoadError, SecretsError } from "../../errors.js";
import type { SecretsEvent } from "../../events.js";
import { parseReference } from "../../reference/parse.js";
import { SchemeTable } from "../../reference/table.js";
import {
  configured,
  defineProvider,
  type ProviderInput,
  type ProviderOperations,
} from "../define.js";
import {
  type FaultExpect,
  type FaultInjector,
  type FaultRunner,
  faultScenarios,
} from "./faults.js";

export {
  FAULT_TIMINGS,
  type FaultAssertion,
  type FaultExpect,
  type FaultFixture,
  type FaultInjector,
  type FaultRunner,
  faultScenarios,
} from "./faults.js";

/**
 * A test function as runners define it: a name, an async body and an optional timeout.
 *
 * @example
 * ```ts
 * const fn: TestFn = it;
 * ```
 */
export type TestFn = (name: string, body: () => Promise<void> | void, timeout?: number) => void;

/**
 * The runner functions the suite needs (vitest's and jest's fit as they are).
 *
 * @example
 * ```ts
 * import { describe, expect, it } from "vitest";
 * const runner: TestRunner = { describe, it, expect };
 * ```
 */
export interface TestRunner {
  /** Groups tests. */
  describe: (name: string, body: () => void) => void;
  /** Defines a test; `it.skip` registers one that is reported but not run. */
  it: TestFn & SkippableTest;
  /** Assertions (only `toBe`, `toEqual`, `toContain` and `.not` are used). */
  // biome-ignore lint/suspicious/noExplicitAny: the runner's own expect, typed by the runner
  expect: (actual: unknown) => any;
  /** Hooks, needed by the fault scenarios only. */
  beforeAll?: FaultRunner["beforeAll"];
  /** Hooks, needed by the fault scenarios only. */
  afterAll?: FaultRunner["afterAll"];
  /** Hooks, needed by the fault scenarios only. */
  beforeEach?: FaultRunner["beforeEach"];
  /** Hooks, needed by the fault scenarios only. */
  afterEach?: FaultRunner["afterEach"];
}

/**
 * Faults injected between the provider and its backend (for example by a
 * Toxiproxy proxy), for the fault scenarios.
 *
 * @example
 * ```ts
 * const faults: FixtureFaults = {
 *   injector: proxy,
 *   provider: () => awsProvider({ endpoint: proxy.url, region: "us-east-1", maxAttempts: 2 }),
 *   present: ["aws-sm://app/a", "aws-sm://app/b", "aws-sm://app/c"],
 * };
 * ```
 */
export interface FixtureFaults {
  /** Injects the faults. */
  injector: FaultInjector;
  /** A provider that reaches the backend only through the injector. */
  provider(): ProviderInput;
  /** At least 3 references that exist and resolve to a string. */
  present: readonly string[];
}

/**
 * A runner's `it.skip`, which reports a test without running it.
 *
 * @example
 * ```ts
 * const skippable: SkippableTest = { skip: it.skip };
 * ```
 */
export interface SkippableTest {
  /** Registers a test that is reported as skipped. */
  skip: TestFn;
}

/**
 * A reference of the fixture and the value it resolves to.
 *
 * @example
 * ```ts
 * const present: FixtureSecret = { ref: "mem://app/key", value: "mem-test-value-7f3a" };
 * ```
 */
export interface FixtureSecret {
  /** The reference. */
  ref: string;
  /** Its value: fake but distinctive, at least 8 characters, so outputs can be searched for it. */
  value: string;
}

/**
 * A case the backend cannot show, and why.
 *
 * @example
 * ```ts
 * const denied: Unsupported = { unsupported: "the stand-in checks no permissions" };
 * ```
 */
export interface Unsupported {
  /** Why it cannot be shown here (it is reported as `unsupported: <reason>`). */
  unsupported: string;
}

/**
 * How to make the backend hang and recover (for example through a fault-injecting proxy).
 *
 * @example
 * ```ts
 * const hang: HangControl = { start: () => proxy.blackHole(), stop: () => proxy.heal() };
 * ```
 */
export interface HangControl {
  /** From now on the backend accepts requests and never answers. */
  start(): Promise<void>;
  /** The backend answers again. */
  stop(): Promise<void>;
}

/**
 * What a provider's conformance run needs.
 *
 * @example
 * ```ts
 * const fixture: ProviderFixture = {
 *   name: "aws",
 *   provider: () => awsProvider({ endpoint, region: "us-east-1", credentials }),
 *   present: { ref: "aws-sm://app/one", value: seeded },
 *   missing: "aws-sm://app/absent",
 *   denied: { unsupported: "moto checks no IAM permissions" },
 *   invalid: "aws-sm://bad name",
 *   capabilities: { batch: true, leases: false, credentials: { request: { roleArn } } },
 * };
 * ```
 */
export interface ProviderFixture {
  /** The name the provider is registered under (its `getCredentials` name). */
  name: string;
  /** A fresh provider that reaches the backend under test. */
  provider(): ProviderInput;
  /** A reference that exists, and its value. */
  present: FixtureSecret;
  /** Another existing reference, for batch order; default: none (order is checked with `present` only). */
  another?: FixtureSecret;
  /** A reference that does not exist. */
  missing: string;
  /** A reference the caller may not read, or why the backend cannot show one. */
  denied: string | Unsupported;
  /** A reference of this provider's scheme that its rules reject. */
  invalid: string;
  /** Makes the backend hang, for the abort-on-close case. */
  hang?: HangControl | Unsupported;
  /** Faults for the fault scenarios (latency, reset, black hole, trickle, down and up, slow start). */
  faults?: FixtureFaults | Unsupported;
  /** What the backend offers. */
  capabilities: {
    /** The provider implements `getSecrets`. */
    batch: boolean;
    /** A reference that issues a lease (`{ ref }`), or `false`. */
    leases: false | Pick<FixtureSecret, "ref">;
    /** A credentials request to issue, or `false`. */
    credentials: false | FixtureCredentials;
  };
}

/**
 * A credentials request the fixture's provider can issue.
 *
 * @example
 * ```ts
 * const creds: FixtureCredentials = { request: { roleArn: "arn:aws:iam::123456789012:role/app" } };
 * ```
 */
export interface FixtureCredentials {
  /** The request passed to `getCredentials(name, request)`. */
  request: unknown;
}

/** Everything observable of a client in one string: the events, inspect() and JSON. */
function observed(
  client: unknown,
  events: readonly SecretsEvent[],
  errors: readonly unknown[],
): string {
  const parts: string[] = [inspect(client, { depth: 6 }), JSON.stringify(client)];
  for (const e of events) parts.push(JSON.stringify(e), inspect(e, { depth: 6 }));
  for (const err of errors) {
    parts.push(inspect(err, { depth: 8 }), JSON.stringify(err) ?? "");
    for (let e: unknown = err, i = 0; e instanceof Error && i < 6; e = e.cause, i++) {
      parts.push(e.message, e.stack ?? "");
    }
  }
  return parts.join("\n");
}

/**
 * A result's value as text: providers whose backend stores bytes (GCP payloads) return
 * them as bytes, which the client decodes as UTF-8 for a string.
 */
function asText(result: unknown): unknown {
  const value = (result as { value?: unknown } | undefined)?.value;
  return value instanceof Uint8Array ? new TextDecoder().decode(value) : value;
}

/** Wraps a provider input so the suite can tell whether it was created. */
function counted(input: ProviderInput): { input: ProviderInput; touched: () => number } {
  let n = 0;
  const { declaration, options } = configured(input);
  const wrapped = defineProvider<unknown>({
    ...declaration,
    create: (ctx, o) => {
      n++;
      return declaration.create(ctx, o);
    },
  });
  return { input: wrapped(options), touched: () => n };
}

/**
 * Registers the conformance suite for one provider: no value in any error,
 * event, `inspect` or JSON; typed NotFound and AccessDenied; batch results in
 * input order; abort on `close()` and an idempotent `close()`; each lease
 * revoked exactly once; references validated before any I/O.
 *
 * @param t - the runner's `describe`, `it` (with `it.skip`) and `expect`
 * @param fixture - the provider and its test references
 * @example
 * ```ts
 * import { describe, expect, it } from "vitest";
 * testProvider({ describe, it, expect }, envFixture);
 * ```
 */
export function testProvider(t: TestRunner, fixture: ProviderFixture): void {
  const { describe, it, expect } = t;
  const make = (extra: Parameters<typeof createSecrets>[0] = {}) => {
    const events: SecretsEvent[] = [];
    const c = counted(fixture.provider());
    const client = createSecrets({
      builtins: false,
      timeout: 5_000,
      ...extra,
      providers: { [fixture.name]: c.input },
      onEvent: (e) => events.push(e),
    });
    return { client, events, touched: c.touched };
  };
  const unsupported = (name: string, why: Unsupported) =>
    it.skip(`${name} (unsupported: ${why.unsupported})`, () => {});

  describe(`provider conformance: ${fixture.name}`, () => {
    it("resolves a present reference and never shows its value in errors, events, inspect or JSON", async () => {
      const { client, events } = make();
      const errors: unknown[] = [];
      expect(await client.getSecret(fixture.present.ref)).toBe(fixture.present.value);
      await client.getSecret(fixture.missing).catch((e: unknown) => errors.push(e));
      await client
        .load({ A: fixture.present.ref, B: fixture.missing })
        .catch((e: unknown) => errors.push(e));
      await client.describe(fixture.present.ref).catch((e: unknown) => errors.push(e));
      expect(errors.length).toBe(2);
      const all = observed(client, events, errors);
      expect(all).not.toContain(fixture.present.value);
      await client.close();
    });

    it("reports a missing reference as a typed NotFound", async () => {
      const { client } = make();
      const err = await client.getSecret(fixture.missing).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(SecretsError.is(err, "NOT_FOUND")).toBe(true);
      expect((err as SecretsError).provider).toBe(fixture.name);
      await client.close();
    });

    if (typeof fixture.denied === "string") {
      const denied = fixture.denied;
      it("reports a denied reference as a typed AccessDenied", async () => {
        const { client } = make();
        const err = await client.getSecret(denied).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(SecretsError.is(err, "ACCESS_DENIED")).toBe(true);
        await client.close();
      });
    } else unsupported("reports a denied reference as a typed AccessDenied", fixture.denied);

    it("returns load() results in input order, naming each failure", async () => {
      const { client } = make();
      const second = fixture.another ?? fixture.present;
      const out = await client.load({ Z: second.ref, A: fixture.present.ref });
      expect(Object.keys(out)).toEqual(["Z", "A"]);
      expect(out.Z).toBe(second.value);
      expect(out.A).toBe(fixture.present.value);
      client.clear();
      const err = await client
        .load({ Z: second.ref, M: fixture.missing, A: fixture.present.ref })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(err instanceof LoadError).toBe(true);
      expect((err as LoadError).failures.map((f) => f.name)).toEqual(["M"]);
      await client.close();
    });

    if (fixture.capabilities.batch) {
      it("answers getSecrets() with one result per reference, in input order", async () => {
        const { client } = make();
        const provider = await client.provider(fixture.name);
        expect(typeof provider.getSecrets).toBe("function");
        const parse = parseReference;
        const table = new SchemeTable().add(configured(fixture.provider()).declaration);
        const second = fixture.another ?? fixture.present;
        const refs = [second.ref, fixture.missing, fixture.present.ref].map((r) => parse(r, table));
        const ctrl = new AbortController();
        const results = await (
          provider.getSecrets as NonNullable<ProviderOperations["getSecrets"]>
        )(refs, {
          name: fixture.name,
          policy: {},
          emit: () => {},
          signal: ctrl.signal,
          memo: () => Promise.reject(new Error("no memo in this case")),
        });
        expect(results.length).toBe(3);
        expect(asText(results[0])).toEqual(second.value);
        expect(SecretsError.is(results[1], "NOT_FOUND")).toBe(true);
        expect(asText(results[2])).toEqual(fixture.present.value);
        await client.close();
      });
    } else {
      unsupported("answers getSecrets() in input order", {
        unsupported: "the provider has no batch API",
      });
    }

    const hang = fixture.hang;
    if (hang && "start" in hang) {
      it("aborts calls in flight on close(), and close() is idempotent", async () => {
        const { client } = make({ timeout: 30_000 });
        await client.getSecret(fixture.present.ref);
        client.clear();
        await hang.start();
        try {
          const pending = client.getSecret(fixture.present.ref).then(
            () => "resolved",
            (e: unknown) => (SecretsError.is(e, "CLIENT_CLOSED") ? "closed" : String(e)),
          );
          await new Promise((r) => setTimeout(r, 100));
          const started = Date.now();
          await client.close();
          expect(await pending).toBe("closed");
          expect(Date.now() - started < 5_000).toBe(true);
          await client.close();
        } finally {
          await hang.stop();
        }
      });
    } else {
      unsupported(
        "aborts calls in flight on close()",
        hang && "unsupported" in hang
          ? hang
          : { unsupported: "no way to make the backend hang was given" },
      );
    }

    const leases = fixture.capabilities.leases;
    if (leases) {
      it("revokes each lease exactly once (invalidate, clear, close)", async () => {
        const { client, events } = make();
        const revoked = () =>
          events
            .filter((e) => e.type === "lease" && e.action === "revoked")
            .map((e) => (e as { lease: string }).lease);
        await client.getSecret(leases.ref, { type: "json" });
        client.invalidate(leases.ref);
        await client.getSecret(leases.ref, { type: "json" });
        client.clear();
        client.clear();
        await client.getSecret(leases.ref, { type: "json" });
        await client.close();
        await client.close();
        const ids = revoked();
        expect(ids.length).toBe(3);
        expect(new Set(ids).size).toBe(3);
      });
    } else
      unsupported("revokes each lease exactly once", {
        unsupported: "the backend issues no leases",
      });

    const faulty = fixture.faults;
    if (leases && faulty && "injector" in faulty) {
      it("revokes the lease of an answer that arrives after the caller's deadline", async () => {
        const events: SecretsEvent[] = [];
        const client = createSecrets({
          builtins: false,
          providers: { [fixture.name]: faulty.provider() },
          onEvent: (e) => events.push(e),
        });
        try {
          // Warm up (a mount lookup, a login), so the late request is the lease-issuing read.
          await client.getSecret(leases.ref, { type: "json" });
          client.invalidate(leases.ref);
          await new Promise((r) => setTimeout(r, 300));
          await faulty.injector.latency(1_500);
          const err = await client.getSecret(leases.ref, { type: "json", timeout: 1_000 }).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(SecretsError.is(err, "UNAVAILABLE")).toBe(true);
          await new Promise((r) => setTimeout(r, 1_500)); // the answer arrives at ~1.5 s
          await faulty.injector.heal();
          const result = await client.close();
          expect(result.leftLive).toEqual([]);
          const late = events.filter(
            (e) => e.type === "lease" && e.action === "revoked" && e.reason === "late",
          );
          expect(late.length).toBe(1);
        } finally {
          await faulty.injector.heal();
          await client.close();
        }
      }, 15_000);
    } else {
      unsupported("revokes the lease of an answer that arrives late", {
        unsupported: leases
          ? "no fault injector between the provider and its backend was given"
          : "the backend issues no leases",
      });
    }

    it("a create() that never settles costs a call its timeout and close() its budget", async () => {
      const { declaration, options } = configured(fixture.provider());
      const stuck = defineProvider<unknown>({
        ...declaration,
        create: () => new Promise<never>(() => {}),
      })(options);
      const client = createSecrets({
        builtins: false,
        closeTimeout: 500,
        providers: { [fixture.name]: stuck },
      });
      let started = Date.now();
      const err = await client.getSecret(fixture.present.ref, { timeout: 500 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(SecretsError.is(err, "UNAVAILABLE")).toBe(true);
      expect(Date.now() - started < 1_500).toBe(true);
      started = Date.now();
      await client.close();
      expect(Date.now() - started < 500 + 250).toBe(true);
    });

    const creds = fixture.capabilities.credentials;
    if (creds) {
      it("issues credentials, cached: a second call makes no provider call", async () => {
        const { client, events } = make();
        const a = await client.getCredentials(fixture.name, creds.request);
        const issued = events.filter((e) => e.type === "credentials");
        const b = await client.getCredentials(fixture.name, creds.request);
        // The same credentials, each caller's own copy (one caller changing them changes no other's).
        expect(b).toEqual(a);
        if (a !== null && typeof a === "object") expect(b).not.toBe(a);
        // No new issue for the second call (a provider's own login may have added events before).
        expect(events.filter((e) => e.type === "credentials").length).toBe(issued.length);
        const labels = issued.map((e) => (e as { reference: string }).reference);
        expect(labels.some((l) => l.startsWith(`${fixture.name}:`))).toBe(true);
        await client.close();
      });
    } else unsupported("issues credentials", { unsupported: "the provider issues no credentials" });

    const faults = fixture.faults;
    const { beforeAll, afterAll, beforeEach, afterEach } = t;
    if (faults && "injector" in faults && beforeAll && afterAll && beforeEach && afterEach) {
      faultScenarios(
        { describe, it, expect: expect as FaultExpect, beforeAll, afterAll, beforeEach, afterEach },
        {
          name: fixture.name,
          faults: faults.injector,
          provider: () => faults.provider(),
          present: faults.present,
        },
      );
    } else {
      unsupported(
        "fault scenarios",
        faults && "unsupported" in faults
          ? faults
          : {
              unsupported: faults
                ? "the runner gave no beforeAll/afterAll/beforeEach/afterEach hooks"
                : "no fault injector was given",
            },
      );
    }

    it("validates references before any I/O or provider creation", async () => {
      const { client, touched } = make();
      const err = await client.getSecret(fixture.invalid).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(SecretsError.is(err, "INVALID_REFERENCE")).toBe(true);
      expect(touched()).toBe(0);
      await client.close();
    });
  });
}
